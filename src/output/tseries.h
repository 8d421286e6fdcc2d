// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/map_snapshot.h"
#include "output/values.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// tseries() maps as text charts and JSON arrays.
//
// A map keeps, per key, the last `shape.tseries.intervals` intervals. Every
// key is shown over the same window: the intervals up to the map's latest
// one with data, at most that many of them, from the key's first
// interval with data in that window. Intervals without data show ` -` in
// text and are left out of JSON.
namespace sonde::output {

struct TseriesRow {
  // The interval's start on the wall clock, in ns since the epoch.
  int64_t start_ns = 0;
  // The interval's value, divided by `div`; none when it has no data.
  std::optional<Integer> value;
};

// The latest interval with data over every key of `map` (0 when none).
uint64_t tseries_last_epoch(const MapSnapshot& map);

// The rows of one key, in time order, for the window ending at
// `last_epoch`.
std::vector<TseriesRow> tseries_rows(const MapSnapshot& map,
                                     const MapSnapshot::Entry& entry,
                                     uint64_t last_epoch,
                                     uint64_t div = 1);

// The chart: the min and max values above and below it, a column label
// (`hh:mm:ss`, `.ms`, `.us` or `.ns` by the interval's granularity) over a
// `|___|` rule, one row per interval (`HH:MM:SS.fff |  *  | VALUE`, 53
// columns between and including the bars, `*` at
// floor((value - min) * 52 / (max - min)), `.` on the zero axis when the
// range crosses zero), then a `v___v` rule. A range of one value is widened
// to value - 1 .. value + 1. Prints nothing for no rows. Times are local.
void print_tseries_chart(const std::vector<TseriesRow>& rows,
                         uint64_t interval_ns,
                         llvm::raw_ostream& out);

// [{"interval_start": "YYYY-MM-DD HH:MM:SS.nnnnnnnnn", "value": v}, ...]
// for the rows with data.
std::string tseries_rows_json(const std::vector<TseriesRow>& rows);

} // namespace sonde::output
