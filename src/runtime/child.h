// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include <string>
#include <sys/types.h>

namespace sonde::runtime {

// The command of `-c CMD`: started at once, so its pid (cpid) is known when
// the script is compiled, but held before exec until every probe is
// attached, so nothing it does is missed. Destroying a child that was never
// released makes it exit without running; a released one that is still
// running when the trace ends gets SIGTERM, as with bpftrace, and so does
// everything it started: without a terminal on stdin the command runs in a
// process group of its own, which is signalled as a whole (with one, it
// stays in sonde's group, so job control and Ctrl-C work as for any
// command). If sonde itself dies, even by SIGKILL, the kernel sends the
// command SIGTERM (PR_SET_PDEATHSIG).
class Child {
public:
  // Forks the command (split into words like a shell would, but run
  // without one), held before exec.
  static Result<Child> spawn(const std::string& command);

  Child(Child&& other) noexcept;
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  ~Child();

  pid_t pid() const { return pid_; }
  // Lets the command run.
  void release();
  // Reaps the child if it has exited; true once it has.
  bool reap();

private:
  Child(pid_t pid, int release_fd, bool own_group)
      : pid_(pid), release_fd_(release_fd), own_group_(own_group) {}

  pid_t pid_ = -1;
  int release_fd_ = -1;
  bool own_group_ = false;
  bool exited_ = false;
};

} // namespace sonde::runtime
