// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include <string>
#include <string_view>
#include <vector>

// The files a user-space attach point's binary part names. BIN in
// `uprobe:BIN:fn` and `usdt:BIN:...` may be a path (absolute or relative),
// a program in $PATH, a library name, a glob over paths (`/usr/bin/bas*`)
// or `*` / nothing for every object a process maps. With `-p PID`, paths
// are looked up in that process's mount namespace (through
// /proc/PID/root), so a program in a container is found by the path it
// has there.
namespace sonde::symbols {

// One file an attach point names.
struct BinaryPath {
  // The path as the traced process sees it (or as written, for a path
  // without one): what probe names show.
  std::string path;
  // A path through which sonde reads the file and attaches to it: `path`
  // itself, or /proc/PID/root/PATH when the process sees another file
  // there, or a /proc/PID/map_files entry for a deleted file.
  std::string open_path;
};

// What BIN is: `*` or empty (every object of a process), a glob, or one
// file.
bool is_any_binary(std::string_view name);
bool is_binary_glob(std::string_view name);

// Expands BIN:
//  - `*` or empty: with `pid` > 0, every ELF object the process maps
//    executable, its executable first; without one, every such object of
//    every process when `all_processes` is set (USDT), else an error;
//  - a glob ('*', '?' or '['): the regular ELF files it matches, sorted,
//    looked up under /proc/PID/root with a pid; an error when none does;
//  - anything else: resolve_binary(), then, with a pid, the file the
//    process sees at that path when it differs from sonde's.
// Fails with a message naming what was searched.
Result<std::vector<BinaryPath>>
expand_binaries(std::string_view name, int pid, bool all_processes = false);

// The executable of process `pid`, named as the process sees it.
Result<BinaryPath> process_executable(int pid);

// Every ELF object the process maps executable, its executable first;
// every process's (each file once) when `pid` is 0.
Result<std::vector<BinaryPath>> process_binaries(int pid);

} // namespace sonde::symbols
