// SPDX-License-Identifier: Apache-2.0
#include "base/source_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sonde {

namespace {

std::string too_large() {
  return "it is larger than " + std::to_string(kMaxSourceBytes >> 20) +
         " MiB, the most sonde reads";
}

// Reads up to kMaxSourceBytes + 1 bytes, so that a longer input is seen.
Result<std::string> read_bounded(int fd) {
  std::string text;
  char buffer[65536];
  while (true) {
    ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return make_error(std::strerror(errno));
    }
    if (got == 0) {
      return text;
    }
    text.append(buffer, static_cast<size_t>(got));
    if (text.size() > kMaxSourceBytes) {
      return make_error(too_large());
    }
  }
}

} // namespace

llvm::Error check_source_file(const std::string& path) {
  struct stat status;
  if (::stat(path.c_str(), &status) != 0) {
    return make_error(std::strerror(errno));
  }
  if (S_ISDIR(status.st_mode)) {
    return make_error("it is a directory");
  }
  if (!S_ISREG(status.st_mode)) {
    return make_error("it is not a regular file");
  }
  if (static_cast<size_t>(status.st_size) > kMaxSourceBytes) {
    return make_error(too_large());
  }
  return llvm::Error::success();
}

Result<std::string> read_source_file(const std::string& path) {
  if (llvm::Error problem = check_source_file(path)) {
    return problem;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return make_error(std::strerror(errno));
  }
  Result<std::string> text = read_bounded(fd);
  ::close(fd);
  return text;
}

Result<std::string> read_source_stream(int fd) { return read_bounded(fd); }

} // namespace sonde
