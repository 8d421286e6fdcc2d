// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// sonde's value types: what sema assigns to expressions, what codegen lays
// out and what the runtime and output decode. Types are small values;
// composite types share their parts.
namespace sonde::types {

enum class TypeKind : uint8_t {
  None,    // No value (statements, void calls).
  Integer, // 1, 2, 4 or 8 bytes, signed or not.
  Bool,    // `true`/`false`: one byte, 0 or 1.
  String,  // A NUL-padded char array of a fixed size.
  Pointer, // An address, with the address space it points into.
  Record,  // A struct or union of named fields (`args`, kernel structs).
  Array,   // `count` elements of one type (char arrays are Strings).
  // `(a, b)`: fields named "0", "1", ... at aligned offsets. A record
  // literal `(a=1, b="x")` is a tuple whose fields carry the given names.
  Tuple,
  Buffer, // buf(): a u32 length, then up to `capacity` bytes.
  Stack,  // kstack/ustack: the ids the kernel recorded (see StackMode).
  // A value recorded raw in the kernel and formatted in user space
  // (ksym, usym, inet, timestamps, ...), see Presentation.
  Formatted,
  Count, // Aggregation map values: count(), sum().
  Sum,
};

// How a kstack/ustack prints: bpftrace's indented form, perf's, or raw
// addresses.
// BuildId (user stacks only): each frame is the object's build id and the
// offset in it, which another machine can symbolize.
enum class StackMode : uint8_t { Bpftrace, Perf, Raw, BuildId };

// What user space does with a Formatted value's bytes.
enum class Presentation : uint8_t {
  Ksym,        // u64 kernel address -> symbol name.
  Usym,        // u64 address, u64 pid -> symbol in that process.
  Inet,        // u64 family, 16 bytes address -> "1.2.3.4" / "::1".
  Timestamp,   // strftime: u64 format id, u64 nanoseconds.
  MacAddr,     // 6 bytes -> "00:11:22:33:44:55".
  Username,    // u64 uid -> name from /etc/passwd.
  CgroupPath,  // u64 cgroup id -> path.
  ErrnoText,   // strerror(): u64 errno -> libc's message.
  SignalName,  // u64 signal number -> "SIGTERM".
  SyscallName, // u64 x86_64 syscall number -> "openat".
};

// The btf_id of an incomplete record known by its name only ("struct
// __kernel_timespec" in a tracepoint's format): sema completes it by name,
// from the script's C definitions, then from the kernel's BTF.
inline constexpr uint32_t kRecordByName = 0xffffffffu;

enum class AddressSpace : uint8_t { None, Kernel, User };

class Type;

// The named constants of an enum type, which its values print as (printf
// "%s", print(), map keys and values, JSON), as bpftrace prints them.
struct Enumerators {
  // "enum color", or "enum (anonymous)".
  std::string name;
  // (value, name) in declaration order; several names may share a value.
  std::vector<std::pair<int64_t, std::string>> values;

  // The first enumerator with `value`; nullptr when none has it.
  const std::string* find(int64_t value) const;
};

struct Field {
  std::string name;
  std::shared_ptr<const Type> type;
  uint32_t offset = 0;
  // Bitfields: bits from the start of the byte at `offset`, and width.
  uint32_t bit_offset = 0;
  uint32_t bit_size = 0;
  // Tracepoint `__data_loc` fields hold (length << 16 | offset) of data
  // stored after the fixed fields.
  bool data_loc = false;
};

// Sets `field.offset` (and for a bitfield, bit_size != 0, `bit_offset` and
// `bit_size`) from its position `bits` from the start of the record. A
// bitfield's offset is its storage unit, the position aligned down to
// field.type's size, and bit_offset the bits past it: one little-endian
// load of type.size() bytes at `offset`, shifted right by bit_offset and
// masked to bit_size bits, reads it. A packed bitfield that crosses its
// unit gets offset = bits / 8 instead. `field.type` must be set.
void place_field(Field& field, uint64_t bits, uint32_t bit_size);

class Type {
public:
  Type() = default;

