// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/providers.h"
#include "probes/timer_period.h"
#include "probes/uprobe_multi.h"
#include "symbols/binary_paths.h"
#include "symbols/dwarf_types.h"
#include "symbols/elf_symbols.h"
#include "symbols/library_path.h"

#include <bpf/libbpf.h>
#include <cerrno>
#include <map>

namespace sonde::probes {

namespace {

using symbols::BinaryPath;
using symbols::DwarfFunction;
using symbols::DwarfParameter;
using symbols::ElfFile;
using symbols::ElfSymbol;
using symbols::ParameterPassing;

// Why `args` cannot read a parameter, as a clause.
std::string unreadable_reason(const DwarfParameter& parameter) {
  switch (parameter.passing) {
  case ParameterPassing::FloatRegisters:
    return "it is passed in a floating-point register, which a uprobe "
           "cannot read";
  case ParameterPassing::Mixed:
    return "it is passed partly in a floating-point register, which a "
           "uprobe cannot read";
  case ParameterPassing::Stack:
    return "it is passed on the stack (" +
           std::to_string(parameter.type.size()) + " bytes at reg(\"sp\") + " +
           std::to_string(parameter.stack_offset) + " at function entry)";
  case ParameterPassing::Registers:
  case ParameterPassing::Reference:
    break;
  }
  return {};
}

// The record of the parameters held in registers, at natural offsets.
RegisterArgs register_record(const std::string& name,
                             const DwarfFunction& function) {
  RegisterArgs args;
  std::vector<types::Field> fields;
  uint32_t offset = 0;
  uint32_t alignment = 1;
  for (const DwarfParameter& parameter : function.parameters) {
    if (parameter.name.empty()) {
      continue;
    }
    std::string reason = unreadable_reason(parameter);
    if (!reason.empty()) {
      args.unreadable.emplace_back(parameter.name, std::move(reason));
      continue;
    }
    if (parameter.type.is_none()) {
      args.unreadable.emplace_back(parameter.name,
                                   "its type '" + parameter.c_type +
                                       "' has no value sonde can read");
      continue;
    }
    // A C++ object passed by invisible reference: the register holds its
    // address (`.` follows the pointer, so args.obj.x still reads).
    types::Type type =
        parameter.passing == ParameterPassing::Reference
            ? types::Type::pointer(parameter.type, types::AddressSpace::User)
            : parameter.type;
    uint32_t align = type.alignment();
    offset = (offset + align - 1) / align * align;
    alignment = std::max(alignment, align);
    types::Field field;
    field.name = parameter.name;
    field.type = std::make_shared<const types::Type>(type);
    field.offset = offset;
    offset += type.size();
    fields.push_back(std::move(field));
    std::vector<uint8_t> registers;
    for (uint8_t i = 0; i < parameter.register_count; ++i) {
      registers.push_back(parameter.first_register + i);
    }
    args.registers.push_back(std::move(registers));
  }
  offset = (offset + alignment - 1) / alignment * alignment;
  args.record = types::Type::record(name, std::move(fields), offset);
  return args;
}

// A source line an attach point names: BIN@FILE:LINE[:COLUMN].
struct SourceLine {
  std::string binary;
  std::string file;
  uint32_t line = 0;
  // 0 for any column.
  uint32_t column = 0;
  // "@FILE:LINE[:COLUMN]", as probe names end.
  std::string spec;
};

std::optional<uint32_t> parse_number(const std::string& text) {
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(std::stoul(text));
}

// The source line of `uprobe:` parts after the provider, or none when
// they name a function.
std::optional<SourceLine>
parse_source_line(const std::vector<std::string>& rest) {
  if (rest.size() != 2 && rest.size() != 3) {
    return std::nullopt;
  }
  size_t at = rest[0].rfind('@');
  if (at == std::string::npos || at + 1 == rest[0].size()) {
    return std::nullopt;
  }
  std::optional<uint32_t> line = parse_number(rest[1]);
  std::optional<uint32_t> column =
      rest.size() == 3 ? parse_number(rest[2]) : std::optional<uint32_t>(0);
  if (!line || !column || *line == 0) {
    return std::nullopt;
  }
  SourceLine source;
  source.binary = rest[0].substr(0, at);
  source.file = rest[0].substr(at + 1);
  source.line = *line;
  source.column = *column;
  source.spec = "@" + source.file + ":" + rest[1];
  if (rest.size() == 3) {
    source.spec += ":" + rest[2];
  }
  return source;
}

std::optional<uint64_t> parse_address(const std::string& text) {
  char* end = nullptr;
  uint64_t address = std::strtoull(text.c_str(), &end, 16);
  if (end == text.c_str() || *end != '\0') {
    return std::nullopt;
  }
  return address;
}

// Among aliases at one address, the name a probe shows: a global's default
// version first, then weak, then local symbols.
int alias_rank(const ElfSymbol& symbol) {
  int rank = symbol.hidden_version ? 4 : 0;
  switch (symbol.binding) {
  case symbols::SymbolBinding::Global:
    return rank;
  case symbols::SymbolBinding::Weak:
    return rank + 1;
  case symbols::SymbolBinding::Local:
    return rank + 2;
  }
  return rank;
}

class UprobeProbe : public ProbeType {
public:
  explicit UprobeProbe(bool return_probe) : return_probe_(return_probe) {}

