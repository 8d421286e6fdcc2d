// SPDX-License-Identifier: Apache-2.0
#include "output/names.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <iterator>

namespace sonde::output {

namespace {

struct SyscallEntry {
  int64_t number;
  const char* name;
};

// Generated at build time from asm/unistd_64.h (src/CMakeLists.txt).
constexpr SyscallEntry kSyscalls[] = {
#include "output/syscall_names.inc"
};

} // namespace

std::string errno_text(int64_t error) {
  // strerror_r's GNU form returns the message, in its buffer or a static
  // string.
  char buffer[128];
  if (error < INT32_MIN || error > INT32_MAX) {
    return "Unknown error " + std::to_string(error);
  }
  return strerror_r(static_cast<int>(error), buffer, sizeof(buffer));
}

std::string signal_text(int64_t signal) {
  // strsignal()'s text, as bpftrace prints it: "Unknown signal 0" for a
  // number in range that names no signal, "N/A" outside the range.
  if (signal < 0 || signal > SIGRTMAX) {
    return "N/A";
  }
  return strsignal(static_cast<int>(signal));
}

std::string syscall_text(int64_t number) {
  const auto* found = std::find_if(
      std::begin(kSyscalls), std::end(kSyscalls),
      [number](const SyscallEntry& entry) { return entry.number == number; });
  return found != std::end(kSyscalls) ? found->name : std::to_string(number);
}

} // namespace sonde::output
