// SPDX-License-Identifier: Apache-2.0
#include "probes/kernel_features.h"
#include "probes/perf_event.h"
#include "probes/providers.h"
#include "probes/timer_period.h"

#include <linux/hw_breakpoint.h>

namespace sonde::probes {

namespace {

// Parses a watchpoint mode, a set of r, w and x: the HW_BREAKPOINT_* bits.
std::optional<uint32_t> parse_mode(const std::string& mode) {
  uint32_t bits = 0;
  for (char c : mode) {
    uint32_t bit = c == 'r'   ? HW_BREAKPOINT_R
                   : c == 'w' ? HW_BREAKPOINT_W
                   : c == 'x' ? HW_BREAKPOINT_X
                              : 0;
    if (bit == 0 || (bits & bit) != 0) {
      return std::nullopt;
    }
    bits |= bit;
  }
  if (bits == 0) {
    return std::nullopt;
  }
  return bits;
}

std::optional<uint64_t> parse_number(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  uint64_t value = std::strtoull(text.c_str(), &end, 0);
  if (*end != '\0') {
    return std::nullopt;
  }
  return value;
}

// Hardware breakpoints: `watchpoint:ADDR:LEN:MODE`. With `-p`/`-c` ADDR is
// an address of that process (every thread of it is watched); otherwise a
// kernel address, watched on every CPU. The architecture decides which
// modes exist (x86_64 has w, rw and x, not r alone) and the kernel says so
// when attaching. `asyncwatchpoint` is the same here: the probe runs in the
// breakpoint's handler either way.
class WatchpointProbe : public ProbeType {
public:
  ProbeKind kind() const override { return ProbeKind::Watchpoint; }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext& context) const override {
    if (parts.size() != 4) {
      return invalid_attach_point("expected watchpoint:ADDRESS:LENGTH:MODE");
    }
    std::optional<uint64_t> address = parse_number(parts[1]);
    if (!address || *address == 0) {
      return invalid_attach_point("'" + parts[1] + "' is not an address");
    }
    std::optional<uint64_t> length = parse_number(parts[2]);
    if (!length ||
        (*length != 1 && *length != 2 && *length != 4 && *length != 8)) {
      return invalid_attach_point("the length must be 1, 2, 4 or 8, not '" +
                                  parts[2] + "'");
    }
    std::optional<uint32_t> mode = parse_mode(parts[3]);
    if (!mode) {
      return invalid_attach_point("the mode must be a set of r, w and x, "
                                  "not '" +
                                  parts[3] + "'");
    }
    if ((*mode & HW_BREAKPOINT_X) != 0 && *mode != HW_BREAKPOINT_X) {
      return invalid_attach_point("an execution watchpoint ('x') cannot "
                                  "also watch reads or writes");
    }
#if defined(__x86_64__) || defined(__i386__)
    if (*mode == HW_BREAKPOINT_R) {
      return invalid_attach_point("x86 cannot watch reads alone: use 'rw'");
    }
#endif
    char hex[32];
    std::snprintf(hex, sizeof(hex), "0x%llx",
                  static_cast<unsigned long long>(*address));
    std::string full = "watchpoint:" + std::string(hex) + ":" +
                       std::to_string(*length) + ":" + parts[3];
    AttachTarget target{ProbeKind::Watchpoint,
                        std::move(full),
                        {hex, std::to_string(*length), parts[3]},
                        0};
    target.pid = context.pid > 0 ? context.pid : -1;
    return std::vector<AttachTarget>{std::move(target)};
  }

  std::optional<uint64_t>
  watched_address(const AttachTarget& target) const override {
    return parse_number(target.target.at(0));
  }

  ProgramType program_type() const override { return ProgramType::PerfEvent; }

  KernelSupport kernel_support() const override {
    const FeatureStatus& watch = kernel_feature(KernelFeature::Watchpoints);
    if (watch.available) {
      return {};
    }
    return {KernelSupport::Level::LoadOnly,
            "watchpoints are not available: " + watch.reason};
  }

  std::string section_name(const AttachTarget&) const override {
    return "perf_event";
  }

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    perf_event_attr attr{};
    attr.type = PERF_TYPE_BREAKPOINT;
    attr.bp_addr = parse_number(target.target.at(0)).value_or(0);
    attr.bp_len = parse_number(target.target.at(1)).value_or(8);
    attr.bp_type = parse_mode(target.target.at(2)).value_or(HW_BREAKPOINT_W);
    attr.sample_period = 1;
    // With a process, threads it starts later are watched too, and only
    // its own accesses count: the kernel touching the address for it
    // (exec clearing .bss, read() filling a buffer) does not.
    attr.inherit = target.pid > 0 ? 1 : 0;
    attr.exclude_kernel = target.pid > 0 ? 1 : 0;
    Result<std::vector<Attachment>> attached =
        target.pid > 0 ? attach_perf_event_to_process(program, attr, target.pid)
                       : attach_perf_event_on_each_cpu(program, attr);
    if (!attached) {
      KernelSupport support = kernel_support();
      if (support.level != KernelSupport::Level::Full) {
        llvm::consumeError(attached.takeError());
        return make_error(support.reason);
      }
    }
    return attached;
  }
};

} // namespace

std::unique_ptr<ProbeType> make_watchpoint_probe() {
  return std::make_unique<WatchpointProbe>();
}

} // namespace sonde::probes
