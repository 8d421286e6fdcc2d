// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "codegen/artifact.h"
#include "sema/checked_program.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <utility>

namespace sonde::codegen {

// An error LLVM's BPF backend reported at a script location.
struct BackendDiagnostic {
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
  // The probe's stack frame is larger than BPF allows.
  bool stack_limit = false;
};

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
  // How many CPUs the kernel may run (per-CPU values to merge when a probe
  // reads an aggregation).
  uint32_t possible_cpus = 1;
  // Bytes in the event ring buffer shared by all CPUs.
  uint32_t ringbuf_size = 512 * 1024;
  // sonde's pid namespace (the device and inode of /proc/self/ns/pid) when
  // it is not the initial one: user addresses are then recorded with the
  // process's id in that namespace, which its /proc shows.
  std::optional<std::pair<uint64_t, uint64_t>> pid_namespace;
};

// Compiles a checked program into a BPF ELF object and its runtime
// metadata, entirely in memory. Fails when the BPF backend rejects the
// program (the reasons, with script locations, go to `diagnostics`) or on
// internal errors.
Result<Artifact> generate(const sema::CheckedProgram& program,
                          const Options& options,
                          std::vector<BackendDiagnostic>& diagnostics);

} // namespace sonde::codegen
