// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/providers.h"
#include "probes/tracefs.h"

#include <algorithm>
#include <bpf/libbpf.h>
#include <cerrno>

namespace sonde::probes {

namespace {

class TracepointProbe : public ProbeType {
public:
  explicit TracepointProbe(std::shared_ptr<const Tracefs> tracefs)
      : tracefs_(std::move(tracefs)) {}

  ProbeKind kind() const override { return ProbeKind::Tracepoint; }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext&) const override {
    std::vector<std::string> names(parts.begin() + (parts.empty() ? 0 : 1),
                                   parts.end());
    // `tracepoint:*foo*` means any category, as in bpftrace: the user is
    // most likely looking for an event name.
    if (names.size() == 1 && has_wildcard(names[0])) {
      names.insert(names.begin(), "*");
    }
    if (names.size() != 2) {
      return invalid("expected tracepoint:category:event");
    }
    const std::string& category = names[0];
    const std::string& event = names[1];
    if (category.empty() || event.empty()) {
      return invalid("the category and the event must not be empty");
    }
    for (const std::string& name : names) {
      if (!valid_tracefs_name(name)) {
        return invalid("'" + name + "' is not a tracepoint name");
      }
    }
    Result<const Tracefs*> tracefs = this->tracefs();
    if (!tracefs) {
      return ExpandError{ExpandError::Reason::Unavailable,
                         error_text(tracefs.takeError()), std::nullopt};
    }
    const Tracefs& fs = **tracefs;
    std::string wanted = category + ":" + event;

    if (!has_wildcard(category) && !has_wildcard(event)) {
      if (!fs.has_event(category, event)) {
        return ExpandError{ExpandError::Reason::NotFound, wanted,
                           suggest(fs, category, event),
                           /*unknown_tracepoint=*/true};
      }
      return std::vector<AttachTarget>{target(category, event)};
    }

    std::vector<AttachTarget> targets;
    if (!has_wildcard(category)) {
      // One category: its directory is far smaller than the event list.
      for (const std::string& name : fs.category_events(category)) {
        if (glob_match(event, name)) {
          targets.push_back(target(category, name));
        }
      }
    } else {
      for (const std::string& full : fs.events()) {
        size_t colon = full.find(':');
        std::string_view cat = std::string_view(full).substr(0, colon);
        std::string_view name = std::string_view(full).substr(colon + 1);
        if (glob_match(category, cat) && glob_match(event, name)) {
          targets.push_back(target(std::string(cat), std::string(name)));
        }
      }
    }
    if (targets.empty()) {
      std::optional<std::string> suggestion;
      // A misspelt category under a wildcard event:
      // `syscall:sys_enter_*` -> `syscalls:sys_enter_*`.
      if (!has_wildcard(category) && !fs.has_category(category)) {
        if (auto near = closest_match(category, fs.categories())) {
          suggestion = *near + ":" + event;
        }
      }
      return ExpandError{ExpandError::Reason::NoMatch, wanted, suggestion};
    }
    return targets;
  }

  Result<types::Type> args_type(const AttachTarget& target) const override {
    Result<const Tracefs*> tracefs = this->tracefs();
    if (!tracefs) {
      return tracefs.takeError();
    }
    return (*tracefs)->format(target.target.at(0), target.target.at(1));
  }

  Result<std::vector<std::string>> list() const override {
    Result<const Tracefs*> tracefs = this->tracefs();
    if (!tracefs) {
      return tracefs.takeError();
    }
    std::vector<std::string> names;
    names.reserve((*tracefs)->events().size());
    for (const std::string& event : (*tracefs)->events()) {
      names.push_back("tracepoint:" + event);
    }
    return names;
  }

  Result<std::vector<std::string>>
  arg_declarations(const AttachTarget& target) const override {
    Result<const Tracefs*> tracefs = this->tracefs();
    if (!tracefs) {
      return tracefs.takeError();
    }
    Result<const EventFormat*> format =
        (*tracefs)->event_format(target.target.at(0), target.target.at(1));
    if (!format) {
      return format.takeError();
    }
    std::vector<std::string> lines;
    for (const FormatField& field : (*format)->fields) {
      lines.push_back(field.declaration);
    }
    return lines;
  }

  ProgramType program_type() const override { return ProgramType::Tracepoint; }

  std::string section_name(const AttachTarget& target) const override {
    return "tracepoint/" + target.target.at(0) + "/" + target.target.at(1);
  }

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    const std::string& category = target.target.at(0);
    const std::string& event = target.target.at(1);
    return single_attachment(bpf_program__attach_tracepoint(
        program, category.c_str(), event.c_str()));
  }

private:
  static ExpandError invalid(std::string detail) {
    return ExpandError{ExpandError::Reason::Invalid, std::move(detail),
                       std::nullopt};
  }

  static AttachTarget target(std::string category, std::string event) {
    std::string full = "tracepoint:" + category + ":" + event;
    return AttachTarget{ProbeKind::Tracepoint,
                        std::move(full),
                        {std::move(category), std::move(event)},
                        0};
  }

  // The existing tracepoint the user most likely meant. Only runs on the
  // error path, so reading the whole event list is fine here.
  static std::optional<std::string> suggest(const Tracefs& fs,
                                            const std::string& category,
                                            const std::string& event) {
    // A typo in the event of a right category: compare event names only,
    // so the category's length does not dilute the distance.
    if (fs.has_category(category)) {
      if (auto near = closest_match(event, fs.category_events(category))) {
        return category + ":" + *near;
      }
    }
    // The right event in the wrong category: `sched:sys_enter_openat`.
    const std::vector<std::string>& events = fs.events();
    std::string suffix = ":" + event;
    for (const std::string& full : events) {
      if (full.ends_with(suffix)) {
        return full;
      }
    }
    return closest_match(category + ":" + event, events);
  }

  Result<const Tracefs*> tracefs() const {
    if (tracefs_) {
      return tracefs_.get();
    }
    Result<Tracefs*> system = Tracefs::system();
    if (!system) {
      return system.takeError();
    }
    return *system;
  }

  std::shared_ptr<const Tracefs> tracefs_;
};

} // namespace

std::unique_ptr<ProbeType>
make_tracepoint_probe(std::shared_ptr<const Tracefs> tracefs) {
  return std::make_unique<TracepointProbe>(std::move(tracefs));
}

} // namespace sonde::probes
