// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sema/checked_program.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace sonde::driver {

// After sema, the named parameters given after `--` against the script's
// getopt() calls: `--help` (unless the script reads a "help" parameter)
// lists them on `out` and ends with status 0; a name no getopt() reads is
// a usage error on `err` (status 1). nullopt when the run goes on.
std::optional<int> check_named_params(const sema::CheckedProgram& checked,
                                      llvm::raw_ostream& out,
                                      llvm::raw_ostream& err);

// The `-- --help` listing: one line per getopt(), sorted by name.
std::string named_params_help(const sema::CheckedProgram& checked);

} // namespace sonde::driver
