// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/perf_event.h"
#include "probes/providers.h"
#include "probes/timer_period.h"

#include <cstdlib>

namespace sonde::probes {

namespace {

// The highest sampling frequency the kernel accepts
// (kernel.perf_event_max_sample_rate); 0 when it cannot be read.
uint64_t max_sample_rate() {
  static const uint64_t rate = [] {
    std::optional<std::string> text =
        read_file("/proc/sys/kernel/perf_event_max_sample_rate");
    return text ? std::strtoull(text->c_str(), nullptr, 10) : 0;
  }();
  return rate;
}

// `profile:hz:99`, `profile:ms:10`, `profile:10ms`: a timer sample on
// every CPU, for sampling what each CPU is running.
class ProfileProbe : public ProbeType {
public:
  ProbeKind kind() const override { return ProbeKind::Profile; }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext& context) const override {
    std::vector<std::string> rest(parts.begin() + (parts.empty() ? 0 : 1),
                                  parts.end());
    std::variant<TimerPeriod, ExpandError> period =
        parse_timer_period("profile", rest);
    if (auto* error = std::get_if<ExpandError>(&period)) {
      return std::move(*error);
    }
    // Checked here, so the script location is reported, not a failed
    // perf_event_open at attach time.
    uint64_t hz = std::get<TimerPeriod>(period).frequency_hz;
    if (uint64_t limit = max_sample_rate(); hz > limit && limit != 0) {
      return ExpandError{ExpandError::Reason::Invalid,
                         "rate " + std::to_string(hz) +
                             " hz is above this kernel's limit of " +
                             std::to_string(limit) +
                             " hz (kernel.perf_event_max_sample_rate)",
                         std::nullopt};
    }
    std::string full = "profile";
    for (const std::string& part : rest) {
      full += ":" + part;
    }
    AttachTarget target{ProbeKind::Profile, std::move(full), rest,
                        std::get<TimerPeriod>(period).period_ns};
    target.frequency_hz = std::get<TimerPeriod>(period).frequency_hz;
    // With -p, only that process is sampled.
    target.pid = context.pid > 0 ? context.pid : -1;
    return std::vector<AttachTarget>{std::move(target)};
  }

  Result<std::vector<std::string>> list() const override {
    return std::vector<std::string>{
        "profile:hz:", "profile:ms:", "profile:s:", "profile:us:"};
  }

  ProgramType program_type() const override { return ProgramType::PerfEvent; }

  std::string section_name(const AttachTarget&) const override {
    return "perf_event";
  }

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    perf_event_attr attr{};
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_CPU_CLOCK;
    if (target.frequency_hz != 0) {
      // The kernel adjusts the period to keep this rate per CPU.
      attr.freq = 1;
      attr.sample_freq = target.frequency_hz;
    } else {
      attr.sample_period = target.period_ns;
    }
    if (target.pid > 0) {
      attr.inherit = 1;
      return attach_perf_event_to_process(program, attr, target.pid);
    }
    return attach_perf_event_on_each_cpu(program, attr);
  }
};

} // namespace

std::unique_ptr<ProbeType> make_profile_probe() {
  return std::make_unique<ProfileProbe>();
}

} // namespace sonde::probes
