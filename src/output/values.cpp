// SPDX-License-Identifier: Apache-2.0
#include "output/values.h"

#include <cstring>

namespace sonde::output {

int64_t read_signed(const char* data) {
  int64_t value;
  std::memcpy(&value, data, sizeof(value));
  return value;
}

uint64_t read_unsigned(const char* data) {
  uint64_t value;
  std::memcpy(&value, data, sizeof(value));
  return value;
}

std::string_view read_string(const char* data, uint32_t size) {
  return std::string_view(data, strnlen(data, size));
}

std::string format_value(const RawValue& value) {
  const types::Type& type = *value.type;
  switch (type.kind()) {
  case types::TypeKind::String:
    return std::string(read_string(value.data, type.size()));
  case types::TypeKind::Pointer: {
    char text[24];
    snprintf(text, sizeof(text), "0x%llx",
             static_cast<unsigned long long>(read_unsigned(value.data)));
    return text;
  }
  case types::TypeKind::Integer:
  case types::TypeKind::Count:
  case types::TypeKind::Sum:
    return type.is_signed() ? std::to_string(read_signed(value.data))
                            : std::to_string(read_unsigned(value.data));
  case types::TypeKind::None:
  case types::TypeKind::Record:
    return "";
  }
  return "";
}

} // namespace sonde::output
