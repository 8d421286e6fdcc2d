// SPDX-License-Identifier: Apache-2.0
#include "output/names.h"
#include "output/values.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <gtest/gtest.h>
#include <sys/syscall.h>

namespace sonde::output {
namespace {

TEST(Names, ErrnoIsLibcMessage) {
  EXPECT_EQ(errno_text(ENOENT), std::strerror(ENOENT));
  EXPECT_EQ(errno_text(EACCES), std::strerror(EACCES));
  EXPECT_EQ(errno_text(0), std::strerror(0));
  EXPECT_EQ(errno_text(int64_t(1) << 40), "Unknown error 1099511627776");
}

TEST(Names, SignalsByNumber) {
  // COMPAT 85: strsignal()'s text, as bpftrace prints it.
  EXPECT_EQ(signal_text(SIGKILL), "Killed");
  EXPECT_EQ(signal_text(SIGINT), "Interrupt");
  EXPECT_EQ(signal_text(SIGRTMIN + 3), "Real-time signal 3");
  EXPECT_EQ(signal_text(0), "Unknown signal 0");
  EXPECT_EQ(signal_text(-5), "N/A");
  EXPECT_EQ(signal_text(200), "N/A");
}

TEST(Names, SyscallsFromTheKernelHeaders) {
  // The table is generated from asm/unistd_64.h, as <sys/syscall.h> is.
  EXPECT_EQ(syscall_text(SYS_read), "read");
  EXPECT_EQ(syscall_text(SYS_openat), "openat");
  EXPECT_EQ(syscall_text(SYS_getpid), "getpid");
  EXPECT_EQ(syscall_text(SYS_clock_nanosleep), "clock_nanosleep");
  EXPECT_EQ(syscall_text(-1), "-1");
  EXPECT_EQ(syscall_text(100000), "100000");
}

TEST(Names, FormattedValuesUseThem) {
  int64_t value = SYS_openat;
  char data[8];
  std::memcpy(data, &value, 8);
  types::Type type =
      types::Type::formatted(types::Presentation::SyscallName, 8);
  EXPECT_EQ(format_value({&type, data}, nullptr), "openat");
  type = types::Type::formatted(types::Presentation::SignalName, 8);
  value = SIGINT;
  std::memcpy(data, &value, 8);
  EXPECT_EQ(format_value({&type, data}, nullptr), "Interrupt");
  type = types::Type::formatted(types::Presentation::ErrnoText, 8);
  value = ENOENT;
  std::memcpy(data, &value, 8);
  EXPECT_EQ(format_value({&type, data}, nullptr), std::strerror(ENOENT));
}

} // namespace
} // namespace sonde::output
