// SPDX-License-Identifier: Apache-2.0
#include "runtime/actions.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace sonde::runtime {

std::string read_file_for_cat(const std::string& path, size_t max_bytes) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return "ERROR: failed to open file '" + path +
           "': " + std::strerror(errno) + "\n";
  }
  std::string text(max_bytes, '\0');
  file.read(text.data(), static_cast<std::streamsize>(max_bytes));
  text.resize(static_cast<size_t>(file.gcount()));
  return text;
}

std::string run_command(const std::string& command) {
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return "";
  }
  std::string output;
  char buffer[4096];
  size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, count);
  }
  pclose(pipe);
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
