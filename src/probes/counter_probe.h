// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "probes/perf_counter_events.h"
#include "probes/probe_type.h"

#include <string>
#include <vector>

namespace sonde::probes {

// `software:EVENT[:COUNT]` and `hardware:EVENT[:COUNT]`: a sample every
// COUNT events on every CPU. The two providers differ only in their perf
// type and event table.
class CounterProbe : public ProbeType {
public:
  CounterProbe(ProbeKind kind,
               std::string provider,
               uint32_t perf_type,
               const CounterEvent* events,
               size_t event_count);

  ProbeKind kind() const override { return kind_; }
  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext&) const override;
  Result<std::vector<std::string>> list() const override;
  ProgramType program_type() const override { return ProgramType::PerfEvent; }
  std::string section_name(const AttachTarget&) const override {
    return "perf_event";
  }
  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override;

private:
  const CounterEvent* find(const std::string& name) const;

  ProbeKind kind_;
  std::string provider_;
  uint32_t perf_type_;
  std::vector<CounterEvent> events_;
};

} // namespace sonde::probes
