// SPDX-License-Identifier: Apache-2.0
#include "probes/counter_probe.h"

#include "base/strings.h"
#include "probes/perf_event.h"
#include "probes/timer_period.h"

#include <cerrno>

namespace sonde::probes {

CounterProbe::CounterProbe(ProbeKind kind,
                           std::string provider,
                           uint32_t perf_type,
                           const CounterEvent* events,
                           size_t event_count)
    : kind_(kind), provider_(std::move(provider)), perf_type_(perf_type),
      events_(events, events + event_count) {}

const CounterEvent* CounterProbe::find(const std::string& name) const {
  for (const CounterEvent& event : events_) {
    if (event.name == name || (!event.alias.empty() && event.alias == name)) {
      return &event;
    }
  }
  return nullptr;
}

ExpandResult CounterProbe::expand(const std::vector<std::string>& parts,
                                  const ExpandContext& context) const {
  if (parts.size() < 2 || parts.size() > 3) {
    return invalid_attach_point("expected " + provider_ + ":EVENT[:COUNT]");
  }
  const CounterEvent* event = find(parts[1]);
  if (event == nullptr) {
    std::vector<std::string> names;
    for (const CounterEvent& known : events_) {
      names.emplace_back(known.name);
      if (!known.alias.empty()) {
        names.emplace_back(known.alias);
      }
    }
    return ExpandError{ExpandError::Reason::NotFound,
                       "unknown " + provider_ + " event '" + parts[1] + "'",
                       closest_match(parts[1], names)};
  }
  uint64_t count = event->default_count;
  if (parts.size() == 3) {
    auto parsed = parse_count(parts[2]);
    if (!parsed || parsed->second != parts[2].size() || parsed->first == 0) {
      return invalid_attach_point("count '" + parts[2] +
                                  "' is not a positive integer");
    }
    count = parsed->first;
  }
  std::string full =
      provider_ + ":" + std::string(event->name) + ":" + std::to_string(count);
  AttachTarget target{
      kind_, std::move(full), {std::string(event->name)}, count};
  // With -p, only that process's events count.
  target.pid = context.pid > 0 ? context.pid : -1;
  return std::vector<AttachTarget>{std::move(target)};
}

Result<std::vector<std::string>> CounterProbe::list() const {
  std::vector<std::string> names;
  for (const CounterEvent& event : events_) {
    names.push_back(provider_ + ":" + std::string(event.name) + ":");
  }
  return names;
}

Result<std::vector<Attachment>>
CounterProbe::attach(bpf_program* program, const AttachTarget& target) const {
  const CounterEvent* event = find(target.target.at(0));
  if (event == nullptr) {
    return make_error("unknown event '" + target.target.at(0) + "'");
  }
  perf_event_attr attr{};
  attr.type = perf_type_;
  attr.config = event->config;
  // period_ns holds the event count per sample for counter probes.
  attr.sample_period = target.period_ns;
  attr.inherit = target.pid > 0 ? 1 : 0;
  Result<std::vector<Attachment>> attached =
      target.pid > 0 ? attach_perf_event_to_process(program, attr, target.pid)
                     : attach_perf_event_on_each_cpu(program, attr);
  if (!attached && perf_type_ == PERF_TYPE_HARDWARE) {
    std::string why = error_text(attached.takeError());
    return make_error(why + " (hardware events need a CPU performance "
                            "monitoring unit; this machine may have none)");
  }
  return attached;
}

} // namespace sonde::probes
