// SPDX-License-Identifier: Apache-2.0
#include "driver/privileges.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sonde::driver {

namespace {

// Capability numbers newer than some libc headers.
constexpr unsigned kCapPerfmon = 38;
constexpr unsigned kCapBpf = 39;

bool has_capability(const __user_cap_data_struct (&data)[2], unsigned cap) {
  return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

} // namespace

void open_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      // open() returns the lowest free descriptor: this one.
      int opened = open("/dev/null", O_RDWR);
      if (opened > fd) {
        close(opened);
      }
    }
  }
}

std::optional<std::string> missing_tracing_privileges() {
  if (geteuid() == 0) {
    return std::nullopt;
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  bool known = syscall(SYS_capget, &header, data) == 0;
  if (known &&
      (has_capability(data, CAP_SYS_ADMIN) ||
       (has_capability(data, kCapBpf) && has_capability(data, kCapPerfmon)))) {
    return std::nullopt;
  }
  return std::string(
      "tracing needs root: run sonde as root (sudo), or give it the "
      "capabilities CAP_BPF and CAP_PERFMON (tracepoints also need "
      "CAP_DAC_READ_SEARCH to read tracefs)");
}

} // namespace sonde::driver
