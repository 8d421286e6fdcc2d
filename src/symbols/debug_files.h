// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <vector>

// Where the debug information of a stripped object lives. Distributions
// and `objcopy --only-keep-debug` put it in a separate file, found the way
// gdb finds it:
//  - by build id: DIR/.build-id/xx/yyyy.debug, for each debug directory;
//  - by the name in the object's .gnu_debuglink: next to the object, in
//    its .debug/ folder, and under each debug directory (with the object's
//    folder appended, then without it).
// The debug directories are those given with --debuginfo=DIR, then
// /usr/lib/debug. A candidate is accepted when it is ELF and its build id,
// if both files have one, is the object's. Split DWARF packages (.dwp) are
// looked for next to the object and in the same directories.
namespace sonde::symbols {

class ElfReader;

// Adds directories searched before /usr/lib/debug (`--debuginfo=DIR`,
// repeatable). Set once by the driver before any lookup.
void add_debug_directory(std::string directory);
// The directories searched, --debuginfo ones first.
std::vector<std::string> debug_directories();

// What identifies an object's separate debug file.
struct DebugLink {
  // The object as sonde opens it.
  std::string path;
  // Its GNU build id (lower-case hex), if any.
  std::optional<std::string> build_id;
  // The file name in its .gnu_debuglink section, if any.
  std::string debuglink;
};

// The file name in an object's .gnu_debuglink section, or empty.
std::string read_debuglink(const ElfReader& reader);

// The separate debug file of an object that has the section named
// `needed` (".symtab" or ".debug_info"), or empty when none is installed.
std::string find_debug_file(const DebugLink& link, const char* needed);

// The split DWARF package of an object: PATH.dwp next to it, or
// NAME.dwp in a debug directory. Empty when none exists.
std::string find_dwp_file(const std::string& path);

} // namespace sonde::symbols
