// SPDX-License-Identifier: Apache-2.0
#include "probes/kernel_features.h"

#include "base/strings.h"

#include <array>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstring>
#include <linux/bpf.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <mutex>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sonde::probes {

namespace {

// BPF_TRACE_UPROBE_MULTI (Linux 6.6); libbpf 1.1's headers predate it.
constexpr int kTraceUprobeMulti = 48;
// BPF_TRACE_KPROBE_SESSION (Linux 6.10).
constexpr int kTraceKprobeSession = 56;

bool exists(const char* path) {
  struct stat info;
  return stat(path, &info) == 0;
}

// "r0 = 0; exit": valid for every program type probed here.
int load_minimal(bpf_prog_type type,
                 bpf_attach_type attach_type,
                 uint32_t attach_btf_id) {
  const bpf_insn program[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  LIBBPF_OPTS(bpf_prog_load_opts, options);
  options.expected_attach_type = attach_type;
  options.attach_btf_id = attach_btf_id;
  int fd = bpf_prog_load(type, nullptr, "GPL", program, 2, &options);
  return fd < 0 ? -errno : fd;
}

// Loads a minimal tracing program bound to the first of `functions` that
// vmlinux BTF has (libbpf adds the "bpf_iter_" prefix for iterators);
// returns the load errno (0 on success).
int probe_tracing(bpf_attach_type attach_type,
                  std::initializer_list<const char*> functions,
                  std::string& missing) {
  for (const char* function : functions) {
    int id = libbpf_find_vmlinux_btf_id(function, attach_type);
    if (id <= 0) {
      continue;
    }
    int fd = load_minimal(BPF_PROG_TYPE_TRACING, attach_type, id);
    if (fd < 0) {
      return -fd;
    }
    close(fd);
    return 0;
  }
  missing = exists("/sys/kernel/btf/vmlinux")
                ? "kernel BTF has none of the functions it needs"
                : "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
  return ENOENT;
}

FeatureStatus probe_kprobes() {
  std::optional<uint32_t> pmu;
  if (std::optional<std::string> text =
          read_file("/sys/bus/event_source/devices/kprobe/type")) {
    pmu = parse_pmu_type(*text);
  }
  bool events = exists("/sys/kernel/tracing/kprobe_events") ||
                exists("/sys/kernel/debug/tracing/kprobe_events");
  return kprobe_status(pmu, events);
}

FeatureStatus probe_kprobe_multi() {
  int fd = load_minimal(BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0);
  if (fd < 0) {
    return multi_link_status("kprobe_multi", -fd);
  }
  const char* symbols[] = {"sonde_no_such_function"};
  LIBBPF_OPTS(bpf_link_create_opts, options);
  options.kprobe_multi.syms = symbols;
  options.kprobe_multi.cnt = 1;
  int link = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &options);
  int error = link < 0 ? errno : 0;
  if (link >= 0) {
    close(link);
  }
  close(fd);
  return multi_link_status("kprobe_multi", error);
}

FeatureStatus probe_kprobe_session() {
  int fd = load_minimal(BPF_PROG_TYPE_KPROBE,
                        static_cast<bpf_attach_type>(kTraceKprobeSession), 0);
  if (fd < 0) {
    return multi_link_status("kprobe_session", -fd);
  }
  // union bpf_attr's link_create with the kprobe_multi member, which a
  // session link also uses; this libbpf does not pass it for an attach
  // type it does not know: prog_fd, target_fd, attach_type, flags, then
  // flags, cnt (u32 each), syms, addrs, cookies (u64 each).
  std::array<uint64_t, 16> attr{};
  const char* symbols[] = {"sonde_no_such_function"};
  auto* words = reinterpret_cast<uint32_t*>(attr.data());
  words[0] = static_cast<uint32_t>(fd);
  words[2] = kTraceKprobeSession;
  words[5] = 1;
  attr[3] = reinterpret_cast<uintptr_t>(symbols);
  long link = syscall(__NR_bpf, BPF_LINK_CREATE, attr.data(), sizeof(attr));
  int error = link < 0 ? errno : 0;
  if (link >= 0) {
    close(static_cast<int>(link));
  }
  close(fd);
  return multi_link_status("kprobe_session", error);
}

FeatureStatus probe_uprobe_multi() {
  int fd = load_minimal(BPF_PROG_TYPE_KPROBE,
                        static_cast<bpf_attach_type>(kTraceUprobeMulti), 0);
  if (fd < 0) {
    return multi_link_status("uprobe_multi", -fd);
  }
  // union bpf_attr's link_create with the uprobe_multi member, which this
  // libbpf does not declare: prog_fd, target_fd, attach_type, flags, then
  // path, offsets, ref_ctr_offsets, cookies (u64 each) and cnt. "/" is a
  // directory, which the kernel rejects (EBADF) only if it knows the type.
  std::array<uint64_t, 16> attr{};
  uint64_t offsets[] = {0};
  auto* words = reinterpret_cast<uint32_t*>(attr.data());
  words[0] = static_cast<uint32_t>(fd);
  words[2] = kTraceUprobeMulti;
  attr[2] = reinterpret_cast<uintptr_t>("/");
  attr[3] = reinterpret_cast<uintptr_t>(offsets);
  words[12] = 1;
  long link = syscall(__NR_bpf, BPF_LINK_CREATE, attr.data(), sizeof(attr));
  int error = link < 0 ? errno : 0;
  if (link >= 0) {
    close(static_cast<int>(link));
  }
  close(fd);
  return multi_link_status("uprobe_multi", error);
}

FeatureStatus probe_fentry() {
  std::string missing;
  int error =
      probe_tracing(BPF_TRACE_FENTRY,
                    {"bpf_fentry_test1", "do_nanosleep", "vfs_read"}, missing);
  if (!missing.empty()) {
    return {false, missing};
  }
  return load_status("fentry", error);
}

FeatureStatus probe_iter() {
  std::string missing;
  int error = probe_tracing(BPF_TRACE_ITER, {"task"}, missing);
  if (!missing.empty()) {
    return {false, missing};
  }
  return load_status("iterator", error);
}

FeatureStatus probe_raw_tracepoints() {
  int fd = load_minimal(BPF_PROG_TYPE_RAW_TRACEPOINT,
                        static_cast<bpf_attach_type>(0), 0);
  if (fd < 0) {
    return load_status("raw tracepoint", -fd);
  }
  close(fd);
  return {true, ""};
}

FeatureStatus probe_watchpoints() {
  static volatile uint64_t watched = 0;
  perf_event_attr attr{};
  attr.size = sizeof(attr);
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.bp_type = HW_BREAKPOINT_W;
  attr.bp_addr = reinterpret_cast<uintptr_t>(&watched);
  attr.bp_len = HW_BREAKPOINT_LEN_8;
  attr.sample_period = 1;
  attr.disabled = 1;
  long fd =
      syscall(__NR_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    return {false, "the kernel refused a hardware breakpoint event (" +
                       std::string(std::strerror(error)) + ")"};
  }
  // Some hypervisors accept breakpoint events but never deliver the
  // debug-register trap: count one write to find out.
  ioctl(static_cast<int>(fd), PERF_EVENT_IOC_ENABLE, 0);
  watched = watched + 1;
  ioctl(static_cast<int>(fd), PERF_EVENT_IOC_DISABLE, 0);
  uint64_t hits = 0;
  ssize_t got = read(static_cast<int>(fd), &hits, sizeof(hits));
  close(static_cast<int>(fd));
  if (got != static_cast<ssize_t>(sizeof(hits)) || hits == 0) {
    return {false, "hardware breakpoints are accepted but never trigger "
                   "on this machine (its hypervisor does not pass debug "
                   "traps through)"};
  }
  return {true, ""};
}

FeatureStatus probe(KernelFeature feature) {
  switch (feature) {
  case KernelFeature::Kprobes:
    return probe_kprobes();
  case KernelFeature::KprobeMulti:
    return probe_kprobe_multi();
  case KernelFeature::Fentry:
    return probe_fentry();
  case KernelFeature::RawTracepoints:
    return probe_raw_tracepoints();
  case KernelFeature::Iter:
    return probe_iter();
  case KernelFeature::Watchpoints:
    return probe_watchpoints();
  case KernelFeature::UprobeMulti:
    return probe_uprobe_multi();
  case KernelFeature::KprobeSession:
    return probe_kprobe_session();
  }
  return {false, "unknown feature"};
}

constexpr size_t kFeatureCount =
    static_cast<size_t>(KernelFeature::KprobeSession) + 1;

} // namespace

