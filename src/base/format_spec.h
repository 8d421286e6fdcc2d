// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace sonde {

// One conversion of a printf format, e.g. "%-10.3lu". bpftrace's syntax is
// C's: flags, width and precision (digits or `*`, each `*` taking an
// integer argument before the value), length modifiers, and the
// conversions d i o u x X c s p e E f F g G a A, plus its own %r (a buffer
// or string with non-printable bytes as \xNN), %rx (every byte as \xNN),
// %rh (bytes as spaced hex, "0a fe") and %gr (an integer of GFP flags
// named as the kernel names them, "GFP_KERNEL|__GFP_ZERO").
struct Conversion {
  std::string flags;     // Any of "-+ #0".
  std::string width;     // Digits; empty when not given or `*`.
  std::string precision; // Digits after '.'; empty when not given or `*`.
  bool has_precision = false;
  bool width_star = false;
  bool precision_star = false;
  std::string length; // "", "h", "hh", "l", "ll", "L", "z", "j", "t".
  char specifier = 0; // 'd', 's', ...; '%' for "%%".
  // %rx and %rh: 'x' or 'h' after the 'r'.
  char raw_form = 0;
  // %gr: GFP flags (specifier 'g').
  bool gfp_flags = false;
  size_t offset = 0; // Where it starts in the format.
  size_t size = 0;   // How many characters it spans.

  bool takes_argument() const { return specifier != '%'; }
  // Integer arguments taken by `*` width and precision.
  size_t star_count() const {
    return (width_star ? 1 : 0) + (precision_star ? 1 : 0);
  }
  bool is_integer() const;
  // e, f, g and a: bpftrace has no floating point; the integer argument
  // prints as a double.
  bool is_floating() const;
  bool is_string() const { return specifier == 's'; }
  bool is_raw() const { return specifier == 'r'; }
  // Whether a width or precision written in the format passes
  // kMaxFormatField.
  bool field_too_wide() const;
};

// The widest field and the longest precision a conversion prints. A `*`
// takes its value from traced data, so at run time larger values are
// clamped to it (a width of INT_MAX would allocate gigabytes per event);
// in the format itself they are an error.
inline constexpr int64_t kMaxFormatField = 4096;

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
