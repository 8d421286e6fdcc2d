// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for what sonde prints from traced data: a printf format
// and argument values of any type whose bytes come from the input, as a
// record from the kernel could hold them (string lengths, buffer lengths,
// stack ids, widths for `*`), formatted by output::format_printf and
// printed as print() would, in text and JSON. Crashes, sanitizer reports
// and huge allocations are the findings. See README.md.
#include "base/format_spec.h"
#include "fuzz_values.h"
#include "output/formatter.h"
#include "output/printf.h"
#include "output/resolver.h"
#include "output/values.h"
#include "types/types.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using sonde::fuzz::Choices;
using sonde::fuzz::choose_type;
using sonde::fuzz::FakeResolver;
using sonde::types::Type;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The format runs up to the first NUL; the choices and bytes follow.
  const auto* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  if (nul == nullptr) {
    return 0;
  }
  std::string format(reinterpret_cast<const char*>(data), nul - data);
  Choices choices(nul + 1, size - (nul + 1 - data));
  sonde::FormatSpec spec;
  std::string bad;
  size_t bad_offset = 0;
  bool formatted = sonde::parse_format(format, spec, bad, bad_offset);
  // Sema refuses a width or precision written wider than kMaxFormatField;
  // such a format never reaches the runtime.
  for (const auto& piece : spec.pieces) {
    const auto* conversion = std::get_if<sonde::Conversion>(&piece);
    if (formatted && conversion != nullptr && conversion->field_too_wide()) {
      return 0;
    }
  }

  // Arguments of the types sema lets each conversion take (the record's
  // bytes are what the kernel wrote, its layout is the compiler's): an
  // integer for `*`, %d and friends; a string, buffer or array for %r;
  // anything but a plain integer for %s. Without a valid format, values
  // of any type for print().
  std::vector<Type> types;
  if (formatted) {
    for (const auto& piece : spec.pieces) {
      const auto* conversion = std::get_if<sonde::Conversion>(&piece);
      if (conversion == nullptr || !conversion->takes_argument()) {
        continue;
      }
      for (size_t star = 0; star < conversion->star_count(); ++star) {
        types.push_back(Type::s64());
      }
      Type chosen = choose_type(choices, 2);
      if (conversion->is_integer() || conversion->is_floating()) {
        chosen = Type::integer(1u << (choices.next() % 4),
                               (choices.next() & 1) != 0);
      } else if (conversion->is_raw() && !chosen.is_string() &&
                 !chosen.is_buffer() && !chosen.is_array()) {
        chosen = Type::buffer(1 + choices.next() % 64);
      } else if (chosen.is_integer() || chosen.is_pointer()) {
        chosen = Type::string(1 + choices.next() % 64);
      }
      types.push_back(std::move(chosen));
    }
  } else {
    for (size_t i = 0, count = 1 + choices.next() % 4; i < count; ++i) {
      types.push_back(choose_type(choices, 2));
    }
  }
  // Every value reads its whole type's size: each gets its own buffer,
  // filled from the input and padded with zeros.
  std::string bytes = choices.rest();
  std::vector<std::string> storage;
  std::vector<sonde::output::RawValue> values;
  size_t used = 0;
  for (const Type& type : types) {
    std::string value = bytes.substr(std::min(used, bytes.size()), type.size());
    used += type.size();
    value.resize(type.size() + 8, '\0');
    storage.push_back(std::move(value));
  }
  for (size_t i = 0; i < types.size(); ++i) {
    values.push_back({&types[i], storage[i].data()});
  }

  FakeResolver resolver;
  if (formatted && values.size() == spec.argument_count()) {
    (void)sonde::output::format_printf(spec, values, &resolver);
  }
  llvm::raw_null_ostream out;
  for (auto format_kind :
       {sonde::output::OutputFormat::Text, sonde::output::OutputFormat::Json}) {
    std::unique_ptr<sonde::output::Formatter> formatter =
        sonde::output::make_formatter(format_kind, out, out);
    formatter->set_resolver(&resolver);
    for (const sonde::output::RawValue& value : values) {
      formatter->value(value);
      (void)sonde::output::format_value(value, &resolver);
    }
  }
  return 0;
}
