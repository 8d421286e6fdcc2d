// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codegen/artifact.h"
#include "output/map_printer.h"

namespace sonde::runtime {

// Reads every entry of a loaded map, summing per-CPU values, into a
// snapshot the output formatters print.
output::MapSnapshot read_map(int map_fd, const codegen::MapMeta& meta);

// Sums a per-CPU u64 array's slot 0 over all CPUs (the lost-event count).
uint64_t read_percpu_counter(int map_fd);

} // namespace sonde::runtime
