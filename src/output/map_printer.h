// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/map_snapshot.h"

#include "llvm/Support/raw_ostream.h"

// Prints map snapshots (output/map_snapshot.h) as bpftrace's text and JSON
// output do. Both print entries in sorted_entries() order and skip a keyed
// map with no entries entirely; a scalar map with no entry prints as zero.
namespace sonde::output {

// Text output:
// * `@name: VALUE` for a scalar map; `@name[KEY]: VALUE` per entry of a
//   keyed map, tuple keys without parentheses (`@x[bash, 2]: 5`). Lines
//   follow each other with no blank line between maps.
// * avg prints the integer average; stats prints
//   `{ .count = 3, .average = 2, .total = 6 }` (upstream's record form; 0.17
//   printed `count 3, average 2, total 6` and a blank line after avg and
//   stats maps).
// * hist and lhist print `@name:` (or `@name[KEY]:`) on a line of its own,
//   the rows (output/histogram.h), then one blank line. 0.17 wrote a space
//   after the colon.
void print_map_text(const MapSnapshot& map,
                    llvm::raw_ostream& out,
                    const PrintOptions& options = {});

// The text of one non-histogram entry's value, as it follows `@name[KEY]: `.
std::string value_text(const MapSnapshot& map,
                       const MapSnapshot::Entry& entry,
                       uint64_t div = 1);

// JSON output, one line: `{"type": T, "data": {"@name": VALUE}}` with T
// `hist` for hist/lhist maps, `stats` for avg/stats maps and `map`
// otherwise. A keyed map's VALUE is an object from key (always a string,
// tuple keys joined by "," with spaces removed) to value. Values: integers
// as numbers (strings when a double cannot hold them), avg as its integer
// average, stats as {"count": .., "average": .., "total": ..}, histograms
// as arrays (output/histogram.h).
void print_map_json(const MapSnapshot& map,
                    llvm::raw_ostream& out,
                    const PrintOptions& options = {});

// The JSON of one entry's value.
std::string value_json(const MapSnapshot& map,
                       const MapSnapshot::Entry& entry,
                       uint64_t div = 1);

} // namespace sonde::output
