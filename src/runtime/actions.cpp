// SPDX-License-Identifier: Apache-2.0
#include "runtime/actions.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sonde::runtime {

std::string read_file_for_cat(const std::string& path, size_t max_bytes) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return "ERROR: failed to open file '" + path +
           "': " + std::strerror(errno) + "\n";
  }
  // In chunks: max_cat_bytes may be far larger than the file.
  std::string text;
  char chunk[65536];
  while (text.size() < max_bytes && file) {
    size_t want = std::min(sizeof(chunk), max_bytes - text.size());
    file.read(chunk, static_cast<std::streamsize>(want));
    text.append(chunk, static_cast<size_t>(file.gcount()));
  }
  return text;
}

std::string run_command(const std::string& command) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    return "";
  }
  // The shell starts with the signal handling a command expects, not
  // sonde's: nothing blocked (sonde blocks the signals its event loop
  // reads), SIGPIPE at its default (sonde ignores it).
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  pid_t pid = -1;
  int spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes,
                            const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(out[1]);
  std::string output;
  if (spawned == 0) {
    char buffer[4096];
    ssize_t count = 0;
    while ((count = read(out[0], buffer, sizeof(buffer))) != 0) {
      if (count < 0 && errno == EINTR) {
        continue;
      }
      if (count < 0) {
        break;
      }
      output.append(buffer, static_cast<size_t>(count));
    }
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  close(out[0]);
  return output;
}

std::string
join_record(const codegen::JoinMeta& meta, const char* data, size_t size) {
  size_t strings_at = sizeof(codegen::EventHeader) + 8;
  if (size < meta.record_size()) {
    return "";
  }
  uint64_t count = 0;
  std::memcpy(&count, data + sizeof(codegen::EventHeader), sizeof(count));
  count = std::min<uint64_t>(count, meta.max_strings);
  std::string text;
  for (uint64_t i = 0; i < count; ++i) {
    const char* slot = data + strings_at + i * meta.string_size;
    if (i != 0) {
      text += meta.separator;
    }
    text.append(slot, strnlen(slot, meta.string_size));
  }
  return text;
}

} // namespace sonde::runtime
