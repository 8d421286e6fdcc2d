// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "btf/kernel_types.h"
#include "probes/kernel_features.h"
#include "probes/providers.h"
#include "probes/timer_period.h"

#include <algorithm>
#include <bpf/libbpf.h>
#include <mutex>

namespace sonde::probes {

namespace {

// The functions of vmlinux BTF, the ones a trampoline can attach to; read
// on first use from the process's shared KernelTypes, sorted.
Result<const std::vector<std::string>*> kernel_functions() {
  static std::once_flag once;
  static std::vector<std::string> names;
  static std::string error;
  std::call_once(once, [] {
    std::shared_ptr<btf::KernelTypes> types = btf::KernelTypes::shared();
    if (llvm::Error failed = types->load()) {
      error = llvm::toString(std::move(failed));
      return;
    }
    names = types->functions_matching("*");
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
  });
  if (!error.empty()) {
    return make_error(error);
  }
  return &names;
}

// fentry/fexit: BPF trampolines on kernel functions, found in kernel BTF.
// Each program is bound to one function's BTF id when it is loaded (libbpf
// finds it from the section name), so every target gets its own program.
// `args.NAME` are the function's parameters, typed from its BTF prototype;
// each is one u64 of the trampoline's context, so integers widen to 8 bytes
// (as for raw tracepoints). `retval` (fexit) comes from bpf_get_func_ret.
class FentryProbe : public ProbeType {
public:
  explicit FentryProbe(bool exit_probe) : exit_probe_(exit_probe) {}

  ProbeKind kind() const override {
    return exit_probe_ ? ProbeKind::Fexit : ProbeKind::Fentry;
  }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext&) const override {
    if (parts.size() != 2 && parts.size() != 3) {
      return invalid_attach_point("expected " + provider() + ":FUNCTION or " +
                                  provider() + ":MODULE:FUNCTION");
    }
    std::string module = parts.size() == 3 ? parts[1] : "";
    const std::string& function = parts.back();
    if (function.empty() || (parts.size() == 3 && module.empty())) {
      return invalid_attach_point("the function must not be empty");
    }
    if (module == "bpf") {
      return invalid_attach_point(
          "probes on BPF programs are not supported yet");
    }
    // Functions of other modules are named as written: libbpf finds them
    // in the module's BTF when loading.
    if (!module.empty() && module != "vmlinux" && !has_wildcard(module)) {
      if (has_wildcard(function)) {
        return invalid_attach_point(
            "wildcards are only supported in vmlinux functions yet");
      }
      return std::vector<AttachTarget>{target(module, function)};
    }
    Result<const std::vector<std::string>*> functions = kernel_functions();
    if (!functions) {
      return ExpandError{ExpandError::Reason::Unavailable,
                         error_text(functions.takeError()), std::nullopt};
    }
    std::vector<AttachTarget> targets;
    for (const std::string& name : **functions) {
      if (glob_match(function, name)) {
        targets.push_back(target(module.empty() ? "" : "vmlinux", name));
      }
    }
    if (!targets.empty()) {
      return targets;
    }
    if (has_wildcard(function)) {
      return ExpandError{ExpandError::Reason::NoMatch,
                         "no kernel function matches '" + function + "'",
                         std::nullopt};
    }
    return ExpandError{ExpandError::Reason::NotFound,
                       "no kernel function '" + function + "' in kernel BTF",
                       closest_match(function, **functions)};
  }

  Result<std::vector<std::string>> list() const override {
    Result<const std::vector<std::string>*> functions = kernel_functions();
    if (!functions) {
      return functions.takeError();
    }
    std::vector<std::string> names;
    names.reserve((*functions)->size());
    for (const std::string& name : **functions) {
      names.push_back(provider() + ":vmlinux:" + name);
    }
    return names;
  }

  Result<types::Type> args_type(const AttachTarget& target) const override {
    Result<std::vector<types::Field>> parameters =
        btf::KernelTypes::shared()->function_arguments(target.target.back());
    if (!parameters) {
      return parameters.takeError();
    }
    return context_record(target.full_name + " args", std::move(*parameters));
  }

  Result<std::vector<std::string>>
  arg_declarations(const AttachTarget& target) const override {
    return record_declarations(args_type(target));
  }

  ProgramType program_type() const override { return ProgramType::Tracing; }
  bool program_per_target() const override { return true; }

  KernelSupport kernel_support() const override {
    const FeatureStatus& fentry = kernel_feature(KernelFeature::Fentry);
    if (fentry.available) {
      return {};
    }
    return {KernelSupport::Level::None,
            "fentry/fexit probes are not available: " + fentry.reason};
  }

  std::string section_name(const AttachTarget& target) const override {
    return provider() + "/" + target.target.back();
  }

  Result<std::vector<Attachment>> attach(bpf_program* program,
                                         const AttachTarget&) const override {
    return single_attachment(bpf_program__attach_trace(program));
  }

private:
  std::string provider() const { return exit_probe_ ? "fexit" : "fentry"; }

  AttachTarget target(const std::string& module,
                      const std::string& function) const {
    std::string full = provider() + ":";
    std::vector<std::string> parts;
    if (!module.empty()) {
      full += module + ":";
      parts.push_back(module);
    }
    full += function;
    parts.push_back(function);
    return AttachTarget{kind(), std::move(full), std::move(parts), 0};
  }

  bool exit_probe_;
};

} // namespace

std::unique_ptr<ProbeType> make_fentry_probe(bool exit_probe) {
  return std::make_unique<FentryProbe>(exit_probe);
}

} // namespace sonde::probes
