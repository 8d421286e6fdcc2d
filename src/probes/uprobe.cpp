// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/providers.h"
#include "probes/timer_period.h"
#include "symbols/elf_symbols.h"
#include "symbols/library_path.h"

#include <bpf/libbpf.h>
#include <cerrno>

namespace sonde::probes {

namespace {

using symbols::ElfFile;
using symbols::ElfSymbol;

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

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    return single_attachment(bpf_program__attach_uprobe(
        program, return_probe_, target.pid, target.target.at(0).c_str(),
        target.file_offset));
  }

private:
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
};

} // namespace

std::unique_ptr<ProbeType> make_uprobe_probe(bool return_probe) {
  return std::make_unique<UprobeProbe>(return_probe);
}

} // namespace sonde::probes
