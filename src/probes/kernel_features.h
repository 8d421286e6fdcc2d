// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Which tracing facilities the running kernel has, found by probing it:
// looking for the kernel's own interfaces (the kprobe PMU), or asking it to
// load a minimal program or open a minimal event. Each feature is probed
// once, on first use, and cached for the process, so a script that uses no
// kprobes never looks for them. Providers turn a missing feature into a
// clear error naming the facility instead of a libbpf errno.
namespace sonde::probes {

enum class KernelFeature : uint8_t {
  // kprobes and kretprobes: the kprobe PMU or tracefs kprobe_events.
  Kprobes,
  // BPF_TRACE_KPROBE_MULTI links (fprobe), for wildcard kprobes.
  KprobeMulti,
  // BPF trampolines: fentry/fexit programs load.
  Fentry,
  // BPF_PROG_TYPE_RAW_TRACEPOINT programs load.
  RawTracepoints,
  // BPF iterators (bpf_iter_task) load.
  Iter,
  // Hardware breakpoints through perf_event_open(PERF_TYPE_BREAKPOINT).
  Watchpoints,
  // BPF_TRACE_UPROBE_MULTI links.
  UprobeMulti,
  // BPF_TRACE_KPROBE_SESSION links: one program on a function's entry and
  // return (kprobe_multi's session form, Linux 6.10).
  KprobeSession,
};

// The result of probing one feature.
struct FeatureStatus {
  bool available = false;
  // Why it is missing, as a clause that completes "X is not available:
  // ..." ("this kernel has no kprobe support (...)"); empty when available.
  std::string reason;
};

// The status of `feature` on the running kernel: probed on the first call,
// then cached. Never fails: a probe that cannot run reports the feature as
// missing, with why.
const FeatureStatus& kernel_feature(KernelFeature feature);

// The feature's name as `--info`-style reports print it ("kprobe_multi").
const char* feature_name(KernelFeature feature);

// The pieces that decide a status from what a probe observed; separate so
// unit tests can check them without a kernel.

// Parses a PMU's sysfs `type` file ("6\n"): the perf_event_attr type.
std::optional<uint32_t> parse_pmu_type(std::string_view text);

// kprobes from what was found: the kprobe PMU type (if its sysfs `type`
// parsed) and whether tracefs has `kprobe_events`.
FeatureStatus kprobe_status(std::optional<uint32_t> pmu_type,
                            bool has_kprobe_events);

// A feature probed by loading a minimal program: `error` is the errno of
// the load (0 when it loaded). `what` names the program ("fentry").
FeatureStatus load_status(std::string_view what, int error);

// A multi-attach link probed by creating a link to something that does not
// exist: the kernel checks the link type first, so "not found"-style errors
// (ESRCH, ENOENT, EBADF) mean the link type exists, while EINVAL or
// EOPNOTSUPP mean it does not. `error` 0 (it attached) also means it
// exists.
FeatureStatus multi_link_status(std::string_view what, int error);

} // namespace sonde::probes
