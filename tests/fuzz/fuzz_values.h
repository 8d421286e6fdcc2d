// SPDX-License-Identifier: Apache-2.0
// What the value and event fuzzers share: choices read from the input,
// types chosen by them, and a resolver that answers without a kernel.
#pragma once

#include "output/resolver.h"
#include "types/types.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace sonde::fuzz {

using types::Type;

// Reads the fuzzer's choices (types, sizes) from the front of the input.
class Choices {
public:
  Choices(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint8_t next() { return at_ < size_ ? data_[at_++] : 0; }

  // The remaining bytes, the values' contents.
  std::string rest() const {
    return std::string(reinterpret_cast<const char*>(data_) + at_, size_ - at_);
  }

private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

// A type chosen by the input, nested at most `depth` levels.
inline Type choose_type(Choices& choices, int depth) {
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
                           size % 10 == 2   ? 24
                           : size % 10 == 4 ? 8
                                            : 16);
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

} // namespace sonde::fuzz
