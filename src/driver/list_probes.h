// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "probes/probe_type.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace sonde::driver {

// `sonde -l [PATTERN]`: prints every probe whose full name matches the glob
// PATTERN, one per line, as bpftrace does. A pattern without ':' matches
// names of any provider (`*sleep*`); `usdt:BIN:*` and `uprobe:BIN:*` list
// the probes and functions of one binary. Returns the exit status.
int list_probes(const probes::ProbeCatalog& catalog,
                const std::string& pattern,
                llvm::raw_ostream& out,
                llvm::raw_ostream& err);

} // namespace sonde::driver