  ProbeKind kind() const override {
    return return_probe_ ? ProbeKind::Uretprobe : ProbeKind::Uprobe;
  }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext& context) const override {
    // uprobe:BIN:FN, uprobe:BIN:cpp:FN with the language named, and
    // uprobe:BIN@FILE:LINE[:COLUMN] for a source line.
    std::vector<std::string> rest(parts.begin() + 1, parts.end());
    std::vector<BinaryPath> binaries;
    // With -p, `uprobe:FN` probes the process's executable.
    if (rest.size() == 1 && context.pid > 0) {
      Result<BinaryPath> executable = symbols::process_executable(context.pid);
      if (!executable) {
        return ExpandError{ExpandError::Reason::NotFound,
                           error_text(executable.takeError()), std::nullopt};
      }
      rest.insert(rest.begin(), executable->path);
      binaries.push_back(std::move(*executable));
    }
    bool demangled = false;
    if (rest.size() == 3 && rest[1] == "cpp") {
      demangled = true;
      rest.erase(rest.begin() + 1);
    }
    std::optional<SourceLine> line = parse_source_line(rest);
    if (line && return_probe_) {
      return invalid_attach_point(
          "uretprobe takes a function, not a source line");
    }
    if (!line && (rest.size() != 2 || rest[1].empty())) {
      return invalid_attach_point("expected " + provider() +
                                  ":BINARY:FUNCTION or " + provider() +
                                  ":BINARY@FILE:LINE");
    }
    const std::string& name = line ? line->binary : rest[0];
    if (binaries.empty()) {
      Result<std::vector<BinaryPath>> found =
          symbols::expand_binaries(name, context.pid);
      if (!found) {
        return ExpandError{ExpandError::Reason::NotFound,
                           error_text(found.takeError()), std::nullopt};
      }
      binaries = std::move(*found);
    }
    // One file: its own errors and suggestions. Several (a glob, every
    // object of a process): those that have the function.
    std::vector<AttachTarget> targets;
    std::optional<ExpandError> only_error;
    for (const BinaryPath& binary : binaries) {
      ExpandResult one = line ? expand_line(binary, *line)
                              : expand_in(binary, rest[1], demangled, context);
      if (auto* error = std::get_if<ExpandError>(&one)) {
        if (binaries.size() == 1) {
          only_error = std::move(*error);
        }
        continue;
      }
      for (AttachTarget& target : std::get<std::vector<AttachTarget>>(one)) {
        target.pid = context.pid > 0 ? context.pid : -1;
        targets.push_back(std::move(target));
      }
    }
    if (only_error) {
      return std::move(*only_error);
    }
    if (targets.empty()) {
      std::string where = symbols::is_any_binary(name)
                              ? "process " + std::to_string(context.pid)
                              : "the files matching '" + name + "'";
      return ExpandError{ExpandError::Reason::NoMatch,
                         "no object of " + where + " has '" +
                             (line ? line->spec : rest[1]) + "'",
                         std::nullopt};
    }
    return targets;
  }

  ProgramType program_type() const override { return ProgramType::Kprobe; }

  std::string section_name(const AttachTarget&) const override {
    return return_probe_ ? "uretprobe" : "uprobe";
  }

