// SPDX-License-Identifier: Apache-2.0
#include "output/values.h"

#include "output/flag_names.h"
#include "output/names.h"

#include <arpa/inet.h>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

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

std::string
string_text(const char* data, uint32_t size, ValueResolver* resolver) {
  std::string text(read_string(data, size));
  if (size > 0 && text.size() == size) {
    text += resolver != nullptr ? resolver->truncation_trailer()
                                : std::string_view("..");
  }
  return text;
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

uint64_t read_integer_field(const char* data, const types::Field& field) {
  const types::Type& type = *field.type;
  uint64_t unit = read_sized(data, type.size(), type.is_signed());
  if (field.bit_size == 0 || field.bit_size >= 64) {
    return unit;
  }
  // Move the field's top bit to bit 63, then shift it back down.
  uint64_t top = unit << (64 - field.bit_offset - field.bit_size);
  return type.is_signed() ? static_cast<uint64_t>(static_cast<int64_t>(top) >>
                                                  (64 - field.bit_size))
                          : top >> (64 - field.bit_size);
}

std::string integer_text(Integer value) {
  return value.is_signed ? std::to_string(static_cast<int64_t>(value.bits))
                         : std::to_string(value.bits);
}

std::string integer_text(const types::Type& type, Integer value) {
  if (const types::Enumerators* enumerators = type.enumerators()) {
    if (const std::string* name =
            enumerators->find(static_cast<int64_t>(value.bits))) {
      return *name;
    }
  }
  return integer_text(value);
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

std::string format_record(const types::Type& type,
                          const char* data,
                          ValueResolver* resolver) {
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
      text += integer_text(field_type, {read_integer_field(field_data, field),
                                        field_type.is_signed()});
    } else {
      text += format_value({&field_type, field_data}, resolver);
    }
  }
  return text + " }";
}

// bpftrace's forms: tuples "(1, abc)", arrays "[1,2,3]".
std::string format_sequence(const RawValue& value,
                            const char* open,
                            const char* separator,
                            const char* close,
                            ValueResolver* resolver) {
  std::string text = open;
  bool first = true;
  for (const RawValue& element : sequence_elements(value)) {
    text += first ? "" : separator;
    first = false;
    const types::Type& type = *element.type;
    text += type.is_integer()
                ? integer_text(type, {read_sized(element.data, type.size(),
                                                 type.is_signed()),
                                      type.is_signed()})
                : format_value(element, resolver);
  }
  return text + close;
}

std::string hex_address(uint64_t address, bool prefix) {
  char text[24];
  snprintf(text, sizeof(text), prefix ? "0x%llx" : "%llx",
           static_cast<unsigned long long>(address));
  return text;
}

ResolvedSymbol
lookup(ValueResolver* resolver, bool user, uint64_t address, uint64_t pid) {
  if (resolver == nullptr) {
    return {};
  }
  return user ? resolver->user_symbol(address, pid)
              : resolver->kernel_symbol(address);
}

std::string inet_text(const char* data) {
  uint64_t family = read_unsigned(data);
  char text[INET6_ADDRSTRLEN] = "";
  if (family == AF_INET6) {
    inet_ntop(AF_INET6, data + 8, text, sizeof(text));
  } else {
    inet_ntop(AF_INET, data + 8, text, sizeof(text));
  }
  return text;
}

std::string format_build_id_stack(const types::Type& type,
                                  const char* data,
                                  ValueResolver* resolver) {
  // As bpftrace prints them: the build id in hex and the offset in the
  // object, or the bare address (hex) when the kernel had no build id.
  std::string text = "\n";
  if (resolver == nullptr) {
    return text;
  }
  for (const BuildIdFrame& frame : resolver->build_id_stack(type, data)) {
    char number[24];
    if (frame.has_build_id) {
      for (uint8_t byte : frame.build_id) {
        snprintf(number, sizeof(number), "%02x", byte);
        text += number;
      }
      snprintf(number, sizeof(number), " 0x%02" PRIx64, frame.offset_or_ip);
    } else {
      snprintf(number, sizeof(number), "%" PRIx64, frame.offset_or_ip);
    }
    text += number;
    text += "\n";
  }
  return text;
}

} // namespace

std::string format_stack(const types::Type& type,
                         const char* data,
                         ValueResolver* resolver) {
  if (type.stack_mode() == types::StackMode::BuildId) {
    return format_build_id_stack(type, data, resolver);
  }
  std::vector<uint64_t> frames;
  if (resolver != nullptr) {
    frames = resolver->stack(type, data);
  }
  bool user = type.is_user_stack();
  uint64_t pid = user ? read_unsigned(data + 8) : 0;
  std::string text = "\n";
  for (size_t i = 0; i < frames.size(); ++i) {
    uint64_t address = frames[i];
    // With show_debug_info: functions inlined at a user frame come first,
    // each on a line of its own, and frames end with @FILE:LINE.
    UserSourceFrame source;
    if (user && resolver != nullptr &&
        type.stack_mode() != types::StackMode::Raw) {
      source = resolver->user_source(address, pid, i > 0);
    }
    switch (type.stack_mode()) {
    case types::StackMode::Bpftrace: {
      for (const auto& [name, location] : source.inlined) {
        text += "        [inlined] " + name +
                (location.empty() ? "" : "@" + location) + "\n";
      }
      ResolvedSymbol symbol = lookup(resolver, user, address, pid);
      text += "        ";
      text += symbol.found ? symbol.name + "+" + std::to_string(symbol.offset)
                           : hex_address(address, true);
      if (!source.location.empty()) {
        text += "@" + source.location;
      }
      break;
    }
    case types::StackMode::Perf: {
      ResolvedSymbol symbol = lookup(resolver, user, address, pid);
      for (const auto& [name, location] : source.inlined) {
        text +=
            "\t" + hex_address(address, false) + " " + name + " [inlined] (" +
            (symbol.module.empty() ? std::string("[unknown]") : symbol.module) +
            ")\n";
      }
      text += "\t" + hex_address(address, false) + " ";
      text += symbol.found ? symbol.name + "+" + std::to_string(symbol.offset)
                           : std::string("[unknown]");
      if (user) {
        text +=
            " (" +
            (symbol.module.empty() ? std::string("[unknown]") : symbol.module) +
            ")";
      }
      break;
    }
    case types::StackMode::Raw:
      text += hex_address(address, false);
      break;
    case types::StackMode::BuildId:
      break; // format_build_id_stack
    }
    text += "\n";
  }
  return text;
}

