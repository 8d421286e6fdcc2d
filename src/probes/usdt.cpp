// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/providers.h"
#include "probes/timer_period.h"
#include "probes/uprobe_multi.h"
#include "symbols/binary_paths.h"
#include "symbols/library_path.h"
#include "symbols/usdt_notes.h"

#include <bpf/libbpf.h>
#include <cerrno>

namespace sonde::probes {

namespace {

using symbols::BinaryPath;
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
    // The assembler writes an immediate of a narrow type as a signed
    // number of that width (`4@$-202182160` for 4092785136u): keep its
    // bits and extend them by the argument's own signedness.
    out.kind = UsdtArgument::Kind::Constant;
    out.value = arg.constant;
    if (arg.size < 8) {
      uint64_t bits = static_cast<uint64_t>(arg.constant) &
                      ((uint64_t{1} << (arg.size * 8)) - 1);
      uint64_t sign = uint64_t{1} << (arg.size * 8 - 1);
      out.value = static_cast<int64_t>(arg.is_signed && (bits & sign) != 0
                                           ? bits | ~((sign << 1) - 1)
                                           : bits);
    }
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
    // usdt:BIN:PROVIDER:PROBE and usdt:BIN:PROBE; with -p also usdt:PROBE.
    // BIN may be a glob, or `*` or empty for every object of the -p
    // process, or of every process without one; an empty PROVIDER means
    // any.
    if (parts.size() != 3 && parts.size() != 4 &&
        !(parts.size() == 2 && context.pid > 0)) {
      return invalid_attach_point(
          "expected usdt:BINARY:PROVIDER:PROBE or usdt:BINARY:PROBE");
    }
    std::string binary = parts.size() == 2 ? "*" : parts[1];
    std::string provider =
        parts.size() == 4 && !parts[2].empty() ? parts[2] : "*";
    const std::string& name = parts.back();
    Result<std::vector<BinaryPath>> binaries =
        symbols::expand_binaries(binary, context.pid, /*all_processes=*/true);
    if (!binaries) {
      return ExpandError{ExpandError::Reason::NotFound,
                         error_text(binaries.takeError()), std::nullopt};
    }
    bool one_file = binaries->size() == 1 && !symbols::is_any_binary(binary);
    std::string where =
        one_file ? binaries->front().path
        : symbols::is_any_binary(binary)
            ? (context.pid > 0 ? "process " + std::to_string(context.pid)
                               : std::string("any process"))
            : "the files matching '" + binary + "'";
    std::vector<AttachTarget> targets;
    std::vector<std::string> names;
    for (const BinaryPath& file : *binaries) {
      auto probes = symbols::usdt_probes(file.open_path);
      if (!probes) {
        if (one_file) {
          return ExpandError{ExpandError::Reason::Invalid,
                             error_text(probes.takeError()), std::nullopt};
        }
        // An object that vanished or cannot be parsed has no probes to
        // offer; the others still count.
        llvm::consumeError(probes.takeError());
        continue;
      }
      for (const UsdtProbe& probe : **probes) {
        names.push_back(probe.provider + ":" + probe.name);
        if (!glob_match(provider, probe.provider) ||
            !glob_match(name, probe.name)) {
          continue;
        }
        // Named as the process sees the file, attached through the path
        // sonde opened.
        AttachTarget target{ProbeKind::Usdt,
                            "usdt:" + file.path + ":" + probe.provider + ":" +
                                probe.name,
                            {file.open_path, probe.provider, probe.name},
                            0};
        target.file_offset = probe.offset;
        target.semaphore_offset = probe.semaphore_offset;
        target.pid = context.pid > 0 ? context.pid : -1;
        for (const UsdtArg& arg : probe.args) {
          target.usdt_arguments.push_back(convert(arg));
        }
        targets.push_back(std::move(target));
      }
    }
    if (!targets.empty()) {
      return targets;
    }
    bool wildcard = has_wildcard(provider + name);
    if ((wildcard && provider == "*") || !one_file) {
      return ExpandError{ExpandError::Reason::NoMatch,
                         "no USDT probe of " + where + " matches '" +
                             (provider == "*" ? name : provider + ":" + name) +
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

  void prepare(bpf_program* program,
               const std::vector<AttachTarget>& targets) const override {
    prepare_uprobe_multi(program, targets);
  }

  Result<std::vector<Attachment>>
  attach_all(bpf_program* program,
             const std::vector<AttachTarget>& targets) const override {
    return attach_uprobe_sites(
        program, targets, /*return_probe=*/false,
        [&](const AttachTarget& target) { return attach(program, target); });
  }

  bool runs_newest_first() const override { return true; }
};

} // namespace

std::unique_ptr<ProbeType> make_usdt_probe() {
  return std::make_unique<UsdtProbeType>();
}

} // namespace sonde::probes
