// SPDX-License-Identifier: Apache-2.0
#include "base/format_spec.h"

#include <cctype>
#include <cstring>

namespace sonde {

bool Conversion::is_integer() const {
  return gfp_flags || std::strchr("diouxXcp", specifier) != nullptr;
}

bool Conversion::field_too_wide() const {
  auto too_wide = [](const std::string& digits) {
    return digits.size() > 4 ||
           (!digits.empty() && std::stoll(digits) > kMaxFormatField);
  };
  return too_wide(width) || too_wide(precision);
}

bool Conversion::is_floating() const {
  return !gfp_flags && std::strchr("eEfFgGaA", specifier) != nullptr;
}

size_t FormatSpec::argument_count() const {
  size_t count = 0;
  for (const auto& piece : pieces) {
    if (const auto* conversion = std::get_if<Conversion>(&piece)) {
      count += conversion->takes_argument() ? 1 + conversion->star_count() : 0;
    }
  }
  return count;
}

bool parse_format(const std::string& format,
                  FormatSpec& spec,
                  std::string& error_text,
                  size_t& error_offset) {
  std::string literal;
  size_t i = 0;
  while (i < format.size()) {
    if (format[i] != '%') {
      literal += format[i++];
      continue;
    }
    Conversion conversion;
    conversion.offset = i++;
    while (i < format.size() && std::strchr("-+ #0", format[i]) != nullptr) {
      conversion.flags += format[i++];
    }
    if (i < format.size() && format[i] == '*') {
      conversion.width_star = true;
      ++i;
    }
    while (i < format.size() && std::isdigit(format[i])) {
      conversion.width += format[i++];
    }
    if (i < format.size() && format[i] == '.') {
      conversion.has_precision = true;
      ++i;
      if (i < format.size() && format[i] == '*') {
        conversion.precision_star = true;
        ++i;
      }
      while (i < format.size() && std::isdigit(format[i])) {
        conversion.precision += format[i++];
      }
    }
    for (const char* length : {"hh", "ll", "h", "l", "L", "z", "j", "t"}) {
      if (format.compare(i, std::strlen(length), length) == 0) {
        conversion.length = length;
        i += std::strlen(length);
        break;
      }
    }
    char specifier = i < format.size() ? format[i] : 0;
    bool mixed_width = conversion.width_star && !conversion.width.empty();
    bool mixed_precision =
        conversion.precision_star && !conversion.precision.empty();
    if (specifier == 0 ||
        std::strchr("diouxXcspeEfFgGaAr%", specifier) == nullptr ||
        mixed_width || mixed_precision) {
      error_offset = conversion.offset;
      error_text = format.substr(conversion.offset,
                                 i - conversion.offset + (specifier ? 1 : 0));
      return false;
    }
    ++i;
    conversion.specifier = specifier;
    if (specifier == 'r' && i < format.size() &&
        (format[i] == 'x' || format[i] == 'h')) {
      conversion.raw_form = format[i++];
    }
    if (specifier == 'g' && i < format.size() && format[i] == 'r') {
      conversion.gfp_flags = true;
      ++i;
    }
    conversion.size = i - conversion.offset;
    if (specifier == '%') {
      literal += '%';
      continue;
    }
    if (!literal.empty()) {
      spec.pieces.emplace_back(std::move(literal));
      literal.clear();
    }
    spec.pieces.emplace_back(std::move(conversion));
  }
  if (!literal.empty()) {
    spec.pieces.emplace_back(std::move(literal));
  }
  return true;
}

} // namespace sonde
