// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for what sonde prints from traced data: a printf format
// and argument values of any type whose bytes come from the input, as a
// record from the kernel could hold them (string lengths, buffer lengths,
// stack ids, widths for `*`), formatted by output::format_printf and
// printed as print() would, in text and JSON. Crashes, sanitizer reports
// and huge allocations are the findings. See README.md.
#include "base/format_spec.h"
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

namespace {

using sonde::types::Type;

// Reads the fuzzer's choices (types, sizes) from the front of the input.
class Choices {
public:
  Choices(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint8_t next() { return at_ < size_ ? data_[at_++] : 0; }

  // The remaining bytes, the values' contents.
  std::string rest() const {
    return std::string(reinterpret_cast<const char*>(data_) + at_,
                       size_ - at_);
  }

private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

// A type chosen by the input, nested at most `depth` levels.
Type choose_type(Choices& choices, int depth) {
  using sonde::types::AddressSpace;
  using sonde::types::Presentation;
  using sonde::types::StackMode;
  uint8_t pick = choices.next();
  uint8_t size = choices.next();
  switch (depth > 0 ? pick % 12 : pick % 6) {
  case 0:
    return Type::integer(1u << (size % 4), (size & 4) != 0);
  case 1:
    return Type::string(1 + size % 64);
  case 2:
    return Type::buffer(1 + size % 64);
  case 3:
    return Type::formatted(static_cast<Presentation>(size % 10),
                           size % 10 == 2 ? 24 : size % 10 == 4 ? 8 : 16);
  case 4:
    return Type::stack((size & 1) != 0, 1 + size % 8,
                       static_cast<StackMode>((size >> 1) % 4));
  case 5:
    return Type::pointer(Type::integer(4, true), AddressSpace::Kernel);
  case 6:
    return Type::array(choose_type(choices, depth - 1), 1 + size % 6);
  default: {
    std::vector<Type> elements;
    for (int i = 0; i < 1 + size % 4; ++i) {
      elements.push_back(choose_type(choices, depth - 1));
    }
    if ((size & 8) != 0) {
      std::vector<std::string> names;
      for (size_t i = 0; i < elements.size(); ++i) {
        names.push_back("f" + std::to_string(i));
      }
      return Type::named_tuple(std::move(names), std::move(elements));
    }
    return Type::tuple(std::move(elements));
  }
  }
}

// Answers every lookup with something derived from the address, as the
// runtime's symbolizer would for unknown addresses.
class FakeResolver : public sonde::output::ValueResolver {
public:
  std::vector<uint64_t> stack(const Type& type, const char* data) override {
    uint64_t id = 0;
    std::memcpy(&id, data, sizeof(id));
    std::vector<uint64_t> frames;
    for (uint32_t i = 0; i < type.element_count() && i < 8; ++i) {
      frames.push_back(id + i);
    }
    return frames;
  }
  std::vector<sonde::output::BuildIdFrame>
  build_id_stack(const Type&, const char* data) override {
    sonde::output::BuildIdFrame frame;
    frame.has_build_id = (data[0] & 1) != 0;
    frame.build_id.assign(20, static_cast<uint8_t>(data[1]));
    frame.offset_or_ip = static_cast<uint8_t>(data[2]);
    return {frame};
  }
  sonde::output::ResolvedSymbol kernel_symbol(uint64_t address) override {
    return symbol(address);
  }
  sonde::output::ResolvedSymbol user_symbol(uint64_t address,
                                            uint32_t) override {
    return symbol(address);
  }
  std::string timestamp(uint64_t format_id, uint64_t boot_ns) override {
    return std::to_string(format_id) + ":" + std::to_string(boot_ns);
  }
  std::string username(uint64_t uid) override { return std::to_string(uid); }
  std::string cgroup_path(uint64_t id) override {
    return "/" + std::to_string(id);
  }

private:
  static sonde::output::ResolvedSymbol symbol(uint64_t address) {
    sonde::output::ResolvedSymbol resolved;
    resolved.found = (address & 1) != 0;
    if (resolved.found) {
      resolved.name = "fn" + std::to_string(address % 97);
      resolved.offset = address % 16;
    }
    return resolved;
  }
};

} // namespace

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
    std::string value = bytes.substr(std::min(used, bytes.size()),
                                     type.size());
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
  for (auto format_kind : {sonde::output::OutputFormat::Text,
                           sonde::output::OutputFormat::Json}) {
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
