// SPDX-License-Identifier: Apache-2.0
#include "output/json.h"

#include <bit>
#include <cstdio>

namespace sonde::output {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default: {
      auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20) {
        char escape[8];
        snprintf(escape, sizeof(escape), "\\u%04x", byte);
        out += escape;
      } else if (byte >= 0x80) {
        // bpftrace compares a signed char with 0x1f, so every byte from 0x80
        // up counts as a control character and prints as a sign-extended
        // int in hex. (Upstream also leaves its stream in hex afterwards,
        // which garbles later numbers; that is not copied.)
        char escape[16];
        snprintf(escape, sizeof(escape), "\\uffffff%02x", byte);
        out += escape;
      } else {
        out += c;
      }
      break;
    }
    }
  }
  out += '"';
  return out;
}

namespace {

// Whether a double holds `magnitude` exactly: it has at most 53 significant
// bits.
bool fits_double(uint64_t magnitude) {
  if (magnitude == 0) {
    return true;
  }
  int significant =
      64 - std::countl_zero(magnitude) - std::countr_zero(magnitude);
  return significant <= 53;
}

} // namespace

std::string json_integer(const types::Type& type, Integer value) {
  std::string text = integer_text(type, value);
  return type.is_enum() && text != integer_text(value) ? json_string(text)
                                                       : json_integer(value);
}

std::string json_integer(Integer value) {
  uint64_t magnitude = value.is_negative() ? ~value.bits + 1 : value.bits;
  std::string text = integer_text(value);
  if (fits_double(magnitude)) {
    return text;
  }
  return "\"" + text + "\"";
}

namespace {

std::string format_record_json(const types::Type& type,
                               const char* data,
                               ValueResolver* resolver) {
  std::string out = "{";
  bool first = true;
  for (const types::Field& field : type.fields()) {
    if (!first) {
      out += ", ";
    }
    first = false;
    out += json_string(field.name) + ": ";
    const char* field_data = data + field.offset;
    if (field.data_loc) {
      uint32_t loc = static_cast<uint32_t>(read_sized(field_data, 4, false));
      out += json_string(read_string(data + (loc & 0xffff), loc >> 16));
      continue;
    }
    const types::Type& field_type = *field.type;
    if (field_type.is_integer()) {
      out += json_integer(field_type, {read_integer_field(field_data, field),
                                       field_type.is_signed()});
    } else {
      out += format_value_json({&field_type, field_data}, resolver);
    }
  }
  return out + "}";
}

std::string format_sequence_json(const RawValue& value,
                                 ValueResolver* resolver) {
  std::string out = "[";
  bool first = true;
  for (const RawValue& element : sequence_elements(value)) {
    out += first ? "" : ",";
    first = false;
    const types::Type& type = *element.type;
    out += type.is_integer()
               ? json_integer(type, {read_sized(element.data, type.size(),
                                                type.is_signed()),
                                     type.is_signed()})
               : format_value_json(element, resolver);
  }
  return out + "]";
}

} // namespace

std::string format_value_json(const RawValue& value, ValueResolver* resolver) {
  const types::Type& type = *value.type;
  switch (type.kind()) {
  case types::TypeKind::String:
    return json_string(string_text(value.data, type.size(), resolver));
  case types::TypeKind::Pointer:
    return json_integer(Integer::of_unsigned(read_unsigned(value.data)));
  case types::TypeKind::Integer:
    return json_integer(type,
                        {read_sized(value.data, type.size(), type.is_signed()),
                         type.is_signed()});
  case types::TypeKind::Bool:
    return value.data[0] != 0 ? "true" : "false";
  case types::TypeKind::Count:
  case types::TypeKind::Sum:
    return json_integer(type, {read_unsigned(value.data), type.is_signed()});
  case types::TypeKind::Record:
    return format_record_json(type, value.data, resolver);
  case types::TypeKind::Tuple:
    // A record literal's value is an object, like a struct's.
    return type.is_named_tuple()
               ? format_record_json(type, value.data, resolver)
               : format_sequence_json(value, resolver);
  case types::TypeKind::Array:
    return format_sequence_json(value, resolver);
  case types::TypeKind::Buffer:
    return json_string(format_buffer(value.data, type.element_count()));
  case types::TypeKind::Stack:
    return json_string(format_stack(type, value.data, resolver));
  case types::TypeKind::Formatted:
    return json_string(format_formatted(type, value.data, resolver));
  case types::TypeKind::None:
    return "null";
  }
  return "null";
}

} // namespace sonde::output
