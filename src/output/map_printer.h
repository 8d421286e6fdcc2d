// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "btf/types.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace sonde::output {

// A snapshot of one map read from the kernel, per-CPU values already
// merged. Keys and values are laid out as the artifact describes them.
struct MapSnapshot {
  std::string name;
  std::vector<types::Type> key_types;
  std::vector<uint32_t> key_offsets;
  types::Type value_type;
  struct Entry {
    std::string key;
    std::string value;
  };
  std::vector<Entry> entries;
};

// Prints a map as bpftrace's text output does: `@name: value` for a map
// without keys, else one `@name[k1, k2]: value` line per entry, sorted by
// value ascending (integers), or by key for string values.
void print_map_text(const MapSnapshot& map, llvm::raw_ostream& out);

} // namespace sonde::output