const FeatureStatus& kernel_feature(KernelFeature feature) {
  static std::array<std::once_flag, kFeatureCount> once;
  static std::array<FeatureStatus, kFeatureCount> statuses;
  auto index = static_cast<size_t>(feature);
  std::call_once(once[index], [&] { statuses[index] = probe(feature); });
  return statuses[index];
}

const char* feature_name(KernelFeature feature) {
  switch (feature) {
  case KernelFeature::Kprobes:
    return "kprobe";
  case KernelFeature::KprobeMulti:
    return "kprobe_multi";
  case KernelFeature::Fentry:
    return "fentry";
  case KernelFeature::RawTracepoints:
    return "raw_tracepoint";
  case KernelFeature::Iter:
    return "iter";
  case KernelFeature::Watchpoints:
    return "watchpoint";
  case KernelFeature::UprobeMulti:
    return "uprobe_multi";
  case KernelFeature::KprobeSession:
    return "kprobe_session";
  }
  return "?";
}

std::optional<uint32_t> parse_pmu_type(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 9) {
    return std::nullopt;
  }
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  return value;
}

FeatureStatus kprobe_status(std::optional<uint32_t> pmu_type,
                            bool has_kprobe_events) {
  if (pmu_type || has_kprobe_events) {
    return {true, ""};
  }
  return {false, "this kernel has no kprobe support (no "
                 "/sys/bus/event_source/devices/kprobe, no kprobe_events in "
                 "tracefs)"};
}

FeatureStatus load_status(std::string_view what, int error) {
  if (error == 0) {
    return {true, ""};
  }
  std::string reason = "the kernel refused to load a minimal " +
                       std::string(what) + " program (" + std::strerror(error) +
                       ")";
  if (error == EPERM || error == EACCES) {
    reason += "; this kernel does not allow them, even to root";
  } else if (error == EINVAL || error == EOPNOTSUPP) {
    reason += "; this kernel does not support them";
  }
  return {false, std::move(reason)};
}

FeatureStatus multi_link_status(std::string_view what, int error) {
  switch (error) {
  case 0:
  case ESRCH:
  case ENOENT:
  case EBADF:
    return {true, ""};
  default:
    return {false, "the kernel has no " + std::string(what) + " links (" +
                       std::strerror(error) + ")"};
  }
}

} // namespace sonde::probes
