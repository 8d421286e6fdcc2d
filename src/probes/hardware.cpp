// SPDX-License-Identifier: Apache-2.0
#include "probes/counter_probe.h"
#include "probes/providers.h"

#include <linux/perf_event.h>

namespace sonde::probes {

// The default counts are bpftrace's.
const CounterEvent kHardwareEvents[] = {
    {"cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000},
    {"instructions", "", PERF_COUNT_HW_INSTRUCTIONS, 1000000},
    {"cache-references", "", PERF_COUNT_HW_CACHE_REFERENCES, 1000000},
    {"cache-misses", "", PERF_COUNT_HW_CACHE_MISSES, 1000000},
    {"branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
     100000},
    {"branch-misses", "", PERF_COUNT_HW_BRANCH_MISSES, 100000},
    {"bus-cycles", "", PERF_COUNT_HW_BUS_CYCLES, 100000},
    {"frontend-stalls", "", PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000},
    {"backend-stalls", "", PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000},
    {"ref-cycles", "", PERF_COUNT_HW_REF_CPU_CYCLES, 1000000},
};
const size_t kHardwareEventCount = std::size(kHardwareEvents);

std::unique_ptr<ProbeType> make_hardware_probe() {
  return std::make_unique<CounterProbe>(ProbeKind::Hardware, "hardware",
                                        PERF_TYPE_HARDWARE, kHardwareEvents,
                                        kHardwareEventCount);
}

} // namespace sonde::probes
