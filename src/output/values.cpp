// SPDX-License-Identifier: Apache-2.0
#include "output/values.h"

#include <cstdio>
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

uint64_t read_sized(const char* data, uint32_t size, bool is_signed) {
  switch (size) {
  case 1: {
    uint8_t value;
    std::memcpy(&value, data, 1);
    return is_signed ? static_cast<uint64_t>(static_cast<int8_t>(value))
                     : value;
  }
  case 2: {
    uint16_t value;
    std::memcpy(&value, data, 2);
    return is_signed ? static_cast<uint64_t>(static_cast<int16_t>(value))
                     : value;
  }
  case 4: {
    uint32_t value;
    std::memcpy(&value, data, 4);
    return is_signed ? static_cast<uint64_t>(static_cast<int32_t>(value))
                     : value;
  }
  default:
    return read_unsigned(data);
  }
}

std::string integer_text(Integer value) {
  return value.is_signed ? std::to_string(static_cast<int64_t>(value.bits))
                         : std::to_string(value.bits);
}

bool integer_less(Integer a, Integer b) {
  if (a.is_negative() != b.is_negative()) {
    return a.is_negative();
  }
  // Same sign: both negative compare as signed, both non-negative compare
  // equally well as unsigned.
  if (a.is_negative()) {
    return static_cast<int64_t>(a.bits) < static_cast<int64_t>(b.bits);
  }
  return a.bits < b.bits;
}

Integer integer_divide(Integer value, uint64_t divisor) {
  if (divisor <= 1) {
    return value;
  }
  if (!value.is_signed) {
    return Integer::of_unsigned(value.bits / divisor);
  }
  int64_t signed_value = static_cast<int64_t>(value.bits);
  // A divisor beyond int64's range leaves every signed value at 0.
  if (divisor > static_cast<uint64_t>(INT64_MAX)) {
    return Integer::of_signed(0);
  }
  return Integer::of_signed(signed_value / static_cast<int64_t>(divisor));
}

namespace {

std::string format_record(const types::Type& type, const char* data) {
  if (type.fields().empty()) {
    return "{}";
  }
  std::string text = "{ ";
  bool first = true;
  for (const types::Field& field : type.fields()) {
    if (!first) {
      text += ", ";
    }
    first = false;
    text += "." + field.name + " = ";
    const char* field_data = data + field.offset;
    if (field.data_loc) {
      // The field holds (length << 16 | offset) of bytes stored after the
      // fixed part of the record.
      uint32_t loc = static_cast<uint32_t>(read_sized(field_data, 4, false));
      text += read_string(data + (loc & 0xffff), loc >> 16);
      continue;
    }
    const types::Type& field_type = *field.type;
    if (field_type.is_integer()) {
      // Record fields keep their C size, unlike top-level values.
      text += integer_text(
          {read_sized(field_data, field_type.size(), field_type.is_signed()),
           field_type.is_signed()});
    } else {
      text += format_value({&field_type, field_data});
    }
  }
  return text + " }";
}

} // namespace

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
  case types::TypeKind::Record:
    return format_record(type, value.data);
  case types::TypeKind::None:
    return "";
  }
  return "";
}

} // namespace sonde::output
