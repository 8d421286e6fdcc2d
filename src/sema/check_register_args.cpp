// SPDX-License-Identifier: Apache-2.0
// `args` of uprobes: the probed function's parameters, typed from the
// program's DWARF and read from the argument registers at its entry.
#include "sema/type_checker.h"

namespace sonde::sema {

bool TypeChecker::uprobe_targets() const {
  return all_targets_have([](const probes::ProbeTraits& kind) {
    return kind.args == probes::ArgsRecord::Dwarf;
  });
}

bool TypeChecker::load_register_args(SourceRange range) {
  if (register_args_loaded_) {
    return !args_records_.empty();
  }
  register_args_loaded_ = true;
  // The argument registers hold the parameters only at the entry.
  if (!all_targets_have([](const probes::ProbeTraits& kind) {
        return kind.retval == probes::RetvalSource::None;
      })) {
    diagnostic(diag::Kind::ArgsInReturnProbe, range, {})
        .hint(diag::Kind::ArgsSaveAtEntry, {})
        .emit();
    return false;
  }
  std::vector<std::pair<std::string, Type>> records;
  for (const probes::AttachTarget& target : *targets_) {
    Result<probes::RegisterArgs> args =
        catalog_.get(target.kind).register_args(target);
    if (!args) {
      std::string reason = error_text(args.takeError());
      // Without debug information the fix is to build with it; other
      // failures (an offset into the function, an address) have none.
      if (reason.find("DWARF") != std::string::npos) {
        diagnostic(diag::Kind::ArgsNeedDebugInfo, range,
                   {target.full_name, reason})
            .hint(diag::Kind::CompileWithDebugInfo, {target.target.at(0)})
            .emit();
      } else {
        error(diag::Kind::ArgsUnavailable, range, {target.full_name, reason});
      }
      return false;
    }
    records.emplace_back(target.full_name, std::move(args->record));
    unreadable_args_[target.full_name] = std::move(args->unreadable);
  }
  args_records_ = std::move(records);
  return true;
}

bool TypeChecker::report_unreadable_argument(const ast::FieldAccess& access) {
  const auto* builtin = ast::dyn_cast<ast::Builtin>(access.base);
  if (builtin == nullptr || builtin->name != "args" ||
      unreadable_args_.empty()) {
    return false;
  }
  for (const auto& [target, unreadable] : unreadable_args_) {
    for (const auto& [name, reason] : unreadable) {
      if (name == access.field) {
        error(diag::Kind::ArgumentNotInRegister, access.field_range,
              {name, target, reason});
        return true;
      }
    }
  }
  return false;
}

} // namespace sonde::sema
