// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "probes/probe_type.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace sonde::driver {

// What `-l` was asked for.
struct ListOptions {
  // The glob; empty lists everything.
  std::string pattern;
  // `-lv`: each probe is followed by its arguments, one per line, indented
  // by four spaces (tracepoint fields, USDT argN with their size).
  bool verbose = false;
  // `-p PID`: `usdt:*` and `uprobe:FN` look into that process.
  int pid = 0;
};

// `sonde -l [PATTERN]`: prints every probe whose full name matches the glob
// PATTERN, one per line, as bpftrace does. A pattern without ':' matches
// names of any provider (`*sleep*`); `usdt:BIN:*` and `uprobe:BIN:*` list
// the probes and functions of one binary, and with a pid `usdt:*` those of
// every object the process maps. `struct NAME`, `union NAME` and `enum
// NAME` globs list vmlinux BTF types, -lv with their C definitions.
// Returns the exit status.
int list_probes(const probes::ProbeCatalog& catalog,
                const ListOptions& options,
                llvm::raw_ostream& out,
                llvm::raw_ostream& err);

// `sonde -l -e PROGRAM` and `sonde -l FILE.bt` (COMPAT 34): the probes a
// program would attach, each expanded target once in the order the
// program names them, with its arguments under -lv.
void list_program_probes(
    const probes::ProbeCatalog& catalog,
    const std::vector<std::vector<probes::AttachTarget>>& probes_targets,
    bool verbose,
    llvm::raw_ostream& out);

} // namespace sonde::driver
