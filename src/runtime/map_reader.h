// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codegen/artifact.h"
#include "output/map_printer.h"

namespace sonde::runtime {

// Reads every entry of a loaded map, summing per-CPU values, into a
// snapshot the output formatters print.
output::MapSnapshot read_map(int map_fd, const codegen::MapMeta& meta);

// clear(@m): removes every entry.
void clear_map(int map_fd, const codegen::MapMeta& meta);

// zero(@m): keeps the keys and sets every value (on every CPU) to zero.
void zero_map(int map_fd, const codegen::MapMeta& meta);

// Sums a per-CPU u64 array's slot `index` over all CPUs (the lost-event
// count, the map-full counters).
uint64_t read_percpu_counter(int map_fd, uint32_t index = 0);

} // namespace sonde::runtime