  Result<RegisterArgs>
  register_args(const AttachTarget& target) const override {
    Result<const DwarfFunction*> function = dwarf_function(target);
    if (!function) {
      return function.takeError();
    }
    return register_record(target.full_name + " args", **function);
  }

  Result<types::Type> args_type(const AttachTarget& target) const override {
    Result<RegisterArgs> args = register_args(target);
    if (!args) {
      return args.takeError();
    }
    return std::move(args->record);
  }

  // Every parameter as C spells it, readable or not, but with the '*' of
  // a pointer against its type as bpftrace writes it: `const char* name`.
  Result<std::vector<std::string>>
  arg_declarations(const AttachTarget& target) const override {
    Result<const DwarfFunction*> function = dwarf_function(target);
    if (!function) {
      return function.takeError();
    }
    std::vector<std::string> declarations;
    for (const DwarfParameter& parameter : (*function)->parameters) {
      std::string type = parameter.c_type;
      const size_t stars = type.find_last_not_of('*');
      if (stars != std::string::npos && stars + 1 < type.size() &&
          type[stars] == ' ') {
        type.erase(stars, 1);
      }
      declarations.push_back(type + " " + parameter.name);
    }
    if ((*function)->variadic) {
      declarations.push_back("...");
    }
    return declarations;
  }

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    return single_attachment(bpf_program__attach_uprobe(
        program, return_probe_, target.pid, target.target.at(0).c_str(),
        target.file_offset));
  }

  // Wildcards attach through one uprobe_multi link per file (COMPAT 46).
  void prepare(bpf_program* program,
               const std::vector<AttachTarget>& targets) const override {
    prepare_uprobe_multi(program, targets);
  }

  Result<std::vector<Attachment>>
  attach_all(bpf_program* program,
             const std::vector<AttachTarget>& targets) const override {
    return attach_uprobe_sites(
        program, targets, return_probe_,
        [&](const AttachTarget& target) { return attach(program, target); });
  }

  bool runs_newest_first() const override { return true; }

private:
  // The DWARF of the function a target enters, read once per target.
  Result<const DwarfFunction*>
  dwarf_function(const AttachTarget& target) const {
    auto cached = functions_.find(target.full_name);
    if (cached == functions_.end()) {
      Result<DwarfFunction> read = read_function(target);
      std::variant<DwarfFunction, std::string> entry;
      if (read) {
        entry = std::move(*read);
      } else {
        entry = error_text(read.takeError());
      }
      cached = functions_.emplace(target.full_name, std::move(entry)).first;
    }
    if (const auto* failed = std::get_if<std::string>(&cached->second)) {
      return make_error(*failed);
    }
    return &std::get<DwarfFunction>(cached->second);
  }

  Result<DwarfFunction> read_function(const AttachTarget& target) const {
    if (return_probe_) {
      return make_error("a function's parameters are gone when it returns");
    }
    const std::string& path = target.target.at(0);
    const std::string& name = target.target.at(1);
    if (name.rfind("0x", 0) == 0) {
      return make_error("'" + name + "' is an address, not a function");
    }
    if (name.starts_with('@')) {
      return make_error("'" + name.substr(1) +
                        "' is a source line, not a function's entry");
    }
    Result<std::shared_ptr<const ElfFile>> elf = ElfFile::open(path);
    if (!elf) {
      return elf.takeError();
    }
    const ElfSymbol* symbol =
        (*elf)->find_function(name, name.find("::") != std::string::npos
                                        ? symbols::NameForm::Demangled
                                        : symbols::NameForm::Raw);
    if (symbol == nullptr) {
      return make_error("no function '" + name + "' in " + path);
    }
    Result<uint64_t> entry = (*elf)->file_offset(*symbol);
    if (!entry) {
      return entry.takeError();
    }
    if (*entry != target.file_offset) {
      return make_error("parameters are only known at a function's entry, "
                        "not at an offset into it");
    }
    Result<std::shared_ptr<symbols::DwarfFile>> dwarf =
        symbols::DwarfFile::open(path, (*elf)->debug_file());
    if (!dwarf) {
      return dwarf.takeError();
    }
    return (*dwarf)->function(symbol->name, symbol->address);
  }