std::string format_formatted(const types::Type& type,
                             const char* data,
                             ValueResolver* resolver) {
  switch (type.presentation()) {
  case types::Presentation::Ksym:
  case types::Presentation::Usym: {
    bool user = type.presentation() == types::Presentation::Usym;
    uint64_t address = read_unsigned(data);
    uint64_t pid = user ? read_unsigned(data + 8) : 0;
    ResolvedSymbol symbol = lookup(resolver, user, address, pid);
    return symbol.found ? symbol.name : hex_address(address, true);
  }
  case types::Presentation::Inet:
    return inet_text(data);
  case types::Presentation::MacAddr: {
    char text[24];
    const auto* bytes = reinterpret_cast<const unsigned char*>(data);
    snprintf(text, sizeof(text), "%02X:%02X:%02X:%02X:%02X:%02X", bytes[0],
             bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
    return text;
  }
  case types::Presentation::Timestamp:
    if (resolver == nullptr) {
      return std::to_string(read_unsigned(data + 8));
    }
    return resolver->timestamp(read_unsigned(data), read_unsigned(data + 8));
  case types::Presentation::Username:
    if (resolver == nullptr) {
      return std::to_string(read_unsigned(data));
    }
    return resolver->username(read_unsigned(data));
  case types::Presentation::CgroupPath:
    if (resolver == nullptr) {
      return std::to_string(read_unsigned(data));
    }
    return resolver->cgroup_path(read_unsigned(data));
  case types::Presentation::ErrnoText:
    return errno_text(read_signed(data));
  case types::Presentation::SignalName:
    return signal_text(read_signed(data));
  case types::Presentation::SyscallName:
    return syscall_text(read_signed(data));
  }
  return "";
}

ValueResolver::~ValueResolver() = default;

std::string ValueResolver::gfp_flags(uint64_t flags) {
  return flags_text(flags, {});
}

std::string_view ValueResolver::truncation_trailer() { return ".."; }

UserSourceFrame ValueResolver::user_source(uint64_t, uint64_t, bool) {
  return {};
}

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

std::vector<RawValue> sequence_elements(const RawValue& value) {
  const types::Type& type = *value.type;
  std::vector<RawValue> elements;
  if (type.is_tuple()) {
    for (const types::Field& field : type.fields()) {
      elements.push_back({field.type.get(), value.data + field.offset});
    }
    return elements;
  }
  for (uint32_t i = 0; i < type.element_count(); ++i) {
    elements.push_back(
        {&type.element(), value.data + i * type.element().size()});
  }
  return elements;
}

std::string format_value(const RawValue& value, ValueResolver* resolver) {
  const types::Type& type = *value.type;
  switch (type.kind()) {
  case types::TypeKind::String:
    return string_text(value.data, type.size(), resolver);
  case types::TypeKind::Pointer: {
    char text[24];
    snprintf(text, sizeof(text), "0x%llx",
             static_cast<unsigned long long>(read_unsigned(value.data)));
    return text;
  }
  case types::TypeKind::Integer:
    // Top-level values fill an 8-byte slot, fields their C size: the low
    // bytes read the same either way.
    return integer_text(type,
                        {read_sized(value.data, type.size(), type.is_signed()),
                         type.is_signed()});
  case types::TypeKind::Bool:
    return value.data[0] != 0 ? "true" : "false";
  case types::TypeKind::Count:
  case types::TypeKind::Sum:
    return integer_text(type, {read_unsigned(value.data), type.is_signed()});
  case types::TypeKind::Record:
    return format_record(type, value.data, resolver);
  case types::TypeKind::Tuple:
    // A record literal's value prints like a struct.
    return type.is_named_tuple()
               ? format_record(type, value.data, resolver)
               : format_sequence(value, "(", ", ", ")", resolver);
  case types::TypeKind::Array:
    return format_sequence(value, "[", ",", "]", resolver);
  case types::TypeKind::Buffer:
    return format_buffer(value.data, type.element_count());
  case types::TypeKind::Stack:
    return format_stack(type, value.data, resolver);
  case types::TypeKind::Formatted:
    return format_formatted(type, value.data, resolver);
  case types::TypeKind::None:
    return "";
  }
  return "";
}

} // namespace sonde::output
