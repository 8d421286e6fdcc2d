// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/providers.h"
#include "probes/timer_period.h"

// `self:signal:SIGUSR1`: probes on sonde itself, which fire each time sonde
// receives SIGUSR1. Like BEGIN and END they are raw tracepoint programs
// that are never attached: the runtime's event loop runs them with
// BPF_PROG_TEST_RUN, in the order they were written, when the signal
// arrives (Trigger::Signal in probe_kinds.def).

namespace sonde::probes {

namespace {

// The one attach point, and the parts after the provider.
constexpr const char* kFullName = "self:signal:SIGUSR1";
constexpr const char* kForm = "signal:SIGUSR1";

class SelfProbe : public ProbeType {
public:
  ProbeKind kind() const override { return ProbeKind::Self; }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext&) const override {
    std::string form;
    for (size_t i = 1; i < parts.size(); ++i) {
      form += (i > 1 ? ":" : "") + parts[i];
    }
    const bool wildcard = has_wildcard(form);
    if (form == kForm || (wildcard && glob_match(form, kForm))) {
      return std::vector<AttachTarget>{
          AttachTarget{ProbeKind::Self, kFullName, {"signal", "SIGUSR1"}, 0}};
    }
    if (wildcard) {
      return ExpandError{ExpandError::Reason::NoMatch,
                         "no self probe matches '" + form + "'", std::nullopt};
    }
    // The hint gives the whole attach point: there is only one, and only
    // one spelling of the provider.
    if (parts.size() == 3 && parts[1] == "signal") {
      return invalid_attach_point("only SIGUSR1 triggers a self probe, not '" +
                                      parts[2] + "'",
                                  kFullName);
    }
    return invalid_attach_point(std::string("expected ") + kFullName,
                                kFullName);
  }

  Result<std::vector<std::string>> list() const override {
    return std::vector<std::string>{kFullName};
  }

  ProgramType program_type() const override {
    return ProgramType::RawTracepoint;
  }

  std::string section_name(const AttachTarget&) const override {
    return "raw_tracepoint/sonde_self";
  }

  Result<std::vector<Attachment>> attach(bpf_program*,
                                         const AttachTarget&) const override {
    return std::vector<Attachment>{};
  }
};

} // namespace

std::unique_ptr<ProbeType> make_self_probe() {
  return std::make_unique<SelfProbe>();
}

} // namespace sonde::probes
