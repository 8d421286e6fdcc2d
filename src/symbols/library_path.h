// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Turning the names users write in attach points into files:
// `uprobe:libc:malloc`, `uprobe:bash:readline`, `usdt:python3:...`.
//
// Libraries are found the way the dynamic loader finds them: a process's
// own mappings when a pid is given, then /etc/ld.so.cache, then the
// standard directories. Programs are found through $PATH like a shell.
namespace sonde::symbols {

// One library of the loader cache.
struct LdCacheEntry {
  // The soname key: "libc.so.6".
  std::string name;
  // Where it is: "/lib/x86_64-linux-gnu/libc.so.6".
  std::string path;
  // The cache's flags: the low byte is the library type (3 = ELF libc6),
  // the next byte the required architecture (3 = x86-64, 10 = AArch64).
  int32_t flags = 0;
  // Hardware capabilities the entry needs (new format only; 0 = none).
  uint64_t hwcap = 0;
};

// A parsed /etc/ld.so.cache. Both formats are read: the current one
// ("glibc-ld.so.cache1.1", string offsets relative to its header) and the
// old one ("ld.so-1.7.0", string offsets relative to its string table),
// including old files that carry a new-format cache after the old one, in
// which case the new part is used.
class LdCache {
public:
  // Parses cache bytes. Fails on a bad magic or counts that do not fit;
  // entries whose strings fall outside the data are dropped.
  static Result<LdCache> parse(std::string_view bytes);
  // Reads and parses a cache file.
  static Result<LdCache> load(const std::string& path);
  // /etc/ld.so.cache, read once; empty (and silently so) when unreadable,
  // since the standard directories still work without it.
  static const LdCache& system();

  // Every entry in file order (ldconfig writes newer versions first).
  const std::vector<LdCacheEntry>& entries() const { return entries_; }

  // Entries usable by this build's architecture whose soname is `name`
  // exactly or starts with `prefix` (when non-empty), in file order.
  std::vector<const LdCacheEntry*> find(std::string_view name,
                                        std::string_view prefix = {}) const;

private:
  std::vector<LdCacheEntry> entries_;
};

// Whether a loader cache flags value describes a library this build's
// architecture can load (x86-64 libc6 on x86_64). Exposed for tests.
bool ld_cache_flags_match(int32_t flags);

// Resolves a library name to a file:
//  - a name containing '/' is a path and is returned if it exists;
//  - otherwise "c", "libc", "libc.so" and "libc.so.6" all name libc: the
//    soname is "lib" + NAME (unless NAME starts with "lib") and must equal
//    NAME or start with "<lib>.so" — so "libc" never matches libcrypt;
//  - with `pid` > 0, a matching object mapped by that process wins (the
//    one actually loaded), returned as a path this process can open;
//  - then /etc/ld.so.cache (`cache`, for tests), preferring entries without
//    hardware-capability requirements and skipping stale entries whose
//    file is gone;
//  - then the standard directories (/lib/<triplet>, /usr/lib/<triplet>,
//    /lib64, /usr/lib64, /lib, /usr/lib, /usr/local/lib), where only ELF
//    files count (libc.so there is a linker script).
// Fails with a message naming what was searched.
Result<std::string> resolve_library(std::string_view name,
                                    int pid = 0,
                                    const LdCache* cache = nullptr);

// Resolves a program name through `path_list` (':'-separated; empty
// elements mean the current directory), or through $PATH when nullopt
// ("/usr/local/bin:/usr/bin:/bin" when unset). A name containing '/' is
// returned as is if it exists. Returns the first executable regular file,
// as an absolute path.
Result<std::string>
resolve_program(std::string_view name,
                std::optional<std::string_view> path_list = std::nullopt);

// What a uprobe/usdt target names: a path as is; else a program in $PATH
// (`bash`); else a library (`libc`). With `pid` > 0, a library the
// process has mapped is preferred. Fails naming both searches.
Result<std::string> resolve_binary(std::string_view name, int pid = 0);

} // namespace sonde::symbols
