// SPDX-License-Identifier: Apache-2.0
#include "probes/providers.h"

// BEGIN and END are raw tracepoint programs that are never attached: the
// runtime runs each once with BPF_PROG_TEST_RUN, BEGIN before the other
// probes attach and END after they detach. This needs no uprobe on sonde's
// own binary (bpftrace's old way) and works wherever BPF does.

namespace sonde::probes {

namespace {

class BeginEndProbe : public ProbeType {
public:
  explicit BeginEndProbe(ProbeKind kind) : kind_(kind) {}

  ProbeKind kind() const override { return kind_; }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext&) const override {
    // `BEGIN:*` is what a listing pattern expands to; bpftrace accepts it.
    if (parts.size() > 2 || (parts.size() == 2 && parts[1] != "*")) {
      return ExpandError{ExpandError::Reason::Invalid,
                         std::string(kind_spelling(kind_)) +
                             " takes no arguments",
                         std::nullopt};
    }
    return std::vector<AttachTarget>{
        AttachTarget{kind_, kind_spelling(kind_), {}, 0}};
  }

  ProgramType program_type() const override {
    return ProgramType::RawTracepoint;
  }

  // `begin,end { }` is two programs: each is run at its own time.
  bool program_per_target() const override { return true; }

  std::string section_name(const AttachTarget&) const override {
    return kind_ == ProbeKind::Begin ? "raw_tracepoint/sonde_begin"
                                     : "raw_tracepoint/sonde_end";
  }

  Result<std::vector<Attachment>> attach(bpf_program*,
                                         const AttachTarget&) const override {
    return std::vector<Attachment>{};
  }

private:
  ProbeKind kind_;
};

} // namespace

std::unique_ptr<ProbeType> make_begin_end_probe(ProbeKind kind) {
  return std::make_unique<BeginEndProbe>(kind);
}

} // namespace sonde::probes
