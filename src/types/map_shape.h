// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types/types.h"

#include <cstdint>
#include <string>
#include <vector>

// What a map is, decided once by sema and carried unchanged to the output:
// sema::MapInfo, codegen::MapMeta (in the artifact) and output::MapSnapshot
// each hold a MapShape and add only what their phase knows (where the map
// is first used; its BPF name and byte layout; the entries read from the
// kernel).
namespace sonde::types {

// What a map's values are: which function wrote them, and so how they are
// stored, merged and printed. The kinds and their comments are in
// types/map_kinds.def.
enum class MapValueKind : uint8_t {
#define MAP_KIND(Enum, Name) Enum,
#include "types/map_kinds.def"
};

// The kind as scripts and diagnostics name it: the aggregation's function
// ("count", "hist", ...), or "plain".
const char* map_kind_name(MapValueKind kind);

// hist(n, k): k, 0..5 (2^k buckets per power of two).
struct HistArguments {
  unsigned bits = 0;
  bool operator==(const HistArguments&) const = default;
};

// lhist(n, min, max, step).
struct LhistArguments {
  int64_t min = 0;
  int64_t max = 0;
  int64_t step = 1;
  bool operator==(const LhistArguments&) const = default;
};

// How tseries() combines the values that fall in one interval.
enum class TseriesAggregation : uint8_t { Last, Avg, Max, Min, Sum };

// tseries(n, interval_ns, num_intervals[, agg]): interval e starts at
// e * interval_ns on the boot-time clock; each key keeps the last
// `intervals` of them.
struct TseriesArguments {
  uint64_t interval_ns = 0;
  uint32_t intervals = 0;
  TseriesAggregation aggregation = TseriesAggregation::Last;
  bool operator==(const TseriesArguments&) const = default;
};

struct MapShape {
  // As written in the script: "@bytes", "@".
  std::string name;
  MapValueKind kind = MapValueKind::Plain;
  // The key's fields, in order, as stored (integers 8 bytes wide); empty
  // for a map without keys (a scalar map).
  std::vector<Type> key_types = {};
  // Plain maps: the stored value's type. Count and Sum: Type::count() and
  // Type::sum(signed); the other aggregations: an 8-byte integer. For an
  // aggregation only its signedness matters, that of the values (count()
  // is unsigned, the others follow their argument).
  Type value_type = {};
  // The aggregation's arguments, fixed by the map's first assignment (see
  // same_arguments()); defaults for the other kinds.
  HistArguments hist = {};
  LhistArguments lhist = {};
  TseriesArguments tseries = {};
  // Storage, from a root declaration `let @m = lruhash(N)`:
  // least-recently-used eviction, and N entries (0: the config's
  // max_map_keys).
  bool lru = false;
  uint32_t max_entries = 0;

  bool is_scalar() const { return key_types.empty(); }
  // Aggregations are per-CPU maps: each CPU updates its own value without
  // atomics, and a read merges them (in the probe or in user space).
  bool is_aggregation() const { return kind != MapValueKind::Plain; }
  // hist() and lhist(): the map keeps one entry per (key, bucket), the
  // bucket index a u64 after the key, which user space gathers per key.
  bool has_buckets() const;
  // Whether `other` was written with the same aggregation arguments.
  bool same_arguments(const MapShape& other) const {
    return hist == other.hist && lhist == other.lhist &&
           tseries == other.tseries;
  }
};

} // namespace sonde::types
