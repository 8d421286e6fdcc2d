// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/providers.h"
#include "probes/timer_period.h"
#include "symbols/library_path.h"
#include "symbols/usdt_notes.h"

#include <bpf/libbpf.h>
#include <cerrno>

namespace sonde::probes {

namespace {

using symbols::UsdtArg;
using symbols::UsdtArgKind;
using symbols::UsdtProbe;

UsdtArgument convert(const UsdtArg& arg) {
  UsdtArgument out;
  out.size = arg.size;
  out.is_signed = arg.is_signed;
  out.spec = arg.spec;
  switch (arg.kind) {
  case UsdtArgKind::Constant:
    out.kind = UsdtArgument::Kind::Constant;
    out.value = arg.constant;
    return out;
  case UsdtArgKind::Register:
    out.kind = UsdtArgument::Kind::Register;
    out.base_offset = arg.base->pt_regs_offset;
    out.shift = arg.base->shift;
    return out;
  case UsdtArgKind::Memory:
    if (!arg.base) {
      break;
    }
    out.kind = UsdtArgument::Kind::Memory;
    out.value = arg.offset;
    out.base_offset = arg.base->pt_regs_offset;
    if (arg.index) {
      out.has_index = true;
      out.index_offset = arg.index->pt_regs_offset;
      out.scale = arg.scale;
    }
    return out;
  case UsdtArgKind::Symbol:
    break;
  }
  // Addresses of globals (rip-relative) need the load address of the
  // object in each process.
  out.kind = UsdtArgument::Kind::Unsupported;
  return out;
}

class UsdtProbeType : public ProbeType {
public:
  ProbeKind kind() const override { return ProbeKind::Usdt; }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext& context) const override {
    // usdt:BIN:PROVIDER:PROBE, usdt:BIN:PROBE, and with -p usdt:PROBE (every
    // object of the process); BIN `*` with -p also means every object.
    bool whole_process =
        context.pid > 0 &&
        (parts.size() == 2 || (parts.size() > 2 && parts[1] == "*"));
    if (parts.size() != 3 && parts.size() != 4 &&
        !(parts.size() == 2 && context.pid > 0)) {
      return invalid_attach_point(
          "expected usdt:BINARY:PROVIDER:PROBE or usdt:BINARY:PROBE");
    }
    std::string provider = parts.size() == 4 ? parts[2] : "*";
    const std::string& name = parts.back();
    std::string where;
    std::vector<UsdtProbe> process_probes;
    std::shared_ptr<const std::vector<UsdtProbe>> file_probes;
    if (whole_process) {
      auto probes = symbols::usdt_probes_of_process(context.pid);
      if (!probes) {
        return ExpandError{ExpandError::Reason::Invalid,
                           error_text(probes.takeError()), std::nullopt};
      }
      process_probes = std::move(*probes);
      where = "process " + std::to_string(context.pid);
    } else {
      Result<std::string> path = symbols::resolve_binary(parts[1], context.pid);
      if (!path) {
        return ExpandError{ExpandError::Reason::NotFound,
                           error_text(path.takeError()), std::nullopt};
      }
      auto probes = symbols::usdt_probes(*path);
      if (!probes) {
        return ExpandError{ExpandError::Reason::Invalid,
                           error_text(probes.takeError()), std::nullopt};
      }
      file_probes = std::move(*probes);
      where = *path;
    }
    const std::vector<UsdtProbe>& all =
        whole_process ? process_probes : *file_probes;
    std::vector<AttachTarget> targets;
    std::vector<std::string> names;
    for (const UsdtProbe& probe : all) {
      names.push_back(probe.provider + ":" + probe.name);
      if (!glob_match(provider, probe.provider) ||
          !glob_match(name, probe.name)) {
        continue;
      }
      AttachTarget target{ProbeKind::Usdt,
                          "usdt:" + probe.path + ":" + probe.provider + ":" +
                              probe.name,
                          {probe.path, probe.provider, probe.name},
                          0};
      target.file_offset = probe.offset;
      target.semaphore_offset = probe.semaphore_offset;
      target.pid = context.pid > 0 ? context.pid : -1;
      for (const UsdtArg& arg : probe.args) {
        target.usdt_arguments.push_back(convert(arg));
      }
      targets.push_back(std::move(target));
    }
    if (!targets.empty()) {
      return targets;
    }
    bool wildcard = has_wildcard(provider + name);
    if (wildcard && provider == "*") {
      return ExpandError{ExpandError::Reason::NoMatch,
                         "no USDT probe of " + where + " matches '" + name +
                             "'",
                         std::nullopt};
    }
    return ExpandError{ExpandError::Reason::NotFound,
                       "no USDT probe '" + provider + ":" + name + "' in " +
                           where,
                       closest_match(provider + ":" + name, names)};
  }

  Result<std::vector<std::string>>
  arg_declarations(const AttachTarget& target) const override {
    std::vector<std::string> lines;
    for (size_t i = 0; i < target.usdt_arguments.size(); ++i) {
      const UsdtArgument& argument = target.usdt_arguments[i];
      lines.push_back(std::string(argument.is_signed ? "int" : "uint") +
                      std::to_string(argument.size * 8) + "_t arg" +
                      std::to_string(i));
    }
    return lines;
  }

  ProgramType program_type() const override { return ProgramType::Kprobe; }

  // USDT probes are uprobes at the note's address; their arguments are
  // decoded by sonde's codegen, not libbpf's usdt support.
  std::string section_name(const AttachTarget&) const override {
    return "uprobe";
  }

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    LIBBPF_OPTS(bpf_uprobe_opts, options);
    options.ref_ctr_offset = target.semaphore_offset;
    return single_attachment(bpf_program__attach_uprobe_opts(
        program, target.pid, target.target.at(0).c_str(), target.file_offset,
        &options));
  }
};

} // namespace

std::unique_ptr<ProbeType> make_usdt_probe() {
  return std::make_unique<UsdtProbeType>();
}

} // namespace sonde::probes
