// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Kernel symbols from /proc/kallsyms: kernel stack symbolization (kstack,
// ksym), `kaddr()`, and kprobe names.
//
// The file is read once (several MB on a typical kernel) into one buffer;
// symbols are string_views into it, sorted by address for binary-search
// lookups, which is what a profiler symbolizing thousands of frames needs.
// The name index is built only on the first lookup by name.
namespace sonde::symbols {

// One line of kallsyms: "ffffffff81000000 T _stext" or, for a module,
// "ffffffffc0a01000 t foo_init\t[foo]".
struct KernelSymbol {
  uint64_t address = 0;
  // The nm-style type letter: 'T'/'t' text, 'D'/'d' data, 'W'/'w' weak...
  // Upper case is global.
  char type = '?';
  std::string_view name;
  // The module in brackets, without them; empty for vmlinux.
  std::string_view module;
};

// A symbol and the distance of an address past its start.
struct KernelSymbolHit {
  const KernelSymbol* symbol = nullptr;
  uint64_t offset = 0;
};

// A parsed kallsyms table. Immutable once built, except for the name
// index, which is built once under a lock; safe to share between threads.
class Kallsyms {
public:
  // Parses text in /proc/kallsyms format, keeping it. Lines that do not
  // parse are skipped (kallsyms has no comments, but robustness costs
  // nothing); fails only when no line parses at all in non-empty text.
  static Result<std::unique_ptr<Kallsyms>> parse(std::string text);
  // Reads and parses a file (tests pass a fixture).
  static Result<std::unique_ptr<Kallsyms>> load(const std::string& path);
  // /proc/kallsyms, read on first use and kept for the process; the error
  // is cached too.
  static Result<const Kallsyms*> system();

  // Every symbol, sorted by address (file order among equal addresses).
  const std::vector<KernelSymbol>& symbols() const { return symbols_; }
  size_t size() const { return symbols_.size(); }

  // False when every address is zero: kptr_restrict hides them from this
  // user, so address lookups cannot work (names still can).
  bool has_addresses() const { return has_addresses_; }

  // The symbol containing `address`: the last one starting at or below it
  // (kallsyms has no sizes). Among symbols sharing an address, a text
  // symbol with a global binding is preferred. nullopt below the first
  // symbol or when addresses are hidden.
  std::optional<KernelSymbolHit> lookup(uint64_t address) const;

  // "name+0x1a" (or "name" when `with_offset` is false or the offset is
  // 0), with " [module]" appended for module symbols when `with_module`;
  // the address in hex when no symbol contains it.
  std::string symbolize(uint64_t address,
                        bool with_offset = true,
                        bool with_module = false) const;

  // Symbols named `name` (static functions may exist several times),
  // restricted to `module` when it is non-empty ("vmlinux" means the
  // kernel image itself).
  std::vector<const KernelSymbol*> find(std::string_view name,
                                        std::string_view module = {}) const;
  // The address of the first symbol named `name` (see find), or nullopt.
  std::optional<uint64_t> address_of(std::string_view name,
                                     std::string_view module = {}) const;
  // Symbols whose name matches the shell glob `pattern`, in address order.
  std::vector<const KernelSymbol*> match(std::string_view pattern) const;

  // The distinct module names, sorted.
  std::vector<std::string_view> modules() const;

private:
  Kallsyms() = default;
  void build_name_index() const;

  std::string text_;
  std::vector<KernelSymbol> symbols_;
  // The distinct addresses, sorted, and for each the index of its
  // preferred symbol. Searching a plain array of addresses touches one
  // cache line per step, which is what keeps lookups fast.
  std::vector<uint64_t> addresses_;
  std::vector<uint32_t> address_symbols_;
  bool has_addresses_ = false;
  mutable std::once_flag name_index_once_;
  // (hash of name, symbol index), sorted; built on first use.
  mutable std::vector<std::pair<uint64_t, uint32_t>> by_name_;
};

// Where the compiler finds kernel symbols (kaddr(), percpu_kaddr()). It
// is given to sema as the probe catalog is: the driver passes system(),
// tests a fake with the symbols they need.
class KernelSymbolSource {
public:
  virtual ~KernelSymbolSource() = default;
  // The address of the kernel symbol `name`; nullopt when there is none or
  // the table cannot be read.
  virtual std::optional<uint64_t> address_of(std::string_view name) const = 0;
  // /proc/kallsyms through Kallsyms::system(): read on the first lookup, so
  // scripts that look nothing up never read it.
  static const KernelSymbolSource& system();
};

} // namespace sonde::symbols
