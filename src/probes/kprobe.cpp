// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/kernel_features.h"
#include "probes/providers.h"
#include "probes/timer_period.h"
#include "symbols/kallsyms.h"

#include <bpf/libbpf.h>
#include <set>

namespace sonde::probes {

namespace {

using symbols::Kallsyms;
using symbols::KernelSymbol;

// Functions a kprobe can name: text symbols, without the compiler's
// clones (`foo.isra.0`, `foo.cold`) and the `__pfx_` padding before each
// function, which available_filter_functions does not list either.
bool probeable(const KernelSymbol& symbol) {
  return (symbol.type == 't' || symbol.type == 'T') &&
         symbol.name.find('.') == std::string_view::npos &&
         !symbol.name.starts_with("__pfx_");
}

class KprobeProbe : public ProbeType {
public:
  explicit KprobeProbe(bool return_probe) : return_probe_(return_probe) {}

  ProbeKind kind() const override {
    return return_probe_ ? ProbeKind::Kretprobe : ProbeKind::Kprobe;
  }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext&) const override {
    if (parts.size() != 2 && parts.size() != 3) {
      return invalid_attach_point("expected " + provider() + ":FUNCTION or " +
                                  provider() + ":MODULE:FUNCTION");
    }
    std::string module = parts.size() == 3 ? parts[1] : "";
    const std::string& text = parts.back();
    if (text.empty() || (parts.size() == 3 && module.empty())) {
      return invalid_attach_point("the function must not be empty");
    }
    if (text.rfind("0x", 0) == 0) {
      return invalid_attach_point(
          "kprobes on raw addresses are not supported yet");
    }
    auto [function, offset] = split_offset(text);
    if (offset && return_probe_) {
      return invalid_attach_point("kretprobe takes no offset: it fires when "
                                  "the function returns");
    }
    if (offset && (has_wildcard(function) || has_wildcard(module))) {
      return invalid_attach_point("an offset needs one function, not a "
                                  "wildcard");
    }
    Result<const Kallsyms*> kallsyms = Kallsyms::system();
    if (!has_wildcard(function) && !has_wildcard(module)) {
      // Without kallsyms (hidden from this user) the name is trusted and
      // the kernel checks it when attaching.
      if (kallsyms && !exists(**kallsyms, module, function)) {
        return ExpandError{ExpandError::Reason::NotFound,
                           "no kernel function '" + function + "'" +
                               (module.empty() ? "" : " in module " + module),
                           suggest(**kallsyms, function)};
      }
      if (!kallsyms) {
        llvm::consumeError(kallsyms.takeError());
      }
      return std::vector<AttachTarget>{
          target(module, function, offset.value_or(0))};
    }
    if (!kallsyms) {
      return ExpandError{ExpandError::Reason::Unavailable,
                         "cannot expand '" + text +
                             "': " + error_text(kallsyms.takeError()),
                         std::nullopt};
    }
    std::vector<AttachTarget> targets;
    std::set<std::string> seen;
    for (const KernelSymbol& symbol : (*kallsyms)->symbols()) {
      if (!probeable(symbol) || !glob_match(function, symbol.name)) {
        continue;
      }
      std::string symbol_module(symbol.module);
      if (!module.empty() && !glob_match(module, symbol_module)) {
        continue;
      }
      // A module given by a pattern is kept in the name; vmlinux
      // functions are named without one, as bpftrace does.
      std::string kept = module.empty() ? "" : symbol_module;
      std::string key = kept + ":" + std::string(symbol.name);
      if (seen.insert(key).second) {
        targets.push_back(target(kept, std::string(symbol.name), 0));
      }
    }
    if (targets.empty()) {
      return ExpandError{ExpandError::Reason::NoMatch,
                         "no kernel function matches '" + text + "'",
                         std::nullopt};
    }
    return targets;
  }

  Result<std::vector<std::string>> list() const override {
    Result<const Kallsyms*> kallsyms = Kallsyms::system();
    if (!kallsyms) {
      return kallsyms.takeError();
    }
    std::set<std::string> names;
    for (const KernelSymbol& symbol : (*kallsyms)->symbols()) {
      if (!probeable(symbol)) {
        continue;
      }
      std::string name = provider() + ":";
      if (!symbol.module.empty()) {
        name += std::string(symbol.module) + ":";
      }
      names.insert(name + std::string(symbol.name));
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  ProgramType program_type() const override { return ProgramType::Kprobe; }

  KernelSupport kernel_support() const override {
    const FeatureStatus& kprobes = kernel_feature(KernelFeature::Kprobes);
    if (kprobes.available) {
      return {};
    }
    return {KernelSupport::Level::LoadOnly,
            "kprobes are not available: " + kprobes.reason};
  }

  std::string section_name(const AttachTarget& target) const override {
    return provider() + "/" + target.target.back();
  }

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    KernelSupport support = kernel_support();
    if (support.level != KernelSupport::Level::Full) {
      return make_error(support.reason);
    }
    std::string name = target.target.size() == 2
                           ? target.target[0] + ":" + target.target[1]
                           : target.target.back();
    LIBBPF_OPTS(bpf_kprobe_opts, options);
    options.retprobe = return_probe_;
    options.offset = target.file_offset;
    return single_attachment(
        bpf_program__attach_kprobe_opts(program, name.c_str(), &options));
  }

private:
  std::string provider() const {
    return return_probe_ ? "kretprobe" : "kprobe";
  }

  AttachTarget target(const std::string& module,
                      const std::string& function,
                      uint64_t offset) const {
    std::string full = provider() + ":";
    std::vector<std::string> parts;
    if (!module.empty()) {
      full += module + ":";
      parts.push_back(module);
    }
    full += function;
    if (offset != 0) {
      full += "+" + std::to_string(offset);
    }
    parts.push_back(function);
    AttachTarget target{kind(), std::move(full), std::move(parts), 0};
    target.file_offset = offset;
    return target;
  }

  static bool exists(const Kallsyms& kallsyms,
                     const std::string& module,
                     const std::string& function) {
    for (const KernelSymbol* symbol : kallsyms.find(function, module)) {
      if (probeable(*symbol)) {
        return true;
      }
    }
    return false;
  }

  // The closest function name; the error path only, so scanning every
  // symbol is fine.
  static std::optional<std::string> suggest(const Kallsyms& kallsyms,
                                            const std::string& function) {
    std::vector<std::string> names;
    for (const KernelSymbol& symbol : kallsyms.symbols()) {
      if (probeable(symbol) && symbol.name.size() + 3 > function.size() &&
          symbol.name.size() < function.size() + 3) {
        names.emplace_back(symbol.name);
      }
    }
    return closest_match(function, names);
  }

  bool return_probe_;
};

} // namespace

std::unique_ptr<ProbeType> make_kprobe_probe(bool return_probe) {
  return std::make_unique<KprobeProbe>(return_probe);
}

} // namespace sonde::probes
