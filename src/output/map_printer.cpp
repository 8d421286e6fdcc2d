// SPDX-License-Identifier: Apache-2.0
#include "output/map_printer.h"

#include "output/values.h"

#include <algorithm>

namespace sonde::output {

namespace {

std::string key_text(const MapSnapshot& map, const std::string& key) {
  std::string text;
  for (size_t i = 0; i < map.key_types.size(); ++i) {
    if (i != 0) {
      text += ", ";
    }
    text += format_value({&map.key_types[i], key.data() + map.key_offsets[i]});
  }
  return text;
}

// Orders keys field by field: integers numerically, strings bytewise.
bool key_less(const MapSnapshot& map,
              const std::string& a,
              const std::string& b) {
  for (size_t i = 0; i < map.key_types.size(); ++i) {
    const types::Type& type = map.key_types[i];
    const char* left = a.data() + map.key_offsets[i];
    const char* right = b.data() + map.key_offsets[i];
    if (type.is_string()) {
      int order = read_string(left, type.size())
                      .compare(read_string(right, type.size()));
      if (order != 0) {
        return order < 0;
      }
    } else if (type.is_signed()) {
      if (read_signed(left) != read_signed(right)) {
        return read_signed(left) < read_signed(right);
      }
    } else if (read_unsigned(left) != read_unsigned(right)) {
      return read_unsigned(left) < read_unsigned(right);
    }
  }
  return false;
}

} // namespace

void print_map_text(const MapSnapshot& map, llvm::raw_ostream& out) {
  std::vector<const MapSnapshot::Entry*> entries;
  for (const MapSnapshot::Entry& entry : map.entries) {
    entries.push_back(&entry);
  }
  const types::Type& value_type = map.value_type;
  bool by_value = !value_type.is_string();
  std::stable_sort(
      entries.begin(), entries.end(),
      [&](const MapSnapshot::Entry* a, const MapSnapshot::Entry* b) {
        if (by_value) {
          if (value_type.is_signed()) {
            int64_t x = read_signed(a->value.data());
            int64_t y = read_signed(b->value.data());
            if (x != y) {
              return x < y;
            }
          } else {
            uint64_t x = read_unsigned(a->value.data());
            uint64_t y = read_unsigned(b->value.data());
            if (x != y) {
              return x < y;
            }
          }
        }
        return key_less(map, a->key, b->key);
      });
  for (const MapSnapshot::Entry* entry : entries) {
    out << map.name;
    if (!map.key_types.empty()) {
      out << "[" << key_text(map, entry->key) << "]";
    }
    out << ": " << format_value({&value_type, entry->value.data()}) << "\n";
  }
}

} // namespace sonde::output
