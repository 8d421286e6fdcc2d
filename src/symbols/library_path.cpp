// SPDX-License-Identifier: Apache-2.0
#include "symbols/library_path.h"

#include "base/strings.h"
#include "symbols/elf_reader.h"
#include "symbols/proc_maps.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace sonde::symbols {

namespace {

constexpr std::string_view kOldMagic = "ld.so-1.7.0";
constexpr std::string_view kNewMagic = "glibc-ld.so.cache1.1";
// glibc's cache_file (magic, padding, nlibs) and file_entry sizes.
constexpr size_t kOldHeaderSize = 16;
constexpr size_t kOldEntrySize = 12;
// cache_file_new: magic+version, nlibs, len_strings, flags, padding,
// extension_offset, unused[3]; then 24-byte file_entry_new records.
constexpr size_t kNewHeaderSize = 48;
constexpr size_t kNewEntrySize = 24;

constexpr int32_t kFlagTypeMask = 0x00ff;
constexpr int32_t kFlagRequiredMask = 0xff00;
constexpr int32_t kFlagElfLibc6 = 0x0003;

#if defined(__x86_64__)
constexpr std::optional<int32_t> kArchFlag = 0x0300;
constexpr std::string_view kTriplet = "x86_64-linux-gnu";
#elif defined(__aarch64__)
constexpr std::optional<int32_t> kArchFlag = 0x0a00;
constexpr std::string_view kTriplet = "aarch64-linux-gnu";
#else
// Other architectures accept any libc6 entry.
constexpr std::optional<int32_t> kArchFlag = std::nullopt;
constexpr std::string_view kTriplet = "";
#endif

uint32_t read_u32(std::string_view bytes, size_t offset) {
  uint32_t value = 0;
  std::memcpy(&value, bytes.data() + offset, sizeof(value));
  return value;
}

uint64_t read_u64(std::string_view bytes, size_t offset) {
  uint64_t value = 0;
  std::memcpy(&value, bytes.data() + offset, sizeof(value));
  return value;
}

// The NUL-terminated string at `offset`, or nullopt when it runs past the
// data.
std::optional<std::string> string_at(std::string_view bytes, uint64_t offset) {
  if (offset >= bytes.size()) {
    return std::nullopt;
  }
  size_t end = bytes.find('\0', offset);
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(bytes.substr(offset, end - offset));
}

Result<std::vector<LdCacheEntry>> parse_new(std::string_view cache) {
  if (cache.size() < kNewHeaderSize) {
    return make_error("truncated ld.so.cache header");
  }
  uint64_t count = read_u32(cache, 20);
  if (count > (cache.size() - kNewHeaderSize) / kNewEntrySize) {
    return make_error("ld.so.cache lists " + std::to_string(count) +
                      " libraries but is too short for them");
  }
  std::vector<LdCacheEntry> entries;
  entries.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    size_t at = kNewHeaderSize + i * kNewEntrySize;
    LdCacheEntry entry;
    entry.flags = static_cast<int32_t>(read_u32(cache, at));
    std::optional<std::string> key = string_at(cache, read_u32(cache, at + 4));
    std::optional<std::string> value =
        string_at(cache, read_u32(cache, at + 8));
    entry.hwcap = read_u64(cache, at + 16);
    if (!key || !value) {
      continue;
    }
    entry.name = std::move(*key);
    entry.path = std::move(*value);
    entries.push_back(std::move(entry));
  }
  return entries;
}

// A soname matches a user's library name when it is the name itself or
// "lib" + the name followed by ".so" (see resolve_library).
bool soname_matches(std::string_view soname, std::string_view name) {
  if (soname == name) {
    return true;
  }
  std::string lib(name);
  if (!name.starts_with("lib")) {
    lib = "lib" + lib;
  }
  if (name.find(".so") != std::string_view::npos) {
    return soname.starts_with(std::string(name) + ".");
  }
  return soname == lib + ".so" || soname.starts_with(lib + ".so.");
}

