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

// bpftrace's forms: tuples "(1, abc)", arrays "[1,2,3]".
std::string format_sequence(const types::Type& type,
                            const char* data,
                            const char* open,
                            const char* separator,
                            const char* close) {
  std::string text = open;
  const uint32_t count = type.is_tuple()
                             ? static_cast<uint32_t>(type.fields().size())
                             : type.element_count();
  for (uint32_t i = 0; i < count; ++i) {
    if (i) {
      text += separator;
    }
    const types::Type& element =
        type.is_tuple() ? *type.fields()[i].type : type.element();
    const uint32_t offset =
        type.is_tuple() ? type.fields()[i].offset : i * element.size();
    text += element.is_integer()
                ? integer_text({read_sized(data + offset, element.size(),
                                           element.is_signed()),
                                element.is_signed()})
                : format_value({&element, data + offset});
  }
  return text + close;
}

} // namespace

std::string format_buffer(const char* data, uint32_t capacity) {
  uint32_t length = static_cast<uint32_t>(read_sized(data, 4, false));
  length = std::min(length, capacity);
  std::string text;
  for (uint32_t i = 0; i < length; ++i) {
    const unsigned char byte = static_cast<unsigned char>(data[4 + i]);
    if (byte >= 32 && byte < 127) {
      text += static_cast<char>(byte);
    } else {
      char escaped[8];
      snprintf(escaped, sizeof(escaped), "\\x%02x", byte);
      text += escaped;
    }
  }
  return text;
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
  case types::TypeKind::Record:
    return format_record(type, value.data);
  case types::TypeKind::Tuple:
    return format_sequence(type, value.data, "(", ", ", ")");
  case types::TypeKind::Array:
    return format_sequence(type, value.data, "[", ",", "]");
  case types::TypeKind::Buffer:
    return format_buffer(value.data, type.element_count());
  // Stacks and formatted values need symbols: the formatters resolve them
  // before they get here.
  case types::TypeKind::Stack:
  case types::TypeKind::Formatted:
  case types::TypeKind::None:
    return "";
  }
  return "";
}

} // namespace sonde::output
