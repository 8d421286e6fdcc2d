// SPDX-License-Identifier: Apache-2.0
#include "symbols/proc_maps.h"

#include "base/strings.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <sys/stat.h>

namespace sonde::symbols {

namespace {

// Reads an unsigned number in `base` at the front of `text` and advances
// past it; false when there are no digits.
bool take_number(std::string_view& text, uint64_t& value, int base) {
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end == text.data()) {
    return false;
  }
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return true;
}

bool take_char(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) {
    return false;
  }
  text.remove_prefix(1);
  return true;
}

std::optional<MapEntry> parse_line(std::string_view line) {
  MapEntry entry;
  uint64_t major = 0;
  uint64_t minor = 0;
  if (!take_number(line, entry.start, 16) || !take_char(line, '-') ||
      !take_number(line, entry.end, 16) || !take_char(line, ' ') ||
      line.size() < 5 || line[4] != ' ') {
    return std::nullopt;
  }
  entry.readable = line[0] == 'r';
  entry.writable = line[1] == 'w';
  entry.executable = line[2] == 'x';
  entry.shared = line[3] == 's';
  line.remove_prefix(5);
  if (!take_number(line, entry.offset, 16) || !take_char(line, ' ') ||
      !take_number(line, major, 16) || !take_char(line, ':') ||
      !take_number(line, minor, 16) || !take_char(line, ' ') ||
      !take_number(line, entry.inode, 10) || entry.end < entry.start) {
    return std::nullopt;
  }
  entry.dev_major = static_cast<uint32_t>(major);
  entry.dev_minor = static_cast<uint32_t>(minor);
  size_t path_start = line.find_first_not_of(' ');
  if (path_start != std::string_view::npos) {
    std::string_view path = line.substr(path_start);
    constexpr std::string_view kDeleted = " (deleted)";
    if (path.ends_with(kDeleted)) {
      path.remove_suffix(kDeleted.size());
      entry.deleted = true;
    }
    entry.path = std::string(path);
  }
  return entry;
}

std::string proc_dir(int pid) {
  return pid == 0 ? std::string("/proc/self") : "/proc/" + std::to_string(pid);
}

// A path is only trusted for a mapping when it leads to the mapped inode:
// the file may have been replaced since, or the process may live in another
// mount namespace where the same path names something else.
bool same_inode(const std::string& path, uint64_t inode) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && st.st_ino == inode;
}

std::string map_files_path(int pid, const MapEntry& entry) {
  char range[64];
  std::snprintf(range, sizeof(range), "/map_files/%llx-%llx",
                static_cast<unsigned long long>(entry.start),
                static_cast<unsigned long long>(entry.end));
  return proc_dir(pid) + range;
}

} // namespace

Result<std::vector<MapEntry>> parse_proc_maps(std::string_view text) {
  std::vector<MapEntry> entries;
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size()
                                                         : newline + 1);
    if (line.empty()) {
      continue;
    }
    std::optional<MapEntry> entry = parse_line(line);
    if (!entry) {
      return make_error("malformed maps line " + std::to_string(line_number) +
                        ": '" + std::string(line) + "'");
    }
    entries.push_back(std::move(*entry));
  }
  return entries;
}

Result<std::vector<MapEntry>> read_proc_maps(int pid) {
  std::string path = proc_dir(pid) + "/maps";
  std::optional<std::string> text = read_file(path);
  if (!text) {
    return make_error("cannot read " + path +
                      (pid != 0 ? " (no such process, or not permitted)" : ""));
  }
  Result<std::vector<MapEntry>> entries = parse_proc_maps(*text);
  if (!entries) {
    return make_error(path + ": " + error_text(entries.takeError()));
  }
  return entries;
}

Result<ProcessMaps> ProcessMaps::read(int pid) {
  Result<std::vector<MapEntry>> entries = read_proc_maps(pid);
  if (!entries) {
    return entries.takeError();
  }
  return ProcessMaps(pid, std::move(*entries));
}

ProcessMaps::ProcessMaps(int pid, std::vector<MapEntry> entries)
    : pid_(pid), entries_(std::move(entries)) {
  // The kernel lists entries in address order; sorting keeps find()
  // correct for entries built by hand.
  std::sort(
      entries_.begin(), entries_.end(),
      [](const MapEntry& a, const MapEntry& b) { return a.start < b.start; });
}

