// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codegen/artifact.h"
#include "output/formatter.h"
#include "runtime/child.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace sonde::probes {
class ProbeCatalog;
} // namespace sonde::probes

namespace sonde::runtime {

struct RunOptions {
  // Suppress "Attached N probes" and similar messages.
  bool quiet = false;
  // Show libbpf's messages and verifier logs.
  bool verbose = false;
  // Print warnf() messages (--no-warnings turns them off).
  bool warnings = true;
  // Load and verify every program, then stop: nothing is attached and
  // BEGIN/END do not run (so probe types this kernel cannot attach, such
  // as kprobes without CONFIG_KPROBES, can still be checked).
  bool dry_run = false;
  // Print a marker line on stdout once every probe is attached, for tests
  // (SONDE_NOTIFY_ATTACHED=1).
  bool notify_attached = false;
  // Colour diagnostics (load and verifier errors).
  bool color = false;
  // Text as bpftrace prints it, or one JSON object per line (-f json).
  output::OutputFormat format = output::OutputFormat::Text;
  // `-c CMD`: released once every probe is attached; the trace ends when
  // it exits.
  Child* child = nullptr;
  // `-p PID`: the trace ends when this process exits; 0 without one.
  int traced_pid = 0;
  // The file `out` writes to (stdout or -o), when it is one: a failed
  // write (a closed pipe, a full disk) ends the run with an error.
  llvm::raw_fd_ostream* out_file = nullptr;
};

// Loads an artifact into the kernel, runs BEGIN, attaches every probe,
// prints events until exit() or SIGINT/SIGTERM, then detaches, runs END and
// prints the maps. Meanwhile each SIGUSR1 runs the self probes, or prints
// the maps when there are none. Each probe's provider comes from `catalog`,
// the one sema expanded the attach points with: it says whether the kernel
// can run the probe (checked before loading and before attaching) and
// attaches it. Program output goes to `out`; messages and errors go to
// `err`. Returns the process exit status: exit()'s code, or 1 when loading
// or attaching failed (every probe already attached is detached first).
int run(const codegen::Artifact& artifact,
        const probes::ProbeCatalog& catalog,
        const RunOptions& options,
        llvm::raw_ostream& out,
        llvm::raw_ostream& err);

} // namespace sonde::runtime
