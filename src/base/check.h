// SPDX-License-Identifier: Apache-2.0
#pragma once

// SONDE_CHECK guards internal invariants. It is never used for user input:
// a failed check is a bug in sonde, so it prints the condition and a
// backtrace and aborts.
#define SONDE_CHECK(cond, ...)                                                 \
  do {                                                                         \
    if (!(cond)) [[unlikely]] {                                                \
      ::sonde::check_failed(#cond, __FILE__,                                   \
                            __LINE__ __VA_OPT__(, ) __VA_ARGS__);              \
    }                                                                          \
  } while (false)

namespace sonde {

// Reports a failed SONDE_CHECK and aborts; `message` adds context.
[[noreturn]] void check_failed(const char* condition,
                               const char* file,
                               int line,
                               const char* message = nullptr);

} // namespace sonde