bool is_executable_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

} // namespace

bool ld_cache_flags_match(int32_t flags) {
  if ((flags & kFlagTypeMask) != kFlagElfLibc6) {
    return false;
  }
  return !kArchFlag || (flags & kFlagRequiredMask) == *kArchFlag;
}

Result<LdCache> LdCache::parse(std::string_view bytes) {
  LdCache cache;
  if (bytes.starts_with(kNewMagic)) {
    Result<std::vector<LdCacheEntry>> entries = parse_new(bytes);
    if (!entries) {
      return entries.takeError();
    }
    cache.entries_ = std::move(*entries);
    return cache;
  }
  if (!bytes.starts_with(kOldMagic)) {
    return make_error("not a ld.so.cache file (unknown magic)");
  }
  if (bytes.size() < kOldHeaderSize) {
    return make_error("truncated ld.so.cache header");
  }
  uint64_t count = read_u32(bytes, 12);
  if (count > (bytes.size() - kOldHeaderSize) / kOldEntrySize) {
    return make_error("ld.so.cache lists " + std::to_string(count) +
                      " libraries but is too short for them");
  }
  // glibc 2.x wrote both formats in one file, the new one aligned to 8
  // bytes after the old entries; it carries hwcap data, so it wins.
  size_t strings = kOldHeaderSize + count * kOldEntrySize;
  size_t new_start = (strings + 7) & ~size_t{7};
  if (new_start < bytes.size() &&
      bytes.substr(new_start).starts_with(kNewMagic)) {
    Result<std::vector<LdCacheEntry>> entries =
        parse_new(bytes.substr(new_start));
    if (!entries) {
      return entries.takeError();
    }
    cache.entries_ = std::move(*entries);
    return cache;
  }
  std::string_view table = bytes.substr(strings);
  for (uint64_t i = 0; i < count; ++i) {
    size_t at = kOldHeaderSize + i * kOldEntrySize;
    LdCacheEntry entry;
    entry.flags = static_cast<int32_t>(read_u32(bytes, at));
    std::optional<std::string> key = string_at(table, read_u32(bytes, at + 4));
    std::optional<std::string> value =
        string_at(table, read_u32(bytes, at + 8));
    if (!key || !value) {
      continue;
    }
    entry.name = std::move(*key);
    entry.path = std::move(*value);
    cache.entries_.push_back(std::move(entry));
  }
  return cache;
}

Result<LdCache> LdCache::load(const std::string& path) {
  std::optional<std::string> bytes = read_file(path);
  if (!bytes) {
    return make_error("cannot read " + path);
  }
  Result<LdCache> cache = parse(*bytes);
  if (!cache) {
    return make_error(path + ": " + error_text(cache.takeError()));
  }
  return cache;
}

const LdCache& LdCache::system() {
  static const LdCache cache = [] {
    Result<LdCache> loaded = load("/etc/ld.so.cache");
    if (!loaded) {
      llvm::consumeError(loaded.takeError());
      return LdCache();
    }
    return std::move(*loaded);
  }();
  return cache;
}

std::vector<const LdCacheEntry*> LdCache::find(std::string_view name,
                                               std::string_view prefix) const {
  std::vector<const LdCacheEntry*> found;
  for (const LdCacheEntry& entry : entries_) {
    if (!ld_cache_flags_match(entry.flags)) {
      continue;
    }
    if (entry.name == name ||
        (!prefix.empty() && entry.name.starts_with(prefix))) {
      found.push_back(&entry);
    }
  }
  return found;
}

