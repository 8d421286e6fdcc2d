// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace sonde {

// One conversion of a printf format, e.g. "%-10.3lu".
struct Conversion {
  std::string flags;     // Any of "-+ #0".
  std::string width;     // Digits; empty when not given.
  std::string precision; // Digits after '.'; empty when not given.
  bool has_precision = false;
  std::string length; // "", "h", "hh", "l", "ll", "z", "j", "t".
  char specifier = 0; // 'd', 's', ...; '%' for "%%".
  size_t offset = 0;  // Where it starts in the format.
  size_t size = 0;    // How many characters it spans.

  bool takes_argument() const { return specifier != '%'; }
  bool is_integer() const;
  bool is_string() const { return specifier == 's'; }
};

// A format split into literal text and conversions, parsed once by sema
// (to check arguments) and once by the runtime (to print).
struct FormatSpec {
  std::vector<std::variant<std::string, Conversion>> pieces;
  size_t argument_count() const;
};

// Parses `format`; on a malformed conversion returns the offending text in
// `error_text` and its offset in `error_offset`, and false.
bool parse_format(const std::string& format,
                  FormatSpec& spec,
                  std::string& error_text,
                  size_t& error_offset);

} // namespace sonde
