// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace sonde::codegen {

// Verifies and optimizes `module`, then compiles it with LLVM's BPF backend
// into an ELF object in memory (BTF included). When `ir_dump` is set the
// optimized IR is printed to it. All LLVM version-specific calls live in
// this file's implementation.
Result<std::vector<char>> emit_object(llvm::Module& module,
                                      const std::string& bpf_cpu,
                                      llvm::raw_ostream* ir_dump);

} // namespace sonde::codegen
