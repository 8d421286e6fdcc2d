// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

// The values a getopt() parameter accepts on the command line, shared by
// sema (which folds them into the program) and the driver (which checks a
// script's arguments before compiling it).
namespace sonde::sema {

// "true"/"1" or "false"/"0".
bool parse_getopt_bool(const std::string& text, int64_t& value);
// A C integer literal (decimal, 0x hex, 0 octal), optionally negative, up to
// 0xffffffffffffffff as a uint64's bits.
bool parse_getopt_integer(const std::string& text, int64_t& value);

} // namespace sonde::sema