  static Type none() { return Type(); }
  static Type integer(uint32_t size, bool is_signed);
  // An integer of an enum type: arithmetic, comparison and storage treat it
  // as the integer it is; printing shows its enumerator's name.
  static Type enumeration(uint32_t size,
                          bool is_signed,
                          std::shared_ptr<const Enumerators> enumerators);
  static Type u64() { return integer(8, false); }
  static Type s64() { return integer(8, true); }
  static Type boolean();
  static Type string(uint32_t size);
  static Type pointer(Type pointee, AddressSpace space);
  static Type
  record(std::string name, std::vector<Field> fields, uint32_t size);
  // A struct or union: `name` is "struct x" / "union x". An incomplete
  // record (a pointer's pointee) has no fields yet; `btf_id` lets the type
  // source complete it when a script looks inside.
  static Type
  union_record(std::string name, std::vector<Field> fields, uint32_t size);
  static Type
  incomplete_record(std::string name, uint32_t size, uint32_t btf_id);
  static Type array(Type element, uint32_t count);
  // Elements laid out at their natural alignment, like a C struct.
  static Type tuple(std::vector<Type> elements);
  // A record literal's type: a tuple laid out the same way, whose fields
  // are named (`names` and `elements` have the same length).
  static Type named_tuple(std::vector<std::string> names,
                          std::vector<Type> elements);
  static Type buffer(uint32_t capacity);
  // kstack: an 8-byte stack id. ustack: stack id then pid, 16 bytes.
  static Type stack(bool user, uint32_t depth, StackMode mode);
  static Type formatted(Presentation presentation, uint32_t size);
  static Type count();
  static Type sum(bool is_signed);

  TypeKind kind() const { return kind_; }
  uint32_t size() const { return size_; }
  bool is_signed() const { return is_signed_; }
  AddressSpace address_space() const { return space_; }

  bool is_none() const { return kind_ == TypeKind::None; }
  bool is_integer() const { return kind_ == TypeKind::Integer; }
  // An integer of an enum type (see enumeration()).
  bool is_enum() const { return enumerators_ != nullptr; }
  // The enum's constants for is_enum() integers; nullptr otherwise.
  const Enumerators* enumerators() const { return enumerators_.get(); }
  const std::shared_ptr<const Enumerators>& shared_enumerators() const {
    return enumerators_;
  }
  bool is_bool() const { return kind_ == TypeKind::Bool; }
  bool is_string() const { return kind_ == TypeKind::String; }
  bool is_pointer() const { return kind_ == TypeKind::Pointer; }
  bool is_record() const { return kind_ == TypeKind::Record; }
  bool is_array() const { return kind_ == TypeKind::Array; }
  bool is_tuple() const { return kind_ == TypeKind::Tuple; }
  // A tuple made by a record literal (fields accessed by name).
  bool is_named_tuple() const { return kind_ == TypeKind::Tuple && named_; }
  bool is_buffer() const { return kind_ == TypeKind::Buffer; }
  bool is_stack() const { return kind_ == TypeKind::Stack; }
  bool is_formatted() const { return kind_ == TypeKind::Formatted; }
  // Whether values of this type live in memory (codegen passes a pointer
  // to a stack buffer) rather than in one 64-bit register.
  bool in_memory() const;
  bool is_aggregation() const {
    return kind_ == TypeKind::Count || kind_ == TypeKind::Sum;
  }

  // For pointers and arrays (the element); none for anything else.
  const Type& pointee() const;
  const Type& element() const { return pointee(); }
  // Arrays: number of elements. Buffers: capacity. Stacks: depth.
  uint32_t element_count() const { return count_; }
  bool is_union() const { return is_union_; }
  // Records known by name only (see incomplete_record).
  bool is_complete() const { return btf_id_ == 0; }
  uint32_t btf_id() const { return btf_id_; }
  bool is_user_stack() const { return is_signed_; }
  StackMode stack_mode() const { return stack_mode_; }
  Presentation presentation() const { return presentation_; }
  // For records and tuples (whose fields are named "0", "1", ...).
  const std::string& record_name() const { return name_; }
  const std::vector<Field>& fields() const { return fields_; }
  const Field* field(const std::string& name) const;

  // Types are equal when they have the same kind, size and signedness (and,
  // for records, the same name; for composites, equal parts). An enum and
  // the integer it is are equal: the enum only changes how values print.
  bool operator==(const Type& other) const;

  // Natural alignment: of the largest scalar inside, at most 8.
  uint32_t alignment() const;

  // How the type reads in diagnostics: "uint64", "string[16]", "char *",
  // "enum color".
  std::string name() const;

private:
  TypeKind kind_ = TypeKind::None;
  uint32_t size_ = 0;
  bool is_signed_ = false;
  AddressSpace space_ = AddressSpace::None;
  bool is_union_ = false;
  bool named_ = false;
  StackMode stack_mode_ = StackMode::Bpftrace;
  Presentation presentation_ = Presentation::Ksym;
  uint32_t count_ = 0;
  uint32_t btf_id_ = 0;
  std::shared_ptr<const Type> pointee_;
  std::shared_ptr<const Enumerators> enumerators_;
  std::string name_;
  std::vector<Field> fields_;
};

// The type that holds every value of `a` and of `b`, for a variable or map
// assigned both, or the two branches of `?:`: the wider integer (a signed
// one big enough for an unsigned one; int64 when none is), an integer for
// a bool and an integer, the longer string, the larger buffer, and tuples
// of such parts, field by field. Nullopt when the two do not mix.
std::optional<Type> common_type(const Type& a, const Type& b);

} // namespace sonde::types
