// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

// Numbers that the kernel hands out and people read by name: errno values
// (strerror), signals (signal_name) and x86_64 syscalls (syscall_name).
// BPF records the number; user space names it when printing.
namespace sonde::output {

// libc's message for `error` ("No such file or directory" for 2).
std::string errno_text(int64_t error);
// libc's description of a signal ("Killed" for 9, "Unknown signal 0" for
// 0), as strsignal() gives it; "N/A" below 0 and above SIGRTMAX.
std::string signal_text(int64_t signal);
// "openat" for 257; the number as text when no syscall has it.
std::string syscall_text(int64_t number);

} // namespace sonde::output
