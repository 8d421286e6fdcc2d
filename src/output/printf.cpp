// SPDX-License-Identifier: Apache-2.0
#include "output/printf.h"

#include <cstdio>

namespace sonde::output {

namespace {

// Truncates `value` to the width named by the h and hh modifiers, as C's
// printf would.
uint64_t
apply_length(uint64_t value, const std::string& length, bool is_signed) {
  auto narrow = [&](unsigned bits) -> uint64_t {
    uint64_t mask = (uint64_t(1) << bits) - 1;
    uint64_t low = value & mask;
    if (is_signed && (low >> (bits - 1)) != 0) {
      return low | ~mask;
    }
    return low;
  };
  if (length == "hh") {
    return narrow(8);
  }
  if (length == "h") {
    return narrow(16);
  }
  // Without a modifier the value prints at its full 64-bit width, as in
  // bpftrace, where integers are 64-bit.
  return value;
}

// Rebuilds one conversion with a 64-bit length so snprintf reads a
// (unsigned) long long.
std::string conversion_text(const Conversion& conversion, char specifier) {
  std::string text = "%" + conversion.flags + conversion.width;
  if (conversion.has_precision) {
    text += "." + conversion.precision;
  }
  if (specifier != 's' && specifier != 'c') {
    text += "ll";
  }
  return text + specifier;
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
    const RawValue& arg = args[next++];
    const types::Type& type = *arg.type;
    char specifier = conversion.specifier;
    if (specifier == 's') {
      std::string text = format_value(arg, resolver);
      append_formatted(out, conversion_text(conversion, 's').c_str(),
                       text.c_str());
      continue;
    }
    if (specifier == 'c') {
      int c = static_cast<unsigned char>(read_unsigned(arg.data));
      append_formatted(out, conversion_text(conversion, 'c').c_str(), c);
      continue;
    }
    if (specifier == 'p') {
      std::string text = "0x%" + conversion.flags + conversion.width + "llx";
      append_formatted(
          out, text.c_str(),
          static_cast<unsigned long long>(read_unsigned(arg.data)));
      continue;
    }
    bool is_signed_conversion = specifier == 'd' || specifier == 'i';
    uint64_t bits = apply_length(read_unsigned(arg.data), conversion.length,
                                 is_signed_conversion || type.is_signed());
    if (is_signed_conversion) {
      append_formatted(out, conversion_text(conversion, specifier).c_str(),
                       static_cast<long long>(bits));
    } else {
      append_formatted(out, conversion_text(conversion, specifier).c_str(),
                       static_cast<unsigned long long>(bits));
    }
  }
  return out;
}

} // namespace sonde::output
