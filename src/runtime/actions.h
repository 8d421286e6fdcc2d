// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>

// The user-space side of cat() and system(): what they print.
namespace sonde::runtime {

// cat(): at most `max_bytes` of the file at `path` (bpftrace's
// max_cat_bytes), or bpftrace's error text when it cannot be read.
std::string read_file_for_cat(const std::string& path, size_t max_bytes);

// system(): runs `command` with /bin/sh and returns what it wrote to
// stdout. Its stderr goes to sonde's.
std::string run_command(const std::string& command);

} // namespace sonde::runtime