  // The targets of FUNCTION in one file.
  ExpandResult expand_in(const BinaryPath& binary,
                         const std::string& function,
                         bool demangled,
                         const ExpandContext& context) const {
    if (!symbols::has_elf_magic(binary.open_path)) {
      return expand_flat(binary, function, context);
    }
    Result<std::shared_ptr<const ElfFile>> elf =
        ElfFile::open(binary.open_path);
    if (!elf) {
      return ExpandError{ExpandError::Reason::Invalid,
                         error_text(elf.takeError()), std::nullopt};
    }
    if (function.rfind("0x", 0) == 0) {
      return expand_address(binary, **elf, function);
    }
    if (has_wildcard(function)) {
      return expand_pattern(binary, **elf, function, demangled, context);
    }
    auto [name, offset] = split_offset(function);
    if (offset && return_probe_) {
      return invalid_attach_point("uretprobe takes no offset: it fires when "
                                  "the function returns");
    }
    const ElfSymbol* symbol = (*elf)->find_function(
        name, demangled || name.find("::") != std::string::npos
                  ? symbols::NameForm::Demangled
                  : symbols::NameForm::Raw);
    if (symbol == nullptr) {
      return ExpandError{ExpandError::Reason::NotFound,
                         "no function '" + name + "' in " + binary.path,
                         closest_match(name, (*elf)->function_names())};
    }
    // Without a size sonde cannot tell where the function ends, so an
    // offset, or even its first instruction, may not be code.
    if (symbol->size == 0 && !context.unsafe) {
      return invalid_attach_point(
          "'" + name + "' in " + binary.path +
          " has size 0, so sonde cannot check that the probe is on an "
          "instruction of it; --unsafe probes it anyway");
    }
    return make_target(binary, **elf, *symbol, name, offset.value_or(0),
                       context.unsafe);
  }

  // A file that is not ELF (a flat binary, a JIT dump): only an address,
  // taken as a file offset, and only with --unsafe.
  ExpandResult expand_flat(const BinaryPath& binary,
                           const std::string& function,
                           const ExpandContext& context) const {
    if (function.rfind("0x", 0) != 0) {
      return ExpandError{ExpandError::Reason::Invalid,
                         binary.path + " is not an ELF file: it has no "
                                       "functions, only addresses (with "
                                       "--unsafe)",
                         std::nullopt};
    }
    if (!context.unsafe) {
      return ExpandError{ExpandError::Reason::Invalid,
                         binary.path +
                             " is not an ELF file, so sonde "
                             "cannot check that " +
                             function +
                             " is an instruction; --unsafe probes it anyway",
                         std::nullopt};
    }
    std::optional<uint64_t> address = parse_address(function);
    if (!address) {
      return invalid_attach_point("'" + function + "' is not an address");
    }
    AttachTarget target{kind(),
                        provider() + ":" + binary.path + ":" + function,
                        {binary.open_path, function},
                        0};
    target.file_offset = *address;
    return std::vector<AttachTarget>{std::move(target)};
  }

  std::string provider() const {
    return return_probe_ ? "uretprobe" : "uprobe";
  }

  ExpandResult make_target(const BinaryPath& binary,
                           const ElfFile& elf,
                           const ElfSymbol& symbol,
                           const std::string& name,
                           uint64_t offset,
                           bool unsafe) const {
    Result<uint64_t> file_offset =
        symbol.size == 0 && unsafe ? elf.file_offset(symbol.address + offset)
                                   : elf.file_offset(symbol, offset);
    if (!file_offset) {
      return invalid_attach_point(error_text(file_offset.takeError()));
    }
    std::string full = provider() + ":" + binary.path + ":" + name;
    if (offset != 0) {
      full += "+" + std::to_string(offset);
    }
    AttachTarget target{kind(), std::move(full), {binary.open_path, name}, 0};
    target.file_offset = *file_offset;
    return std::vector<AttachTarget>{std::move(target)};
  }

  ExpandResult expand_address(const BinaryPath& binary,
                              const ElfFile& elf,
                              const std::string& text) const {
    std::optional<uint64_t> address = parse_address(text);
    if (!address) {
      return invalid_attach_point("'" + text + "' is not an address");
    }
    Result<uint64_t> file_offset = elf.file_offset(*address);
    if (!file_offset) {
      return invalid_attach_point(error_text(file_offset.takeError()));
    }
    AttachTarget target{kind(),
                        provider() + ":" + binary.path + ":" + text,
                        {binary.open_path, text},
                        0};
    target.file_offset = *file_offset;
    return std::vector<AttachTarget>{std::move(target)};
  }

