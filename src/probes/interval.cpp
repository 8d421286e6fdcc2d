// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/cpus.h"
#include "probes/perf_event.h"
#include "probes/providers.h"
#include "probes/timer_period.h"

#include <bpf/libbpf.h>
#include <cctype>
#include <cerrno>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <variant>

namespace sonde::probes {

namespace {

class IntervalProbe : public ProbeType {
public:
  ProbeKind kind() const override { return ProbeKind::Interval; }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext&) const override {
    std::vector<std::string> rest(parts.begin() + (parts.empty() ? 0 : 1),
                                  parts.end());
    std::variant<TimerPeriod, ExpandError> period =
        parse_timer_period("interval", rest);
    if (auto* error = std::get_if<ExpandError>(&period)) {
      return std::move(*error);
    }
    std::string full = "interval";
    for (const std::string& part : rest) {
      full += ":" + part;
    }
    return std::vector<AttachTarget>{
        AttachTarget{ProbeKind::Interval, std::move(full), rest,
                     std::get<TimerPeriod>(period).period_ns}};
  }

  Result<std::vector<std::string>> list() const override {
    return std::vector<std::string>{
        "interval:hz:", "interval:ms:", "interval:s:", "interval:us:"};
  }

  ProgramType program_type() const override { return ProgramType::PerfEvent; }

  std::string section_name(const AttachTarget&) const override {
    return "perf_event";
  }

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    // One CPU only, so the probe fires once per period; the first online
    // one, since CPU 0 may be offline.
    Result<std::vector<uint32_t>> cpus = online_cpus();
    if (!cpus) {
      return cpus.takeError();
    }
    if (cpus->empty()) {
      return make_error("no CPU is online");
    }
    perf_event_attr attr{};
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_CPU_CLOCK;
    attr.sample_period = target.period_ns;
    Result<Attachment> attached =
        attach_perf_event(program, attr, cpus->front());
    if (!attached) {
      return attached.takeError();
    }
    std::vector<Attachment> attachments;
    attachments.push_back(std::move(*attached));
    return attachments;
  }
};

} // namespace

std::unique_ptr<ProbeType> make_interval_probe() {
  return std::make_unique<IntervalProbe>();
}

} // namespace sonde::probes