Result<std::string>
resolve_library(std::string_view name, int pid, const LdCache* cache) {
  if (name.empty()) {
    return make_error("empty library name");
  }
  std::string text(name);
  if (name.find('/') != std::string_view::npos) {
    std::error_code error;
    if (!std::filesystem::exists(text, error)) {
      return make_error("library " + text + " does not exist");
    }
    return text;
  }

  if (pid > 0) {
    Result<ProcessMaps> maps = ProcessMaps::read(pid);
    if (!maps) {
      return maps.takeError();
    }
    for (const MappedObject& object : maps->objects()) {
      std::string_view base = object.path;
      base = base.substr(base.rfind('/') + 1);
      if (soname_matches(base, name) && !object.open_path.empty()) {
        return object.open_path;
      }
    }
  }

  // Entries needing hardware capabilities serve only CPUs that have them;
  // the baseline entry is the one every process can load.
  const LdCache& ld_cache = cache != nullptr ? *cache : LdCache::system();
  const LdCacheEntry* best = nullptr;
  for (const LdCacheEntry& entry : ld_cache.entries()) {
    // A stale cache may name files that are gone.
    std::error_code error;
    if (!ld_cache_flags_match(entry.flags) ||
        !soname_matches(entry.name, name) ||
        !std::filesystem::exists(entry.path, error)) {
      continue;
    }
    if (best == nullptr || (best->hwcap != 0 && entry.hwcap == 0)) {
      best = &entry;
    }
  }
  if (best != nullptr) {
    return best->path;
  }

  std::vector<std::string> dirs;
  if (!kTriplet.empty()) {
    dirs.push_back("/lib/" + std::string(kTriplet));
    dirs.push_back("/usr/lib/" + std::string(kTriplet));
  }
  for (const char* dir :
       {"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib"}) {
    dirs.emplace_back(dir);
  }
  for (const std::string& dir : dirs) {
    std::error_code error;
    std::vector<std::string> matches;
    for (const auto& item : std::filesystem::directory_iterator(dir, error)) {
      std::string file = item.path().filename().string();
      if (soname_matches(file, name)) {
        matches.push_back(item.path().string());
      }
    }
    std::sort(matches.begin(), matches.end());
    for (const std::string& match : matches) {
      if (has_elf_magic(match)) {
        return match;
      }
    }
  }
  return make_error("library '" + text +
                    "' not found in the loader cache or the standard "
                    "library directories");
}

Result<std::string> resolve_program(std::string_view name,
                                    std::optional<std::string_view> path_list) {
  if (name.empty()) {
    return make_error("empty program name");
  }
  std::string text(name);
  if (name.find('/') != std::string_view::npos) {
    std::error_code error;
    if (!std::filesystem::exists(text, error)) {
      return make_error("program " + text + " does not exist");
    }
    return text;
  }
  std::string path_env;
  if (path_list) {
    path_env = std::string(*path_list);
  } else if (const char* env = std::getenv("PATH")) {
    path_env = env;
  } else {
    path_env = "/usr/local/bin:/usr/bin:/bin";
  }
  for (const std::string& dir : split(path_env, ':')) {
    std::filesystem::path candidate =
        std::filesystem::path(dir.empty() ? "." : dir) / text;
    if (is_executable_file(candidate.string())) {
      std::error_code error;
      std::filesystem::path absolute =
          std::filesystem::absolute(candidate, error);
      return (error ? candidate : absolute).lexically_normal().string();
    }
  }
  return make_error("program '" + text + "' not found in PATH");
}

Result<std::string> resolve_binary(std::string_view name, int pid) {
  if (name.find('/') != std::string_view::npos) {
    std::string text(name);
    std::error_code error;
    if (!std::filesystem::exists(text, error)) {
      return make_error("file " + text + " does not exist");
    }
    return text;
  }
  Result<std::string> program = resolve_program(name);
  if (program) {
    return program;
  }
  llvm::consumeError(program.takeError());
  Result<std::string> library = resolve_library(name, pid);
  if (library) {
    return library;
  }
  llvm::consumeError(library.takeError());
  return make_error("'" + std::string(name) +
                    "' is neither a program in PATH nor a library known to "
                    "the dynamic loader");
}

} // namespace sonde::symbols