  // Functions matching a glob. Aliases of one function (`nanosleep`,
  // `__nanosleep`, versioned copies) share its address and would fire
  // together, so each address is probed once, under its best name; symbols
  // of size 0 are left out unless --unsafe.
  ExpandResult expand_pattern(const BinaryPath& binary,
                              const ElfFile& elf,
                              const std::string& pattern,
                              bool demangled,
                              const ExpandContext& context) const {
    std::map<uint64_t, const ElfSymbol*> by_address;
    std::vector<const ElfSymbol*> chosen;
    for (const ElfSymbol* symbol : elf.match(pattern)) {
      if (context.listing) {
        chosen.push_back(symbol);
        continue;
      }
      if (symbol->size == 0 && !context.unsafe) {
        continue;
      }
      const ElfSymbol*& best = by_address[symbol->address];
      if (best == nullptr || alias_rank(*symbol) < alias_rank(*best)) {
        best = symbol;
      }
    }
    for (const auto& [address, symbol] : by_address) {
      chosen.push_back(symbol);
    }
    std::vector<AttachTarget> targets;
    for (const ElfSymbol* symbol : chosen) {
      std::string name(demangled ? elf.display_name(*symbol) : symbol->name);
      ExpandResult one = make_target(binary, elf, *symbol, name, 0,
                                     context.unsafe || context.listing);
      if (auto* found = std::get_if<std::vector<AttachTarget>>(&one)) {
        targets.push_back(std::move(found->front()));
      }
    }
    if (targets.empty()) {
      return ExpandError{ExpandError::Reason::NoMatch,
                         "no function of " + binary.path + " matches '" +
                             pattern + "'",
                         std::nullopt};
    }
    return targets;
  }

  // The statements of a source line (COMPAT 15): one probe per function
  // that has code for it, at the line's first instruction there.
  ExpandResult expand_line(const BinaryPath& binary,
                           const SourceLine& line) const {
    Result<std::shared_ptr<const ElfFile>> elf =
        ElfFile::open(binary.open_path);
    if (!elf) {
      return ExpandError{ExpandError::Reason::Invalid,
                         error_text(elf.takeError()), std::nullopt};
    }
    Result<std::shared_ptr<symbols::DwarfFile>> dwarf =
        symbols::DwarfFile::open(binary.open_path, (*elf)->debug_file());
    if (!dwarf) {
      return ExpandError{ExpandError::Reason::NotFound,
                         "a source line needs DWARF: " +
                             error_text(dwarf.takeError()),
                         std::nullopt};
    }
    Result<std::vector<uint64_t>> addresses =
        (*dwarf)->line_addresses(line.file, line.line, line.column);
    if (!addresses) {
      return ExpandError{ExpandError::Reason::NotFound,
                         error_text(addresses.takeError()), std::nullopt};
    }
    // The lowest address of each function: a line such as a `for` header
    // has several statements, and the first is where it starts.
    std::map<uint64_t, uint64_t> first_by_function;
    for (uint64_t address : *addresses) {
      std::optional<symbols::SymbolHit> hit = (*elf)->function_at(address);
      uint64_t function = hit ? hit->symbol->address : address;
      auto [slot, added] = first_by_function.try_emplace(function, address);
      if (!added) {
        slot->second = std::min(slot->second, address);
      }
    }
    std::vector<AttachTarget> targets;
    for (const auto& [function, address] : first_by_function) {
      Result<uint64_t> file_offset = (*elf)->file_offset(address);
      if (!file_offset) {
        return invalid_attach_point(error_text(file_offset.takeError()));
      }
      AttachTarget target{kind(),
                          provider() + ":" + binary.path + line.spec,
                          {binary.open_path, line.spec},
                          0};
      target.file_offset = *file_offset;
      targets.push_back(std::move(target));
    }
    return targets;
  }

  bool return_probe_;
  // Target name -> its function's DWARF, or why there is none.
  mutable std::map<std::string, std::variant<DwarfFunction, std::string>>
      functions_;
};

} // namespace

std::unique_ptr<ProbeType> make_uprobe_probe(bool return_probe) {
  return std::make_unique<UprobeProbe>(return_probe);
}

} // namespace sonde::probes
