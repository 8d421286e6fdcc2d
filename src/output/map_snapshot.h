// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/values.h"
#include "types/map_shape.h"
#include "types/types.h"

#include <cstdint>
#include <string>
#include <vector>

// The value model of a map read from the kernel, shared by the text and JSON
// printers: what the runtime fills in, and how entries are ordered and
// turned into the values bpftrace prints.
namespace sonde::output {

// How a map's values aggregate (one type for the whole pipeline).
using MapValueKind = types::MapValueKind;

// How print(@m, top, div) narrows a map.
struct PrintOptions {
  // Print only the last `top` entries after sorting (the largest); 0 prints
  // every entry.
  uint64_t top = 0;
  // Divide values by `div`: integer values, averages (not count or total of
  // stats) and hist bucket counts, but not lhist counts. 0 and 1 leave
  // values as they are.
  uint64_t div = 1;
  // print(@m, "unit"[, "section"]): BCC's log2 histogram layout, the value
  // column labelled `bcc_unit`; JSON output ignores it.
  bool bcc_layout = false;
  std::string bcc_unit = {};
  std::string bcc_section = {};
};

// One map, read at one moment, per-CPU values already merged by the
// runtime: for count/sum/hist/lhist the per-CPU values summed, for min/max
// the smallest/largest of the CPUs that have a value, for avg/stats the
// summed count and summed total.
//
// The snapshot owns its bytes. Printing never modifies it.
struct MapSnapshot {
  // What the map is: name, kind, key and value types, the aggregation's
  // arguments.
  types::MapShape shape;
  // The byte offset of each of shape.key_types in Entry::key; empty for a
  // map without keys (a scalar map), whose Entry::key is ignored.
  std::vector<uint32_t> key_offsets = {};

  struct Entry {
    // The key's bytes, laid out by key_offsets.
    std::string key;
    // Plain, Count, Sum, Min, Max: the value's bytes.
    std::string value;
    // Avg, Stats: the number of values and their sum (two's complement bits;
    // read as signed when value_type is signed).
    uint64_t count = 0;
    uint64_t total = 0;
    // Hist, Lhist: the count in each bucket, by BPF-side index.
    std::vector<uint64_t> buckets = {};
    // Tseries: the intervals that have a value, by ascending epoch, each
    // value merged over the CPUs (two's complement bits; signed when
    // value_type is).
    struct Point {
      uint64_t epoch;
      uint64_t value;
    };
    std::vector<Point> series = {};
  };
  // In any order: printing sorts them.
  std::vector<Entry> entries = {};

  // Tseries: the boot-time clock, which interval starts count on, is this
  // far behind the wall clock.
  int64_t boot_to_realtime_ns = 0;

  // Looks up stacks and formatted values in keys and values; may be null.
  // Not owned.
  ValueResolver* resolver = nullptr;
};

// The entries in print order, ascending so the largest come last: integer
// values (Plain integers, Count, Sum, Min, Max) by value; Avg and Stats by
// average; Hist and Lhist by total count across buckets; anything else
// (strings, pointers, records) by key. Ties, and key order, go by key
// fields in turn: integers as signed numbers, strings bytewise. With a
// `top`, only the last `top` entries remain. Values are compared before
// `div` applies. Pointers into `map`.
std::vector<const MapSnapshot::Entry*> sorted_entries(const MapSnapshot& map,
                                                      uint64_t top = 0);

// The entries to print: sorted_entries(), except that a scalar map with no
// entry yet prints as if it held zero (bpftrace's scalar maps always have
// their one element). `zero` is the entry to use for that; it must outlive
// the result.
std::vector<const MapSnapshot::Entry*>
entries_to_print(const MapSnapshot& map,
                 const PrintOptions& options,
                 const MapSnapshot::Entry& zero);
// An all-zero entry for `map` (value bytes sized for value_type, buckets for
// the histogram's full range).
MapSnapshot::Entry zero_entry(const MapSnapshot& map);

// The key as text output shows it between the brackets: fields joined by
// ", " (`bash, 2`). A single key whose text is wrapped in parentheses loses
// them too, as upstream strips them from every key.
std::string key_text(const MapSnapshot& map, const MapSnapshot::Entry& entry);
// The key as a JSON object member name (unquoted): key_text() with every
// space removed (`bash,2`), as upstream does, except in keys holding a stack,
// whose frames keep their indentation (as bpftrace prints them).
std::string json_key_text(const MapSnapshot& map,
                          const MapSnapshot::Entry& entry);

// The integer an entry of a Count/Sum/Min/Max map, or of a Plain map with an
// integer value_type, holds, divided by `div`.
Integer entry_integer(const MapSnapshot& map,
                      const MapSnapshot::Entry& entry,
                      uint64_t div = 1);
// Whether Plain values of this map are integers (and so sort by value and
// divide).
bool has_integer_values(const MapSnapshot& map);

// avg/stats: total / count truncated toward zero, 0 when count is 0.
Integer entry_average(const MapSnapshot& map, const MapSnapshot::Entry& entry);
// avg/stats: total, read with value_type's signedness.
Integer entry_total(const MapSnapshot& map, const MapSnapshot::Entry& entry);

} // namespace sonde::output
