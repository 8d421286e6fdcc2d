// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "probes/probe_type.h"

#include <cstdint>
#include <linux/perf_event.h>
#include <vector>

// Attaching BPF programs to perf events, shared by the timer and counter
// providers (interval, profile, software, hardware).
namespace sonde::probes {

// Opens the perf event `attr` on `cpu` for every process (`pid` -1), or for
// one thread `pid` on any CPU (`cpu` -1), and attaches `program` to it. The
// returned attachment owns the event.
Result<Attachment> attach_perf_event(bpf_program* program,
                                     perf_event_attr attr,
                                     int cpu,
                                     int pid = -1);

// The same for every thread of process `pid` (from /proc/PID/task), on
// any CPU; threads it starts later are covered through `attr.inherit` if
// the caller sets it.
Result<std::vector<Attachment>> attach_perf_event_to_process(
    bpf_program* program, const perf_event_attr& attr, int pid);

// The same on every online CPU.
Result<std::vector<Attachment>>
attach_perf_event_on_each_cpu(bpf_program* program,
                              const perf_event_attr& attr);

} // namespace sonde::probes
