// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "btf/kernel_types.h"
#include "probes/kernel_features.h"
#include "probes/providers.h"
#include "probes/timer_period.h"
#include "probes/tracefs.h"

#include <bpf/libbpf.h>
#include <set>

namespace sonde::probes {

namespace {

// tracefs categories whose events are not kernel tracepoints: syscall
// events are built on raw_syscalls:sys_enter/sys_exit, ftrace's are the
// tracer's own records, and kprobes/uprobes hold dynamic events.
bool raw_category(std::string_view category) {
  return category != "syscalls" && category != "ftrace" &&
         category != "kprobes" && category != "uprobes";
}

// Raw tracepoints: the kernel's tracepoints without the tracefs record,
// so a probe sees the tracepoint function's arguments, one u64 each
// (`arg0..argN`). The names come from tracefs (an event and its
// tracepoint share the name). `args` names and types them from kernel
// BTF (`btf_trace_<name>`, as tp_btf programs see them); each is read as
// the u64 the kernel stored, so integers are widened to 8 bytes.
class RawTracepointProbe : public ProbeType {
public:
  explicit RawTracepointProbe(std::shared_ptr<const Tracefs> tracefs)
      : tracefs_(std::move(tracefs)) {}

  ProbeKind kind() const override { return ProbeKind::Rawtracepoint; }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext&) const override {
    // rawtracepoint:EVENT, or rawtracepoint:MODULE:EVENT as bpftrace
    // writes it: MODULE is vmlinux or a loaded module with BTF.
    if (parts.size() != 2 && parts.size() != 3) {
      return invalid_attach_point(
          "expected rawtracepoint:EVENT or rawtracepoint:MODULE:EVENT");
    }
    if (parts.size() == 3 && !module_is_known(parts[1])) {
      return ExpandError{ExpandError::Reason::NotFound,
                         "no kernel module '" + parts[1] + "' with BTF",
                         std::nullopt};
    }
    const std::string& event = parts.back();
    if (event.empty() || !valid_tracefs_name(event)) {
      return invalid_attach_point("'" + event + "' is not a tracepoint name");
    }
    Result<std::vector<std::string>> names = this->names();
    if (!names) {
      return ExpandError{ExpandError::Reason::Unavailable,
                         error_text(names.takeError()), std::nullopt};
    }
    std::vector<AttachTarget> targets;
    for (const std::string& name : *names) {
      if (glob_match(event, name)) {
        targets.push_back(target(name));
      }
    }
    if (!targets.empty()) {
      return targets;
    }
    if (has_wildcard(event)) {
      return ExpandError{ExpandError::Reason::NoMatch,
                         "no raw tracepoint matches '" + event + "'",
                         std::nullopt};
    }
    return ExpandError{ExpandError::Reason::NotFound,
                       "no raw tracepoint '" + event + "'",
                       closest_match(event, *names)};
  }

  // vmlinux, a loaded module with BTF, or a glob matching one of them.
  static bool module_is_known(const std::string& module) {
    if (module.empty() || glob_match(module, "vmlinux")) {
      return true;
    }
    for (const std::string& name : btf::KernelTypes::shared()->modules()) {
      if (glob_match(module, name)) {
        return true;
      }
    }
    return false;
  }

  Result<std::vector<std::string>> list() const override {
    Result<std::vector<std::string>> names = this->names();
    if (!names) {
      return names.takeError();
    }
    for (std::string& name : *names) {
      name = "rawtracepoint:" + name;
    }
    return names;
  }

  Result<types::Type> args_type(const AttachTarget& target) const override {
    Result<std::vector<types::Field>> arguments =
        btf::KernelTypes::shared()->raw_tracepoint_arguments(
            target.target.at(0));
    if (!arguments) {
      return arguments.takeError();
    }
    return context_record(target.full_name + " args", std::move(*arguments));
  }

  Result<std::vector<std::string>>
  arg_declarations(const AttachTarget& target) const override {
    return record_declarations(args_type(target));
  }

  ProgramType program_type() const override {
    return ProgramType::RawTracepoint;
  }

  KernelSupport kernel_support() const override {
    const FeatureStatus& raw = kernel_feature(KernelFeature::RawTracepoints);
    if (raw.available) {
      return {};
    }
    return {KernelSupport::Level::None,
            "raw tracepoints are not available: " + raw.reason};
  }

  std::string section_name(const AttachTarget& target) const override {
    return "raw_tracepoint/" + target.target.back();
  }

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    return single_attachment(bpf_program__attach_raw_tracepoint(
        program, target.target.back().c_str()));
  }

private:
  static AttachTarget target(const std::string& event) {
    return AttachTarget{
        ProbeKind::Rawtracepoint, "rawtracepoint:" + event, {event}, 0};
  }

  // Every raw tracepoint name, sorted and unique.
  Result<std::vector<std::string>> names() const {
    const Tracefs* fs = tracefs_.get();
    if (fs == nullptr) {
      Result<Tracefs*> system = Tracefs::system();
      if (!system) {
        return system.takeError();
      }
      fs = *system;
    }
    std::set<std::string> names;
    for (const std::string& full : fs->events()) {
      size_t colon = full.find(':');
      if (colon != std::string::npos &&
          raw_category(std::string_view(full).substr(0, colon))) {
        names.insert(full.substr(colon + 1));
      }
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  std::shared_ptr<const Tracefs> tracefs_;
};

} // namespace

std::unique_ptr<ProbeType>
make_rawtracepoint_probe(std::shared_ptr<const Tracefs> tracefs) {
  return std::make_unique<RawTracepointProbe>(std::move(tracefs));
}

} // namespace sonde::probes
