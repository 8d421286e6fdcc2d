// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "btf/types.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sonde::output {

// A value of a known type in a buffer written by a BPF program (an event
// record, a map key or a map value). Integers are stored 8 bytes wide.
struct RawValue {
  const types::Type* type;
  const char* data;
};

int64_t read_signed(const char* data);
uint64_t read_unsigned(const char* data);
// A NUL-padded string of at most `size` bytes.
std::string_view read_string(const char* data, uint32_t size);

// The default text of a value, as bpftrace prints map keys and values:
// integers in decimal, strings raw, pointers in hex.
std::string format_value(const RawValue& value);

} // namespace sonde::output
