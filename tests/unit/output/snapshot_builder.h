// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/histogram.h"
#include "output/map_printer.h"
#include "output/map_snapshot.h"

#include <cstring>
#include <string>
#include <vector>

// Helpers that build map snapshots the way the runtime fills them, so the
// output tests read like the bpftrace scripts they mirror.
namespace sonde::output::testing {

inline std::string bytes_of(uint64_t value) {
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &value, 8);
  return bytes;
}

inline std::string bytes_of_signed(int64_t value) {
  return bytes_of(static_cast<uint64_t>(value));
}

inline std::string padded(const std::string& text, size_t size) {
  std::string bytes = text;
  bytes.resize(size, '\0');
  return bytes;
}

// One key field: an integer or a string, stored as the runtime lays keys
// out (integers 8 bytes, strings NUL-padded to their size).
struct KeyPart {
  KeyPart(int64_t value) : text(bytes_of_signed(value)) {}
  KeyPart(int value) : text(bytes_of_signed(value)) {}
  KeyPart(const char* value) : text(value), is_string(true) {}
  std::string text;
  bool is_string = false;
};

// A snapshot of `kind` whose keys have `key_types` (8-byte integers and
// strings, each 8-byte aligned).
inline MapSnapshot make_map(const std::string& name,
                            MapValueKind kind,
                            std::vector<types::Type> key_types = {},
                            types::Type value_type = types::Type::s64()) {
  MapSnapshot map;
  map.shape.name = name;
  map.shape.kind = kind;
  map.shape.value_type = value_type;
  uint32_t offset = 0;
  for (const types::Type& type : key_types) {
    map.key_offsets.push_back(offset);
    offset += (type.size() + 7) & ~7u;
  }
  map.shape.key_types = std::move(key_types);
  return map;
}

inline std::string key_bytes(const MapSnapshot& map,
                             const std::vector<KeyPart>& parts) {
  std::string key;
  for (size_t i = 0; i < parts.size(); ++i) {
    const types::Type& type = map.shape.key_types[i];
    key += padded(parts[i].text, (type.size() + 7) & ~7u);
  }
  return key;
}

// Adds an entry holding an 8-byte integer (Plain, Count, Sum, Min, Max).
inline void
add_int(MapSnapshot& map, const std::vector<KeyPart>& key, int64_t value) {
  map.entries.push_back({key_bytes(map, key), bytes_of_signed(value)});
}

// Adds a Plain entry holding a string value.
inline void add_string(MapSnapshot& map,
                       const std::vector<KeyPart>& key,
                       const std::string& value) {
  map.entries.push_back(
      {key_bytes(map, key), padded(value, map.shape.value_type.size())});
}

// Adds an avg/stats entry fed with `values`.
inline void add_stats(MapSnapshot& map,
                      const std::vector<KeyPart>& key,
                      const std::vector<int64_t>& values) {
  MapSnapshot::Entry entry;
  entry.key = key_bytes(map, key);
  for (int64_t value : values) {
    entry.count += 1;
    entry.total += static_cast<uint64_t>(value);
  }
  map.entries.push_back(std::move(entry));
}

// Adds a hist/lhist entry fed with `values`, indexed as the BPF side does.
inline void add_hist(MapSnapshot& map,
                     const std::vector<KeyPart>& key,
                     const std::vector<int64_t>& values) {
  MapSnapshot::Entry entry;
  entry.key = key_bytes(map, key);
  const types::MapShape& shape = map.shape;
  if (shape.kind == MapValueKind::Hist) {
    entry.buckets.assign(hist_bucket_count(shape.hist.bits), 0);
    for (int64_t value : values) {
      entry.buckets[hist_bucket_index(value, shape.hist.bits)] += 1;
    }
  } else {
    const types::LhistArguments& lhist = shape.lhist;
    entry.buckets.assign(lhist_bucket_count(lhist.min, lhist.max, lhist.step),
                         0);
    for (int64_t value : values) {
      entry.buckets[lhist_bucket_index(value, lhist.min, lhist.max,
                                       lhist.step)] += 1;
    }
  }
  map.entries.push_back(std::move(entry));
}

inline MapSnapshot make_lhist(const std::string& name,
                              int64_t min,
                              int64_t max,
                              int64_t step,
                              std::vector<types::Type> key_types = {}) {
  MapSnapshot map = make_map(name, MapValueKind::Lhist, std::move(key_types));
  map.shape.lhist = {min, max, step};
  return map;
}

inline MapSnapshot make_hist(const std::string& name,
                             unsigned bits,
                             std::vector<types::Type> key_types = {}) {
  MapSnapshot map = make_map(name, MapValueKind::Hist, std::move(key_types));
  map.shape.hist.bits = bits;
  return map;
}

inline std::string text_of(const MapSnapshot& map,
                           const PrintOptions& options = {}) {
  std::string text;
  llvm::raw_string_ostream out(text);
  print_map_text(map, out, options);
  return text;
}

inline std::string json_of(const MapSnapshot& map,
                           const PrintOptions& options = {}) {
  std::string text;
  llvm::raw_string_ostream out(text);
  print_map_json(map, out, options);
  return text;
}

} // namespace sonde::output::testing
