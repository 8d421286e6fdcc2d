// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sonde::runtime {

// What a failed load says about its cause, read from libbpf's messages
// and the verifier's log they quote.
struct LoadFailure {
  // The BPF function whose load failed, e.g. "s0_sys_enter_openat".
  std::string program;
  // The verifier's last message before it gave up, e.g.
  // "invalid mem access 'scalar'", or libbpf's error text.
  std::string reason;
  // The script line the verifier was checking (from BTF line info), 0 if
  // the log names none.
  uint32_t line = 0;
};

// Reads libbpf's output from a failed bpf_object__load; nullopt when it
// names no program.
std::optional<LoadFailure> parse_load_failure(const std::string& log);

} // namespace sonde::runtime
