// SPDX-License-Identifier: Apache-2.0
#include "runtime/libbpf_log.h"

#include <bpf/libbpf.h>
#include <cstdarg>
#include <cstdio>

namespace sonde::runtime {

namespace {
bool g_verbose = false;
std::string g_messages;

int on_libbpf_message(enum libbpf_print_level level,
                      const char* format,
                      va_list args) {
  if (level == LIBBPF_DEBUG && !g_verbose) {
    return 0;
  }
  char buffer[4096];
  va_list copy;
  va_copy(copy, args);
  int size = vsnprintf(buffer, sizeof(buffer), format, copy);
  va_end(copy);
  if (size > 0) {
    g_messages.append(buffer, std::min<size_t>(size, sizeof(buffer) - 1));
  }
  if (g_verbose) {
    vfprintf(stderr, format, args);
  }
  return 0;
}
} // namespace

void capture_libbpf_messages(bool verbose) {
  g_verbose = verbose;
  libbpf_set_print(on_libbpf_message);
}

std::string take_libbpf_messages() {
  std::string messages;
  messages.swap(g_messages);
  return messages;
}

} // namespace sonde::runtime
