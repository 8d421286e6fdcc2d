// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

// The events of the `software` and `hardware` providers: each name, its
// alias, its perf config and how many events make one sample by default.
namespace sonde::probes {

struct CounterEvent {
  std::string_view name;
  std::string_view alias; // Empty when there is none.
  uint64_t config;
  uint64_t default_count;
};

// The tables, in the order `-l` lists them.
extern const CounterEvent kSoftwareEvents[];
extern const size_t kSoftwareEventCount;
extern const CounterEvent kHardwareEvents[];
extern const size_t kHardwareEventCount;

} // namespace sonde::probes
