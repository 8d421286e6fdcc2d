// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/providers.h"
#include "probes/timer_period.h"
#include "symbols/dwarf_types.h"
#include "symbols/elf_symbols.h"
#include "symbols/library_path.h"

#include <bpf/libbpf.h>
#include <cerrno>
#include <map>

namespace sonde::probes {

namespace {

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

class UprobeProbe : public ProbeType {
public:
  explicit UprobeProbe(bool return_probe) : return_probe_(return_probe) {}

  ProbeKind kind() const override {
    return return_probe_ ? ProbeKind::Uretprobe : ProbeKind::Uprobe;
  }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext& context) const override {
    // uprobe:BIN:FN, or uprobe:BIN:cpp:FN with the language named.
    std::vector<std::string> rest(parts.begin() + 1, parts.end());
    // With -p, `uprobe:FN` probes the process's executable.
    if (rest.size() == 1 && context.pid > 0) {
      rest.insert(rest.begin(),
                  "/proc/" + std::to_string(context.pid) + "/exe");
    }
    bool demangled = false;
    if (rest.size() == 3 && rest[1] == "cpp") {
      demangled = true;
      rest.erase(rest.begin() + 1);
    }
    if (rest.size() != 2 || rest[0].empty() || rest[1].empty()) {
      return invalid_attach_point("expected " + provider() +
                                  ":BINARY:FUNCTION");
    }
    Result<std::string> path = symbols::resolve_binary(rest[0], context.pid);
    if (!path) {
      return ExpandError{ExpandError::Reason::NotFound,
                         error_text(path.takeError()), std::nullopt};
    }
    Result<std::shared_ptr<const ElfFile>> elf = ElfFile::open(*path);
    if (!elf) {
      return ExpandError{ExpandError::Reason::Invalid,
                         error_text(elf.takeError()), std::nullopt};
    }
    const std::string& function = rest[1];
    ExpandResult result = expand_function(*path, **elf, function, demangled);
    if (auto* targets = std::get_if<std::vector<AttachTarget>>(&result)) {
      for (AttachTarget& target : *targets) {
        target.pid = context.pid > 0 ? context.pid : -1;
      }
    }
    return result;
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

  ExpandResult expand_function(const std::string& path,
                               const ElfFile& elf,
                               const std::string& function,
                               bool demangled) const {
    if (function.rfind("0x", 0) == 0) {
      return expand_address(path, elf, function);
    }
    if (has_wildcard(function)) {
      return expand_pattern(path, elf, function, demangled);
    }
    auto [name, offset] = split_offset(function);
    if (offset && return_probe_) {
      return invalid_attach_point("uretprobe takes no offset: it fires when "
                                  "the function returns");
    }
    const ElfSymbol* symbol = elf.find_function(
        name, demangled || name.find("::") != std::string::npos
                  ? symbols::NameForm::Demangled
                  : symbols::NameForm::Raw);
    if (symbol == nullptr) {
      return ExpandError{ExpandError::Reason::NotFound,
                         "no function '" + name + "' in " + path,
                         closest_match(name, elf.function_names())};
    }
    return make_target(path, elf, *symbol, name, offset.value_or(0));
  }

  std::string provider() const {
    return return_probe_ ? "uretprobe" : "uprobe";
  }

  ExpandResult make_target(const std::string& path,
                           const ElfFile& elf,
                           const ElfSymbol& symbol,
                           const std::string& name,
                           uint64_t offset) const {
    Result<uint64_t> file_offset = elf.file_offset(symbol, offset);
    if (!file_offset) {
      return invalid_attach_point(error_text(file_offset.takeError()));
    }
    std::string full = provider() + ":" + path + ":" + name;
    if (offset != 0) {
      full += "+" + std::to_string(offset);
    }
    AttachTarget target{kind(), std::move(full), {path, name}, 0};
    target.file_offset = *file_offset;
    return std::vector<AttachTarget>{std::move(target)};
  }

  ExpandResult expand_address(const std::string& path,
                              const ElfFile& elf,
                              const std::string& text) const {
    char* end = nullptr;
    uint64_t address = std::strtoull(text.c_str(), &end, 16);
    if (*end != '\0') {
      return invalid_attach_point("'" + text + "' is not an address");
    }
    Result<uint64_t> file_offset = elf.file_offset(address);
    if (!file_offset) {
      return invalid_attach_point(error_text(file_offset.takeError()));
    }
    AttachTarget target{
        kind(), provider() + ":" + path + ":" + text, {path, text}, 0};
    target.file_offset = *file_offset;
    return std::vector<AttachTarget>{std::move(target)};
  }

  ExpandResult expand_pattern(const std::string& path,
                              const ElfFile& elf,
                              const std::string& pattern,
                              bool demangled) const {
    std::vector<AttachTarget> targets;
    for (const ElfSymbol* symbol : elf.match(pattern)) {
      std::string name(demangled ? elf.display_name(*symbol) : symbol->name);
      ExpandResult one = make_target(path, elf, *symbol, name, 0);
      if (auto* found = std::get_if<std::vector<AttachTarget>>(&one)) {
        targets.push_back(std::move(found->front()));
      }
    }
    if (targets.empty()) {
      return ExpandError{ExpandError::Reason::NoMatch,
                         "no function of " + path + " matches '" + pattern +
                             "'",
                         std::nullopt};
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