const MapEntry* ProcessMaps::find(uint64_t address) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), address,
                             [](uint64_t value, const MapEntry& entry) {
                               return value < entry.start;
                             });
  if (it == entries_.begin()) {
    return nullptr;
  }
  const MapEntry& entry = *(it - 1);
  return address < entry.end ? &entry : nullptr;
}

std::string ProcessMaps::open_path(const MapEntry& entry) const {
  if (!is_file_backed(entry)) {
    return {};
  }
  if (!entry.deleted) {
    if (same_inode(entry.path, entry.inode)) {
      return entry.path;
    }
    std::string rooted = proc_dir(pid_) + "/root" + entry.path;
    if (pid_ != 0 && same_inode(rooted, entry.inode)) {
      return rooted;
    }
  }
  // map_files needs CAP_SYS_ADMIN for other processes; it is the only way
  // to a file that was deleted or replaced after being mapped.
  std::string mapped = map_files_path(pid_, entry);
  if (same_inode(mapped, entry.inode)) {
    return mapped;
  }
  return {};
}

std::vector<MappedObject> ProcessMaps::objects() const {
  std::vector<MappedObject> objects;
  std::set<std::pair<std::string, uint64_t>> seen;
  for (const MapEntry& entry : entries_) {
    if (!is_file_backed(entry)) {
      continue;
    }
    if (!seen.insert({entry.path, entry.inode}).second) {
      for (MappedObject& object : objects) {
        if (object.path == entry.path && object.inode == entry.inode) {
          object.has_code |= entry.executable;
        }
      }
      continue;
    }
    objects.push_back({entry.path, open_path(entry), entry.inode, entry.deleted,
                       entry.executable});
  }
  return objects;
}

Result<AddressInfo> ProcessMaps::resolve(uint64_t address) const {
  const MapEntry* entry = find(address);
  if (entry == nullptr) {
    return make_error("address " + hex(address) + " is not mapped in " +
                      (pid_ == 0 ? std::string("this process")
                                 : "process " + std::to_string(pid_)));
  }
  // Everything past the mapping is best effort: a stack frame in an
  // unreadable or stripped object still reports its object and offset.
  AddressInfo info;
  info.map = *entry;
  if (!is_file_backed(*entry)) {
    return info;
  }
  info.file_offset = address - entry->start + entry->offset;
  std::string path = open_path(*entry);
  if (path.empty()) {
    return info;
  }
  Result<std::shared_ptr<const ElfFile>> file = ElfFile::open(path);
  if (!file) {
    llvm::consumeError(file.takeError());
    return info;
  }
  info.file = *file;
  info.elf_address = info.file->layout().vaddr_of_offset(info.file_offset);
  if (info.elf_address) {
    info.symbol = info.file->function_at(*info.elf_address);
  }
  return info;
}

std::optional<uint64_t> ProcessMaps::runtime_address(const std::string& path,
                                                     uint64_t vaddr) const {
  const MapEntry* first = nullptr;
  for (const MapEntry& entry : entries_) {
    if (entry.path == path && is_file_backed(entry)) {
      first = &entry;
      break;
    }
  }
  if (first == nullptr) {
    return std::nullopt;
  }
  std::string readable = open_path(*first);
  if (readable.empty()) {
    return std::nullopt;
  }
  Result<std::shared_ptr<const ElfFile>> file = ElfFile::open(readable);
  if (!file) {
    llvm::consumeError(file.takeError());
    return std::nullopt;
  }
  Result<uint64_t> offset = (*file)->layout().file_offset(vaddr);
  if (!offset) {
    llvm::consumeError(offset.takeError());
    return std::nullopt;
  }
  for (const MapEntry& entry : entries_) {
    if (entry.path == path && entry.inode == first->inode &&
        *offset >= entry.offset &&
        *offset - entry.offset < entry.end - entry.start) {
      return entry.start + (*offset - entry.offset);
    }
  }
  return std::nullopt;
}

} // namespace sonde::symbols
