// SPDX-License-Identifier: Apache-2.0
#include "output/printf.h"

#include "output/flag_names.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>

namespace sonde::output {

namespace {

// The value an integer conversion prints, as C's printf reads it: the
// length modifier names the argument's width (hh 8 bits, h 16, none 32,
// l ll j z t L 64) and the conversion its signedness (d and i signed, the
// others unsigned). The result is the value widened back to 64 bits, so
// it can be printed with `ll`.
uint64_t
apply_length(uint64_t value, const std::string& length, bool is_signed) {
  unsigned bits = 64;
  if (length == "hh") {
    bits = 8;
  } else if (length == "h") {
    bits = 16;
  } else if (length.empty()) {
    bits = 32;
  }
  if (bits == 64) {
    return value;
  }
  uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t low = value & mask;
  if (is_signed && (low >> (bits - 1)) != 0) {
    return low | ~mask;
  }
  return low;
}

// Rebuilds one conversion with a 64-bit length so snprintf reads a
// (unsigned) long long, and `*` replaced by the values given for it. A
// precision of nullopt is none at all (a negative `.*`, as in C).
std::string conversion_text(const Conversion& conversion,
                            char specifier,
                            const std::string& width,
                            const std::optional<std::string>& precision) {
  std::string text = "%" + conversion.flags + width;
  if (precision) {
    text += "." + *precision;
  }
  if (specifier != 's' && specifier != 'c' &&
      std::strchr("eEfFgGaA", specifier) == nullptr) {
    text += "ll";
  }
  return text + specifier;
}

// %r, %rx and %rh of a buffer, string or byte array.
std::string raw_text(const RawValue& value, char form) {
  const types::Type& type = *value.type;
  std::string_view bytes;
  if (type.is_buffer()) {
    uint32_t length = static_cast<uint32_t>(read_sized(value.data, 4, false));
    bytes = std::string_view(value.data + 4,
                             std::min(length, type.element_count()));
  } else if (type.is_string()) {
    bytes = read_string(value.data, type.size());
  } else {
    bytes = std::string_view(value.data, type.size());
  }
  std::string text;
  char hex[8];
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto byte = static_cast<unsigned char>(bytes[i]);
    if (form == 'h') {
      snprintf(hex, sizeof(hex), i == 0 ? "%02x" : " %02x", byte);
      text += hex;
    } else if (form != 'x' && byte >= 32 && byte < 127) {
      text += static_cast<char>(byte);
    } else {
      snprintf(hex, sizeof(hex), "\\x%02x", byte);
      text += hex;
    }
  }
  return text;
}

// A width or precision given by `*` comes from traced data: clamped.
int64_t clamp_star(int64_t given) {
  return std::clamp(given, -kMaxFormatField, kMaxFormatField);
}

void append_formatted(std::string& out, const char* format, auto value) {
  char small[128];
  int needed = snprintf(small, sizeof(small), format, value);
  if (needed < 0) {
    return;
  }
  if (static_cast<size_t>(needed) < sizeof(small)) {
    out.append(small, needed);
    return;
  }
  std::string large(needed + 1, '\0');
  snprintf(large.data(), large.size(), format, value);
  out.append(large.data(), needed);
}

} // namespace

std::string format_printf(const FormatSpec& spec,
                          const std::vector<RawValue>& args,
                          ValueResolver* resolver) {
  std::string out;
  size_t next = 0;
  for (const auto& piece : spec.pieces) {
    if (const auto* literal = std::get_if<std::string>(&piece)) {
      out += *literal;
      continue;
    }
    const auto& conversion = std::get<Conversion>(piece);
    if (next >= args.size()) {
      break;
    }
    std::string width = conversion.width;
    std::optional<std::string> precision;
    if (conversion.has_precision) {
      precision = conversion.precision;
    }
    if (next + conversion.star_count() >= args.size()) {
      break;
    }
    if (conversion.width_star) {
      int64_t given = clamp_star(read_signed(args[next++].data));
      // A negative width means left-justified, as in C.
      if (given < 0 && conversion.flags.find('-') == std::string::npos) {
        width = "-";
      }
      width += std::to_string(given < 0 ? -given : given);
    }
    if (conversion.precision_star) {
      int64_t given = clamp_star(read_signed(args[next++].data));
      if (given < 0) {
        precision.reset();
      } else {
        precision = std::to_string(given);
      }
    }
    const RawValue& arg = args[next++];
    const types::Type& type = *arg.type;
    char specifier = conversion.specifier;
    if (specifier == 's' || specifier == 'r') {
      std::string text = specifier == 's' ? format_value(arg, resolver)
                                          : raw_text(arg, conversion.raw_form);
      append_formatted(
          out, conversion_text(conversion, 's', width, precision).c_str(),
          text.c_str());
      continue;
    }
    if (conversion.gfp_flags) {
      uint64_t flags = read_unsigned(arg.data);
      std::string text = resolver != nullptr ? resolver->gfp_flags(flags)
                                             : flags_text(flags, {});
      append_formatted(
          out, conversion_text(conversion, 's', width, precision).c_str(),
          text.c_str());
      continue;
    }
    if (specifier == 'c') {
      int c = static_cast<unsigned char>(read_unsigned(arg.data));
      append_formatted(
          out, conversion_text(conversion, 'c', width, precision).c_str(), c);
      continue;
    }
    if (std::strchr("eEfFgGaA", specifier) != nullptr) {
      double value = type.is_signed()
                         ? static_cast<double>(read_signed(arg.data))
                         : static_cast<double>(read_unsigned(arg.data));
      append_formatted(
          out, conversion_text(conversion, specifier, width, precision).c_str(),
          value);
      continue;
    }
    if (specifier == 'p') {
      std::string text = "0x%" + conversion.flags + width + "llx";
      append_formatted(
          out, text.c_str(),
          static_cast<unsigned long long>(read_unsigned(arg.data)));
      continue;
    }
    bool is_signed_conversion = specifier == 'd' || specifier == 'i';
    uint64_t bits = apply_length(read_unsigned(arg.data), conversion.length,
                                 is_signed_conversion);
    if (is_signed_conversion) {
      append_formatted(
          out, conversion_text(conversion, specifier, width, precision).c_str(),
          static_cast<long long>(bits));
    } else {
      append_formatted(
          out, conversion_text(conversion, specifier, width, precision).c_str(),
          static_cast<unsigned long long>(bits));
    }
  }
  return out;
}

} // namespace sonde::output
