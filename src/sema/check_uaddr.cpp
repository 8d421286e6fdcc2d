// SPDX-License-Identifier: Apache-2.0
// uaddr("sym"): a symbol of the probed binary, as a pointer whose pointee
// width is the symbol's size.
#include "sema/type_checker.h"
#include "symbols/elf_symbols.h"

namespace sonde::sema {

Type TypeChecker::check_uaddr(const ast::Call& call) {
  std::optional<std::string> name = string_argument(call, 0);
  if (!name) {
    return Type::none();
  }
  // target[0] of a user-space probe is its binary. Return probes are
  // refused (bpftrace allows uretprobes).
  if (!all_targets_have([](const probes::ProbeTraits& kind) {
        return kind.space == types::AddressSpace::User &&
               kind.retval == probes::RetvalSource::None;
      })) {
    error(diag::Kind::UaddrOutsideUserProbe, call.callee_range,
          {current_kind()});
    return Type::none();
  }
  const probes::AttachTarget& target = targets_->front();
  const std::string& path = target.target.at(0);
  Result<std::shared_ptr<const symbols::ElfFile>> elf =
      symbols::ElfFile::open(path);
  const symbols::ElfSymbol* symbol = nullptr;
  if (elf) {
    // A data symbol first (what uaddr is for), else a function.
    for (const symbols::ElfSymbol* found :
         (*elf)->lookup(*name, symbols::NameForm::Raw, false)) {
      if (symbol == nullptr ||
          (!symbols::is_function(*found) && symbols::is_function(*symbol))) {
        symbol = found;
      }
    }
  } else {
    llvm::consumeError(elf.takeError());
  }
  if (symbol == nullptr) {
    auto report = diagnostic(diag::Kind::UnknownUserSymbol,
                             call.args[0]->range(), {*name, path});
    if (elf) {
      std::vector<std::string> names;
      for (const symbols::ElfSymbol& each : (*elf)->symbols()) {
        names.emplace_back(each.name);
      }
      if (auto close = closest_match(*name, names)) {
        report.hint(diag::Kind::DidYouMean, {*close});
      }
    }
    report.emit();
    return Type::none();
  }
  uint64_t size = symbol->size;
  Type pointee = size == 1 || size == 2 || size == 4 || size == 8
                     ? Type::integer(static_cast<uint32_t>(size), false)
                     : Type::integer(1, false);
  uint64_t value = symbol->address;
  if ((*elf)->kind() != symbols::ElfKind::Executable) {
    // Loaded at a random base: the constant is relative to the probed
    // instruction, whose link-time address is the same for every target
    // only when there is one.
    if (targets_->size() > 1) {
      error(diag::Kind::UaddrSeveralTargets, call.range(), {path});
      return Type::none();
    }
    std::optional<uint64_t> probed =
        (*elf)->layout().vaddr_of_offset(target.file_offset);
    if (!probed) {
      error(diag::Kind::UnknownUserSymbol, call.args[0]->range(),
            {*name, path});
      return Type::none();
    }
    value = symbol->address - *probed;
    if (reporting_) {
      checked_.load_relative.insert(&call);
    }
  }
  if (reporting_) {
    checked_.constants[&call] = value;
  }
  return Type::pointer(pointee, types::AddressSpace::User);
}

} // namespace sonde::sema
