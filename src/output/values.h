// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/resolver.h"
#include "types/types.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sonde::output {

// A value of a known type in a buffer written by a BPF program (an event
// record, a map key or a map value). Top-level integers are stored 8 bytes
// wide, sign- or zero-extended; fields of a record keep their own size and
// offset. Neither pointer is owned.
struct RawValue {
  const types::Type* type;
  const char* data;
};

int64_t read_signed(const char* data);
uint64_t read_unsigned(const char* data);
// A NUL-padded string of at most `size` bytes.
std::string_view read_string(const char* data, uint32_t size);
// The text of a string value of `size` bytes: up to its NUL, followed by
// the resolver's truncation trailer ("..") when it has none, as bpftrace
// marks a string that was cut short.
std::string
string_text(const char* data, uint32_t size, ValueResolver* resolver);
// An integer of `size` bytes (1, 2, 4 or 8), sign-extended when `is_signed`;
// returned as the bits of a 64-bit integer.
uint64_t read_sized(const char* data, uint32_t size, bool is_signed);
// An integer field of a record at `data` (the record's start plus
// field.offset); a bitfield is cut out of its storage unit and, when its
// type is signed, sign-extended from its own width.
uint64_t read_integer_field(const char* data, const types::Field& field);

// A 64-bit integer of either signedness: map values, averages and histogram
// bounds. `bits` holds the two's complement bits; `is_signed` says how to
// read them.
struct Integer {
  uint64_t bits = 0;
  bool is_signed = false;

  static Integer of_signed(int64_t value) {
    return {static_cast<uint64_t>(value), true};
  }
  static Integer of_unsigned(uint64_t value) { return {value, false}; }
  bool is_negative() const {
    return is_signed && static_cast<int64_t>(bits) < 0;
  }
};

// Decimal text of `value`.
std::string integer_text(Integer value);
// An integer of `type`: its enumerator's name when `type` is an enum that
// names the value (as bpftrace symbolizes enums), else integer_text().
std::string integer_text(const types::Type& type, Integer value);
// Numeric order, correct across signedness (-1 < 2^64-1).
bool integer_less(Integer a, Integer b);
// `value / divisor`, truncating toward zero as C does; a divisor of 0 counts
// as 1, as bpftrace's print(@m, top, 0) does.
Integer integer_divide(Integer value, uint64_t divisor);

// The default text of a value, as bpftrace prints map keys, map values and
// print() arguments: integers in decimal, strings raw, pointers in hex
// (`0x1f`), records as `{ .a = 1, .b = str }` (`{}` when empty). Stacks
// and formatted values (ksym, inet, ...) are looked up through `resolver`;
// without one, stacks print empty and addresses in hex.
std::string format_value(const RawValue& value,
                         ValueResolver* resolver = nullptr);

// A kstack/ustack value as bpftrace prints it: a newline, then one line per
// frame. The default mode indents each frame by 8 spaces and prints
// `symbol+offset` (hex `0x...` when no symbol holds it); perf mode prints a
// tab, the address in hex, the symbol and, for user frames, the object in
// parentheses; raw mode prints the hex address alone.
std::string format_stack(const types::Type& type,
                         const char* data,
                         ValueResolver* resolver);

// A Formatted value (types::Presentation): ksym/usym names, inet and MAC
// addresses, strftime timestamps, user names and cgroup paths.
std::string format_formatted(const types::Type& type,
                             const char* data,
                             ValueResolver* resolver);

// The elements of a tuple or array value, in order.
std::vector<RawValue> sequence_elements(const RawValue& value);

// buf() values: a u32 length then bytes; printable bytes as they are, the
// rest as \xNN, like bpftrace.
std::string format_buffer(const char* data, uint32_t capacity);

} // namespace sonde::output
