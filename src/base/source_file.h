// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include <cstddef>
#include <string>

// Reading script text (a script file, stdin, an imported script, an
// included header) with a bound: sonde must never read /dev/zero or a
// FIFO that never ends until it runs out of memory.
namespace sonde {

// The largest script, import or header sonde reads: far beyond any real
// script, small enough to parse in well under a second.
inline constexpr size_t kMaxSourceBytes = size_t(16) << 20;

// Why `path` cannot be read as source text: it does not exist, is a
// directory or another non-regular file (a device, a FIFO, a socket), or
// is larger than kMaxSourceBytes. Success when it can.
llvm::Error check_source_file(const std::string& path);

// Reads a source file after check_source_file; the error says why not
// ("it is a directory", "it is larger than 16 MiB", strerror).
Result<std::string> read_source_file(const std::string& path);

// Reads all of `fd` (stdin) up to kMaxSourceBytes; more is an error.
Result<std::string> read_source_stream(int fd);

} // namespace sonde
