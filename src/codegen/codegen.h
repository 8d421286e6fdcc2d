// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "codegen/artifact.h"
#include "sema/checked_program.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace sonde::codegen {

struct Options {
  // The BPF instruction set to target ("v3", or "v4" when the kernel has
  // signed division and the other v4 instructions).
  std::string bpf_cpu = "v3";
  // The script's text and name, embedded in the BTF line info so that
  // verifier logs quote script lines.
  std::string source_name;
  std::string source_text;
  // When set, the optimized IR is printed here.
  llvm::raw_ostream* ir_dump = nullptr;
  // The entries of maps created without an explicit size.
  uint32_t max_map_keys = 4096;
  // Bytes in the event ring buffer shared by all CPUs.
  uint32_t ringbuf_size = 512 * 1024;
};

// Compiles a checked program into a BPF ELF object and its runtime
// metadata, entirely in memory. Fails only on internal errors: every user
// error was reported by sema.
Result<Artifact> generate(const sema::CheckedProgram& program,
                          const Options& options);

} // namespace sonde::codegen
