// SPDX-License-Identifier: Apache-2.0
#include "runtime/verifier_log.h"

#include "base/strings.h"

namespace sonde::runtime {

namespace {

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

// "libbpf: prog 'NAME': ..." → NAME.
std::optional<std::string> program_of(const std::string& line) {
  static const std::string kPrefix = "libbpf: prog '";
  if (!starts_with(line, kPrefix.c_str())) {
    return std::nullopt;
  }
  size_t end = line.find('\'', kPrefix.size());
  if (end == std::string::npos) {
    return std::nullopt;
  }
  return line.substr(kPrefix.size(), end - kPrefix.size());
}

// The verifier prints BTF line info as "; <source text> @ <file>:<line>".
uint32_t source_line_of(const std::string& line) {
  if (!starts_with(line, "; ")) {
    return 0;
  }
  size_t colon = line.rfind(':');
  size_t at = line.rfind(" @ ");
  if (colon == std::string::npos || at == std::string::npos || colon < at) {
    return 0;
  }
  uint32_t number = 0;
  for (size_t i = colon + 1; i < line.size(); ++i) {
    if (line[i] < '0' || line[i] > '9') {
      return 0;
    }
    number = number * 10 + (line[i] - '0');
  }
  return number;
}

// Why the kernel said no, where its words do not say: the verifier reports
// a helper the kernel withholds as unknown to the program type.
std::string explained(const std::string& reason) {
  if (reason.find("cannot use helper bpf_probe_write_user") !=
      std::string::npos) {
    return reason +
           " (write_user() needs bpf_probe_write_user, which a kernel under "
           "lockdown does not offer: see kernel_lockdown(7))";
  }
  return reason;
}

} // namespace

std::optional<LoadFailure> parse_load_failure(const std::string& log) {
  std::optional<LoadFailure> failure;
  bool in_log = false;
  std::string last_message;
  for (const std::string& line : split(log, '\n')) {
    if (std::optional<std::string> program = program_of(line)) {
      if (!failure) {
        failure = LoadFailure{*program, "", 0};
      }
      if (line.find("-- BEGIN PROG LOAD LOG --") != std::string::npos) {
        in_log = true;
      } else if (line.find("-- END PROG LOAD LOG --") != std::string::npos) {
        in_log = false;
      } else if (failure->reason.empty() && *program == failure->program) {
        size_t colon = line.find("': ");
        failure->reason = line.substr(colon + 3);
      }
      continue;
    }
    if (!in_log || !failure) {
      continue;
    }
    if (uint32_t source_line = source_line_of(line); source_line != 0) {
      failure->line = source_line;
    } else if (starts_with(line, "processed ") ||
               line.find("-- END PROG LOAD LOG --") != std::string::npos) {
      in_log = false;
    } else if (!line.empty() && !(line[0] >= '0' && line[0] <= '9')) {
      // Instruction lines start with their index; the verifier's own
      // complaints do not.
      last_message = line;
    }
  }
  if (failure && !last_message.empty()) {
    failure->reason = last_message;
  }
  if (failure) {
    failure->reason = explained(failure->reason);
  }
  return failure;
}

} // namespace sonde::runtime
