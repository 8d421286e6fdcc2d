// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codegen/artifact.h"

#include <cstddef>
#include <string>

// The user-space side of cat(), system() and join(): what they print.
namespace sonde::runtime {

// cat(): at most `max_bytes` of the file at `path` (bpftrace's
// max_cat_bytes), or bpftrace's error text when it cannot be read.
std::string read_file_for_cat(const std::string& path, size_t max_bytes);

// system(): runs `command` with /bin/sh and returns what it wrote to
// stdout. Its stderr goes to sonde's.
std::string run_command(const std::string& command);

// join(): the strings of a join record (`data`, `size` bytes, header
// included) separated by the call's separator; a record shorter than its
// layout gives an empty text.
std::string
join_record(const codegen::JoinMeta& meta, const char* data, size_t size);

} // namespace sonde::runtime
