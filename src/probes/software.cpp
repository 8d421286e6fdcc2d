// SPDX-License-Identifier: Apache-2.0
#include "probes/counter_probe.h"
#include "probes/providers.h"

#include <linux/perf_event.h>

namespace sonde::probes {

// The default counts are bpftrace's: frequent events sample less often.
const CounterEvent kSoftwareEvents[] = {
    {"cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000},
    {"task-clock", "", PERF_COUNT_SW_TASK_CLOCK, 1},
    {"page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100},
    {"context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
    {"cpu-migrations", "", PERF_COUNT_SW_CPU_MIGRATIONS, 1},
    {"minor-faults", "", PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
    {"major-faults", "", PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
    {"alignment-faults", "", PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
    {"emulation-faults", "", PERF_COUNT_SW_EMULATION_FAULTS, 1},
    {"dummy", "", PERF_COUNT_SW_DUMMY, 1},
    {"bpf-output", "", PERF_COUNT_SW_BPF_OUTPUT, 1},
};
const size_t kSoftwareEventCount = std::size(kSoftwareEvents);

std::unique_ptr<ProbeType> make_software_probe() {
  return std::make_unique<CounterProbe>(ProbeKind::Software, "software",
                                        PERF_TYPE_SOFTWARE, kSoftwareEvents,
                                        kSoftwareEventCount);
}

} // namespace sonde::probes
