// SPDX-License-Identifier: Apache-2.0
#include "runtime/child.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>

namespace sonde::runtime {

namespace {

// Whether execvp would find `program`: a path, or a name in $PATH.
bool runnable(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0;
  }
  const char* path = getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

} // namespace

Result<Child> Child::spawn(const std::string& command) {
  // The command is split into words the way a shell would (quotes,
  // variables), without running a shell: its pid is the command's.
  wordexp_t words{};
  if (wordexp(command.c_str(), &words, WRDE_NOCMD) != 0 ||
      words.we_wordc == 0) {
    wordfree(&words);
    return make_error("cannot parse the command '" + command + "'");
  }
  if (!runnable(words.we_wordv[0])) {
    std::string program = words.we_wordv[0];
    wordfree(&words);
    return make_error("command '" + program + "' not found");
  }
  bool own_group = isatty(STDIN_FILENO) == 0;
  pid_t parent = getpid();
  int gate[2];
  if (pipe2(gate, O_CLOEXEC) != 0) {
    return make_error(std::string("cannot start the command: ") +
                      std::strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) {
    int error = errno;
    close(gate[0]);
    close(gate[1]);
    wordfree(&words);
    return make_error(std::string("cannot start the command: ") +
                      std::strerror(error));
  }
  if (pid == 0) {
    // The child: it ends with sonde, even one killed by SIGKILL (the check
    // of the parent covers a sonde gone before prctl).
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) {
      _exit(127);
    }
    if (own_group) {
      setpgid(0, 0);
    }
    // Wait for the release byte; a closed pipe means the trace failed to
    // start, so leave without running the command.
    close(gate[1]);
    char go = 0;
    ssize_t got = -1;
    do {
      got = read(gate[0], &go, 1);
    } while (got < 0 && errno == EINTR);
    if (got != 1) {
      _exit(127);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execvp(words.we_wordv[0], words.we_wordv);
    fprintf(stderr, "sonde: error: cannot run '%s': %s\n", words.we_wordv[0],
            std::strerror(errno));
    _exit(127);
  }
  if (own_group) {
    // Also here, so the group exists whichever process runs first.
    setpgid(pid, pid);
  }
  wordfree(&words);
  close(gate[0]);
  return Child(pid, gate[1], own_group);
}

Child::Child(Child&& other) noexcept
    : pid_(other.pid_), release_fd_(other.release_fd_),
      own_group_(other.own_group_), exited_(other.exited_) {
  other.pid_ = -1;
  other.release_fd_ = -1;
}

Child::~Child() {
  if (pid_ < 0) {
    return;
  }
  if (release_fd_ >= 0) {
    close(release_fd_);
  } else if (!reap() || own_group_) {
    // The command's group outlives it when it started others.
    kill(own_group_ ? -pid_ : pid_, SIGTERM);
  }
  if (!exited_) {
    waitpid(pid_, nullptr, 0);
  }
}

void Child::release() {
  if (release_fd_ < 0) {
    return;
  }
  char go = 1;
  (void)!write(release_fd_, &go, 1);
  close(release_fd_);
  release_fd_ = -1;
}

bool Child::reap() {
  if (!exited_ && waitpid(pid_, nullptr, WNOHANG) == pid_) {
    exited_ = true;
  }
  return exited_;
}

} // namespace sonde::runtime
