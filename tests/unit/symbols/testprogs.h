// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <cstdio>
#include <dlfcn.h>
#include <fstream>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

// Shared helpers for the symbols tests. The test programs are built by
// tests/data/testprogs/CMakeLists.txt, which passes their paths as macros.
// Every value the tests compare with is found without sonde's ELF code:
// from the dynamic loader (dlsym), the kernel (/proc/self/maps) or the
// test programs themselves, which report their own mappings.
namespace sonde::symbols::testing {

// `count` bytes of `path` at `offset`; fewer when the file is shorter.
inline std::string
file_bytes(const std::string& path, uint64_t offset, size_t count) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string bytes(count, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(count));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

inline std::string to_hex(const std::string& bytes) {
  std::string text;
  char buffer[3];
  for (char c : bytes) {
    std::snprintf(buffer, sizeof(buffer), "%02x",
                  static_cast<unsigned char>(c));
    text += buffer;
  }
  return text;
}

// The file offset at which `address` is mapped in this process, read from
// /proc/self/maps with sscanf (independent of sonde's parser).
inline std::optional<uint64_t> self_file_offset(const void* address) {
  FILE* maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) {
    return std::nullopt;
  }
  char line[4096];
  std::optional<uint64_t> found;
  while (std::fgets(line, sizeof(line), maps) != nullptr) {
    unsigned long start = 0;
    unsigned long end = 0;
    unsigned long offset = 0;
    if (std::sscanf(line, "%lx-%lx %*s %lx", &start, &end, &offset) != 3) {
      continue;
    }
    auto at = reinterpret_cast<unsigned long>(address);
    if (at >= start && at < end) {
      found = at - start + offset;
      break;
    }
  }
  std::fclose(maps);
  return found;
}

// Runs a shell command and returns its standard output.
inline std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return output;
  }
  char buffer[4096];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, got);
  }
  ::pclose(pipe);
  return output;
}

// dlopen()s a test library once and keeps it loaded for the test binary.
inline void* open_library(const char* path) {
  void* handle = ::dlopen(path, RTLD_NOW);
  if (handle == nullptr) {
    ADD_FAILURE() << "dlopen " << path << ": " << ::dlerror();
  }
  return handle;
}

} // namespace sonde::symbols::testing
