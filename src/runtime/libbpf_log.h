// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace sonde::runtime {

// Routes libbpf's messages through sonde: kept in memory (so a failed load
// can quote the verifier's log) and printed to stderr only in verbose mode.
void capture_libbpf_messages(bool verbose);

// The messages captured since the last call, and clears them.
std::string take_libbpf_messages();

} // namespace sonde::runtime
