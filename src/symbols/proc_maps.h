// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "symbols/elf_symbols.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A process's memory map (/proc/PID/maps): which objects it has mapped and
// where, so that user addresses seen at run time (stack frames, `uaddr`,
// `-p` probes) translate to an object, a file offset and a symbol.
namespace sonde::symbols {

// One line of /proc/PID/maps.
struct MapEntry {
  // The address range [start, end).
  uint64_t start = 0;
  uint64_t end = 0;
  // File offset mapped at `start` (0 for anonymous memory).
  uint64_t offset = 0;
  bool readable = false;
  bool writable = false;
  bool executable = false;
  // 's' (shared) rather than 'p' (private, copy-on-write).
  bool shared = false;
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  // 0 for anonymous memory and pseudo-files ([heap], [stack], [vdso]).
  uint64_t inode = 0;
  // As the kernel prints it: a path (relative to the process's root),
  // "[heap]"-style names, or empty. A trailing " (deleted)" is removed and
  // reported in `deleted`.
  std::string path;
  bool deleted = false;
};

// Whether the entry maps a file (an inode and an absolute path).
inline bool is_file_backed(const MapEntry& entry) {
  return entry.inode != 0 && !entry.path.empty() && entry.path[0] == '/';
}

// Parses the text of a maps file. Fails on the first malformed line, naming
// it; paths may contain spaces.
Result<std::vector<MapEntry>> parse_proc_maps(std::string_view text);

// Reads and parses /proc/PID/maps; pid 0 means this process (self).
Result<std::vector<MapEntry>> read_proc_maps(int pid);

// One file a process maps, possibly in several entries.
struct MappedObject {
  // The path as the process sees it.
  std::string path;
  // A path through which this process reaches the same file (same inode):
  // `path` itself, else /proc/PID/root/path (another mount namespace), else
  // /proc/PID/map_files/START-END (deleted or replaced files). Empty when
  // none works; such objects cannot be read or probed.
  std::string open_path;
  uint64_t inode = 0;
  bool deleted = false;
  // Whether any of its mappings is executable.
  bool has_code = false;
};

// The address that a runtime address falls on, resolved.
struct AddressInfo {
  // The mapping that holds the address.
  MapEntry map;
  // Offset of the address in the mapped file (0 when anonymous).
  uint64_t file_offset = 0;
  // The object's link-time address for it, when the object is a readable
  // ELF file whose PT_LOAD segments map that offset.
  std::optional<uint64_t> elf_address;
  // The object's symbols, when readable; keeps `symbol` alive.
  std::shared_ptr<const ElfFile> file;
  // The function containing the address, if any.
  std::optional<SymbolHit> symbol;
};

// A snapshot of one process's maps with lookups. Entries are sorted by
// address as the kernel lists them.
class ProcessMaps {
public:
  // Reads /proc/PID/maps now (pid 0: this process).
  static Result<ProcessMaps> read(int pid);
  // Wraps already parsed entries (tests, or maps text saved earlier).
  ProcessMaps(int pid, std::vector<MapEntry> entries);

  int pid() const { return pid_; }
  const std::vector<MapEntry>& entries() const { return entries_; }

  // The entry containing `address`, by binary search; nullptr if unmapped.
  const MapEntry* find(uint64_t address) const;

  // Every file-backed object, each once, in order of first mapping (the
  // executable first for a normal process).
  std::vector<MappedObject> objects() const;

  // A path through which this process can read the file of `entry`; see
  // MappedObject::open_path. Empty when there is none.
  std::string open_path(const MapEntry& entry) const;

  // Translates a runtime address: the mapping, file offset, link-time
  // address and function. Fails only when nothing is mapped there; missing
  // symbols or unreadable objects leave the optional parts empty.
  Result<AddressInfo> resolve(uint64_t address) const;

  // The runtime address at which link-time address `vaddr` of the object
  // at `path` (as listed in the maps) is mapped, or nullopt when the object
  // or that part of it is not mapped. Used for PIE objects and libraries,
  // whose load address is only known at run time.
  std::optional<uint64_t> runtime_address(const std::string& path,
                                          uint64_t vaddr) const;

private:
  int pid_ = 0;
  std::vector<MapEntry> entries_;
};

} // namespace sonde::symbols
