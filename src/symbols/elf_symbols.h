// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "symbols/elf_reader.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Symbols of user-space ELF objects, for uprobe targets (`uprobe:BIN:fn`,
// `cpp:"Ns::fn"`, wildcards, `uaddr()`) and for symbolizing user stacks.
//
// An ElfFile is read once and shared: ElfFile::open caches it per path and
// rereads the file only when its inode, size or modification time changed.
// Symbols come from .symtab and .dynsym (merged, so a name seen in both is
// listed once, with its symbol version from .gnu.version/.gnu.version_d);
// when the file has no .symtab, its separate debug file is used if one is
// installed (/usr/lib/debug/.build-id/xx/yyy.debug or .gnu_debuglink).
namespace sonde::symbols {

// What an ELF file is, from its header and dynamic section.
enum class ElfKind {
  // ET_EXEC: a position-dependent executable.
  Executable,
  // ET_DYN marked DF_1_PIE (or with an interpreter and no soname).
  PieExecutable,
  // Any other ET_DYN.
  SharedObject,
  // ET_REL: an object file; addresses are not final, no uprobe offsets.
  Relocatable,
  Core,
  Other,
};

// "executable", "pie executable", "shared object", "relocatable", "core",
// "other"; for messages and listings.
std::string_view elf_kind_name(ElfKind kind);

// Reads just enough of `path` to classify it. Fails when the file cannot
// be opened or is not ELF; this is how the uprobe provider refuses non-ELF
// targets (allowed only with --unsafe).
Result<ElfKind> elf_kind_of(const std::string& path);

// The symbol kinds sonde lists; sections, files and TLS are left out.
enum class SymbolType : uint8_t {
  Function,
  // STT_GNU_IFUNC: a resolver that returns the implementation to call.
  IndirectFunction,
  Object,
};

enum class SymbolBinding : uint8_t { Local, Global, Weak };

// One defined symbol. Passive data; the names point into the owning
// ElfFile, which must outlive them.
struct ElfSymbol {
  // The name as stored (mangled for C++ and Rust), without any version.
  std::string_view name;
  // The symbol version ("GLIBC_2.2.5"), empty when unversioned.
  std::string_view version;
  // True for `name@version` (an old version kept for compatibility), false
  // for the default `name@@version` that new links bind to.
  bool hidden_version = false;
  // Link-time virtual address (st_value).
  uint64_t address = 0;
  // Size in bytes; 0 when the object does not say.
  uint64_t size = 0;
  SymbolType type = SymbolType::Function;
  SymbolBinding binding = SymbolBinding::Global;
};

// Whether the symbol is code (a function or an ifunc resolver).
inline bool is_function(const ElfSymbol& symbol) {
  return symbol.type != SymbolType::Object;
}

// A demangled symbol name in two forms.
struct DemangledName {
  // The name with its parameter list and qualifiers:
  // "ns::f(int, char const*)", "ns::Widget::poke(int) const". The return
  // type that template functions encode is left out, as gdb does.
  std::string signature;
  // Without the parameter list: "ns::f". This is what `cpp:` attach points
  // name. Equal to `signature` for Rust and for data symbols.
  std::string name;
};

// Demangles an Itanium C++ name (`_Z...`, clone suffixes such as `.cold`
// included), a Rust v0 name (`_R...`) or a Rust legacy name (Itanium form
// whose trailing `::h<16 hex digits>` hash is dropped, as rustc-demangle
// does). nullopt when `symbol` is not a mangled name.
std::optional<DemangledName> demangle(std::string_view symbol);

// Which name a lookup compares with.
enum class NameForm {
  // The stored name (`_ZN2ns4funcEv`, `malloc`).
  Raw,
  // The demangled name (`ns::func`, `ns::Foo::operator()`); a pattern that
  // contains '(' may also match the signature (`ns::func(int)`), which
  // selects one overload. Unmangled names compare as themselves.
  Demangled,
};

// A symbol and how far into it an address falls.
struct SymbolHit {
  const ElfSymbol* symbol = nullptr;
  uint64_t offset = 0;
};

// The symbols and address layout of one ELF file. Immutable after loading
// except for the demangled names, computed once on first demangled lookup
// (thread-safe), so objects that are never looked up by C++ name never pay
// for demangling.
class ElfFile {
public:
  // The shared, cached reading of `path`. The cache is keyed by path and
  // checked against the file's device, inode, size and mtime, so a rebuilt
  // binary is reread. Fails when the file cannot be read or is not ELF.
  static Result<std::shared_ptr<const ElfFile>> open(const std::string& path);
  // Reads `path` without the cache.
  static Result<std::shared_ptr<const ElfFile>> load(const std::string& path);
  // Drops every cached file (tests; long-running sessions after exec).
  static void clear_cache();

