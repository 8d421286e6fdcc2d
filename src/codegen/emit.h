// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "codegen/codegen.h"

#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <string>
#include <vector>

namespace sonde::codegen {

// The BPF target for instruction set `bpf_cpu` ("v3", "v4"). Modules must
// take its data layout before any IR is built, so loads and stores get
// BPF's alignments.
Result<std::unique_ptr<llvm::TargetMachine>>
create_bpf_target(const std::string& bpf_cpu);

// Verifies and optimizes `module`, then compiles it with LLVM's BPF backend
// into an ELF object in memory (BTF included). When `ir_dump` is set the
// optimized IR is printed to it. Errors the backend reports (such as an
// oversized stack) are collected in `diagnostics` and fail the call. All
// LLVM version-specific calls live in this file's implementation.
Result<std::vector<char>>
emit_object(llvm::Module& module,
            llvm::TargetMachine& machine,
            llvm::raw_ostream* ir_dump,
            std::vector<BackendDiagnostic>& diagnostics);

} // namespace sonde::codegen
