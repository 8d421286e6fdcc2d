// SPDX-License-Identifier: Apache-2.0
#include "symbols/binary_paths.h"

#include "symbols/elf_reader.h"
#include "symbols/library_path.h"
#include "symbols/proc_maps.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <glob.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace sonde::symbols {

namespace {

std::string proc_root(int pid) {
  return "/proc/" + std::to_string(pid) + "/root";
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat first;
  struct stat second;
  return ::stat(a.c_str(), &first) == 0 && ::stat(b.c_str(), &second) == 0 &&
         first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

bool is_regular_elf(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         has_elf_magic(path);
}

// `path` as the process sees it, when `open_path` reaches it through the
// process's root.
std::string seen_path(const std::string& open_path, int pid) {
  std::string root = pid > 0 ? proc_root(pid) : std::string();
  if (!root.empty() && open_path.starts_with(root + "/")) {
    return open_path.substr(root.size());
  }
  return open_path;
}

// A path the user wrote, looked up in the process's mount namespace first:
// /proc/PID/root/PATH when it exists and is not the file sonde sees.
std::optional<BinaryPath> in_process_root(const std::string& path, int pid) {
  if (pid <= 0 || path.empty() || path[0] != '/') {
    return std::nullopt;
  }
  std::string rooted = proc_root(pid) + path;
  std::error_code error;
  if (!std::filesystem::exists(rooted, error)) {
    return std::nullopt;
  }
  if (same_file(rooted, path)) {
    return BinaryPath{path, path};
  }
  return BinaryPath{path, rooted};
}

Result<std::vector<BinaryPath>> expand_glob(const std::string& pattern,
                                            int pid) {
  // With a pid, an absolute glob runs under the process's root.
  bool rooted = pid > 0 && !pattern.empty() && pattern[0] == '/';
  std::string full = rooted ? proc_root(pid) + pattern : pattern;
  glob_t found{};
  int status = ::glob(full.c_str(), 0, nullptr, &found);
  std::vector<BinaryPath> paths;
  if (status == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) {
      std::string match = found.gl_pathv[i];
      // Shell scripts and directories the glob also matches have nothing
      // to probe.
      if (is_regular_elf(match)) {
        paths.push_back({rooted ? seen_path(match, pid) : match, match});
      }
    }
  }
  globfree(&found);
  if (paths.empty()) {
    return make_error("no ELF file matches '" + pattern + "'" +
                      (rooted ? " in the root of process " + std::to_string(pid)
                              : std::string()));
  }
  return paths;
}

} // namespace

bool is_any_binary(std::string_view name) {
  return name.empty() || name == "*";
}

bool is_binary_glob(std::string_view name) {
  return name.find_first_of("*?[") != std::string_view::npos;
}

Result<BinaryPath> process_executable(int pid) {
  std::string link = "/proc/" + std::to_string(pid) + "/exe";
  std::error_code error;
  std::filesystem::path target = std::filesystem::read_symlink(link, error);
  if (error) {
    return make_error("cannot read the executable of process " +
                      std::to_string(pid) + ": " + error.message());
  }
  std::string path = target.string();
  constexpr std::string_view kDeleted = " (deleted)";
  if (path.ends_with(kDeleted)) {
    path.resize(path.size() - kDeleted.size());
  }
  // Read through the process's root when it sees another file there (a
  // container), else through the link itself (a deleted executable).
  if (same_file(path, link)) {
    return BinaryPath{path, path};
  }
  std::string rooted = proc_root(pid) + path;
  if (same_file(rooted, link)) {
    return BinaryPath{path, rooted};
  }
  return BinaryPath{path, link};
}

Result<std::vector<BinaryPath>> process_binaries(int pid) {
  std::vector<int> pids;
  if (pid > 0) {
    pids.push_back(pid);
  } else {
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator("/proc", error)) {
      std::string name = entry.path().filename().string();
      if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
        pids.push_back(std::stoi(name));
      }
    }
    std::sort(pids.begin(), pids.end());
  }
  std::vector<BinaryPath> binaries;
  // Each file once, however many processes map it.
  std::set<std::pair<std::string, uint64_t>> seen;
  for (int each : pids) {
    Result<ProcessMaps> maps = ProcessMaps::read(each);
    if (!maps) {
      if (pid > 0) {
        return maps.takeError();
      }
      // A process that exited meanwhile, or a kernel thread.
      llvm::consumeError(maps.takeError());
      continue;
    }
    for (const MappedObject& object : maps->objects()) {
      if (!object.has_code || object.open_path.empty() ||
          !seen.insert({object.path, object.inode}).second ||
          !has_elf_magic(object.open_path)) {
        continue;
      }
      binaries.push_back({object.path, object.open_path});
    }
  }
  return binaries;
}

Result<std::vector<BinaryPath>>
expand_binaries(std::string_view name, int pid, bool all_processes) {
  if (is_any_binary(name)) {
    if (pid <= 0 && !all_processes) {
      return make_error("'" + std::string(name) +
                        "' names the objects of a process: give one with "
                        "-p PID");
    }
    return process_binaries(pid);
  }
  std::string text(name);
  if (is_binary_glob(name)) {
    return expand_glob(text, pid);
  }
  if (std::optional<BinaryPath> rooted = in_process_root(text, pid)) {
    return std::vector<BinaryPath>{*rooted};
  }
  Result<std::string> resolved = resolve_binary(name, pid);
  if (!resolved) {
    return resolved.takeError();
  }
  return std::vector<BinaryPath>{{seen_path(*resolved, pid), *resolved}};
}

} // namespace sonde::symbols