  const std::string& path() const { return path_; }
  ElfKind kind() const { return kind_; }
  // EM_X86_64, EM_AARCH64, ...
  uint16_t machine() const { return machine_; }
  // ELFCLASS32 or ELFCLASS64.
  int elf_class() const { return elf_class_; }
  const std::optional<std::string>& build_id() const { return build_id_; }
  const std::optional<std::string>& soname() const { return soname_; }
  // The file symbols came from when it is not `path()`: the separate debug
  // file found for a stripped object. Empty otherwise.
  const std::string& debug_file() const { return debug_file_; }
  const AddressLayout& layout() const { return layout_; }

  // Every listed symbol, sorted by address then name.
  const std::vector<ElfSymbol>& symbols() const { return symbols_; }

  // The demangled names of `symbol` (which must belong to this file), or
  // nullptr when its name is not mangled.
  const DemangledName* demangled(const ElfSymbol& symbol) const;
  // The name to show a user: the demangled signature, else the name.
  std::string_view display_name(const ElfSymbol& symbol) const;

  // Symbols named exactly `name` in the given form, functions only unless
  // `functions_only` is false. Several are returned for versioned names
  // (`pthread_cond_wait@GLIBC_2.2.5` and `@@GLIBC_2.3.2`), C++ overloads in
  // demangled form, and local symbols from different source files.
  std::vector<const ElfSymbol*> lookup(std::string_view name,
                                       NameForm form = NameForm::Raw,
                                       bool functions_only = true) const;
  // Symbols whose name matches the shell glob `pattern` ('*' and '?'), in
  // address order, each symbol once.
  std::vector<const ElfSymbol*> match(std::string_view pattern,
                                      NameForm form = NameForm::Raw,
                                      bool functions_only = true) const;
  // The one symbol a uprobe on `name` should use: among lookup(name), the
  // default version of a global, then a weak, then a local symbol. nullptr
  // when there is none.
  const ElfSymbol* find_function(std::string_view name,
                                 NameForm form = NameForm::Raw) const;
  // Names of every function, for "did you mean" hints.
  std::vector<std::string> function_names() const;

  // The function containing link-time address `vaddr`: the closest one at
  // or below it, if `vaddr` lies within its size (size-0 symbols extend to
  // the next function). Aliases at one address resolve to a global name
  // before a weak or local one.
  std::optional<SymbolHit> function_at(uint64_t vaddr) const;

  // The uprobe offset (file offset) of link-time address `vaddr`; see
  // AddressLayout::file_offset.
  Result<uint64_t> file_offset(uint64_t vaddr) const {
    return layout_.file_offset(vaddr);
  }
  // The uprobe offset of `symbol` plus `offset` (for `fn+off`). Fails when
  // `offset` is not inside the symbol's known size.
  Result<uint64_t> file_offset(const ElfSymbol& symbol,
                               uint64_t offset = 0) const;

  // Construction goes through open() / load(); public for make_shared.
  struct Private {};
  explicit ElfFile(Private) {}

private:
  void demangle_all() const;

  std::string path_;
  ElfKind kind_ = ElfKind::Other;
  uint16_t machine_ = 0;
  int elf_class_ = 0;
  std::optional<std::string> build_id_;
  std::optional<std::string> soname_;
  std::string debug_file_;
  AddressLayout layout_;
  // Every symbol name and version, back to back; symbols_ points into it.
  std::string strings_;
  std::vector<ElfSymbol> symbols_;
  // (hash of name, index into symbols_), sorted, for exact lookups.
  std::vector<std::pair<uint64_t, uint32_t>> by_name_;
  // One function index per distinct address, sorted by address.
  std::vector<uint32_t> functions_by_address_;

  mutable std::once_flag demangle_once_;
  // Parallel to symbols_; empty names for symbols that are not mangled.
  mutable std::vector<DemangledName> demangled_;
  // (hash of DemangledName::name, index into symbols_) for mangled
  // symbols, sorted.
  mutable std::vector<std::pair<uint64_t, uint32_t>> by_demangled_name_;
};

} // namespace sonde::symbols
