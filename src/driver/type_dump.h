// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sema/checked_program.h"

#include "llvm/Support/raw_ostream.h"

namespace sonde::driver {

// The `--dump=types` output: each probe's programs and targets, then every
// map and variable with its type. Golden sema tests compare against it.
void print_types(const sema::CheckedProgram& program,
                 const SourceBuffer& source,
                 llvm::raw_ostream& out);

} // namespace sonde::driver
