// SPDX-License-Identifier: Apache-2.0
#include "symbols/debug_files.h"

#include "symbols/elf_reader.h"

#include <cstring>
#include <filesystem>
#include <mutex>
#include <sys/stat.h>

namespace sonde::symbols {

namespace {

std::mutex& directories_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<std::string>& extra_directories() {
  static std::vector<std::string> directories;
  return directories;
}

bool is_regular_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Whether `candidate` is the debug file of `link` and has `needed`.
bool accepts(const std::string& candidate,
             const DebugLink& link,
             const char* needed) {
  if (!is_regular_file(candidate) || !has_elf_magic(candidate)) {
    return false;
  }
  Result<ElfReader> debug = ElfReader::open(candidate);
  if (!debug) {
    llvm::consumeError(debug.takeError());
    return false;
  }
  const ElfReader::Section* section = debug->section(needed);
  // objcopy --only-keep-debug leaves the names of stripped sections as
  // NOBITS placeholders.
  if (section == nullptr || section->header.sh_type == SHT_NOBITS) {
    return false;
  }
  std::optional<std::string> debug_id = debug->build_id();
  return !link.build_id || !debug_id || *debug_id == *link.build_id;
}

// The object's folder as the process sees it, resolved through symlinks.
std::filesystem::path object_directory(const std::string& path) {
  std::error_code error;
  std::filesystem::path self = std::filesystem::weakly_canonical(path, error);
  if (error) {
    self = std::filesystem::absolute(path, error);
  }
  return self.parent_path();
}

} // namespace

std::string read_debuglink(const ElfReader& reader) {
  const ElfReader::Section* link = reader.section(".gnu_debuglink");
  if (link == nullptr) {
    return {};
  }
  Result<Elf_Data*> data = reader.data(*link);
  if (!data) {
    llvm::consumeError(data.takeError());
    return {};
  }
  const char* bytes = static_cast<const char*>((*data)->d_buf);
  return std::string(bytes, strnlen(bytes, (*data)->d_size));
}

void add_debug_directory(std::string directory) {
  std::lock_guard<std::mutex> lock(directories_mutex());
  extra_directories().push_back(std::move(directory));
}

std::vector<std::string> debug_directories() {
  std::lock_guard<std::mutex> lock(directories_mutex());
  std::vector<std::string> directories = extra_directories();
  directories.emplace_back("/usr/lib/debug");
  return directories;
}

std::string find_debug_file(const DebugLink& link, const char* needed) {
  std::vector<std::string> directories = debug_directories();
  if (link.build_id && link.build_id->size() > 2) {
    std::string relative = ".build-id/" + link.build_id->substr(0, 2) + "/" +
                           link.build_id->substr(2) + ".debug";
    for (const std::string& directory : directories) {
      std::string candidate = directory + "/" + relative;
      if (accepts(candidate, link, needed)) {
        return candidate;
      }
    }
  }
  const std::string& name = link.debuglink;
  if (name.empty() || name.find('/') != std::string::npos) {
    return {};
  }
  std::filesystem::path dir = object_directory(link.path);
  std::vector<std::filesystem::path> candidates = {dir / name,
                                                   dir / ".debug" / name};
  for (const std::string& directory : directories) {
    candidates.push_back(std::filesystem::path(directory) /
                         dir.relative_path() / name);
    candidates.push_back(std::filesystem::path(directory) / name);
  }
  std::error_code error;
  std::filesystem::path self =
      std::filesystem::weakly_canonical(link.path, error);
  for (const std::filesystem::path& candidate : candidates) {
    if (candidate != self && accepts(candidate.string(), link, needed)) {
      return candidate.string();
    }
  }
  return {};
}

std::string find_dwp_file(const std::string& path) {
  std::filesystem::path object(path);
  std::vector<std::filesystem::path> candidates = {path + ".dwp"};
  std::filesystem::path dir = object_directory(path);
  std::string name = object.filename().string() + ".dwp";
  candidates.push_back(dir / name);
  for (const std::string& directory : debug_directories()) {
    candidates.push_back(std::filesystem::path(directory) /
                         dir.relative_path() / name);
    candidates.push_back(std::filesystem::path(directory) / name);
  }
  for (const std::filesystem::path& candidate : candidates) {
    if (is_regular_file(candidate.string()) &&
        has_elf_magic(candidate.string())) {
      return candidate.string();
    }
  }
  return {};
}

} // namespace sonde::symbols
