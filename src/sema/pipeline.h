// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"
#include "ast/context.h"
#include "diag/engine.h"
#include "probes/probe_type.h"
#include "sema/checked_program.h"

#include <memory>

namespace sonde::symbols {
class KernelSymbolSource;
} // namespace sonde::symbols

namespace sonde::sema {

// Runs the semantic passes in order, stopping after the first pass that
// reports errors (each pass reports as many as it can):
//   1. read_config         the config block and BPFTRACE_<KEY> variables
//   2. read_c_definitions  C definitions (libclang); kernel BTF, lazily
//   3. expand_probes       attach points → concrete targets (ProbeCatalog)
//   4. check_types         types of every expression, variable and map
//   5. plan_resources      BPF programs, maps and printf formats
// expand_macros runs before, on the parsed AST (it rewrites it).
// Returns null when there were errors.
// Kernel lookups go through `catalog` (attach points) and `kernel_symbols`
// (kaddr(), percpu_kaddr()); the driver passes the system's, tests fakes.
// `positional` are the script's $1..$N; `context` says which process is
// traced (-p, -c), for user-space probes and the pid filter; `source`
// locates C definitions; `unsafe` allows system(), signal() and override()
// (--unsafe); `named` are the parameters after `--` that getopt() reads;
// `c_options` the -I directories and --include files of C definitions.
std::unique_ptr<CheckedProgram>
analyze(const ast::Program& program,
        const probes::ProbeCatalog& catalog,
        const symbols::KernelSymbolSource& kernel_symbols,
        diag::DiagnosticEngine& diag,
        const std::vector<std::string>& positional = {},
        const probes::ExpandContext& context = {},
        const SourceBuffer* source = nullptr,
        bool unsafe = false,
        const NamedParams& named = {},
        const btf::CParseOptions& c_options = {});

// The individual passes, exposed for tests.

// Per probe, the targets its attach points expand to.
using ExpandedProbes =
    std::unordered_map<const ast::Probe*, std::vector<probes::AttachTarget>>;

// Replaces every macro call (and call of a `fn`) in the probes with a
// hygienic copy of its body; runs on the parsed AST before analyze().
bool expand_macros(ast::Program& program,
                   ast::Context& context,
                   diag::DiagnosticEngine& diag);

// C definitions are located in `source` when it is given. `options`
// gives -I directories and --include files (which make clang run even
// for a script without definitions); the kernel's types and the script's
// identifiers are added here.
bool read_c_definitions(const ast::Program& program,
                        const SourceBuffer* source,
                        diag::DiagnosticEngine& diag,
                        CheckedProgram& checked,
                        const btf::CParseOptions& options = {});

bool read_config(const ast::Program& program,
                 diag::DiagnosticEngine& diag,
                 ProgramConfig& config);

// Also checks the rules about which probes go together (an `iter` probe
// only with BEGIN and END).
bool expand_probes(const ast::Program& program,
                   const probes::ProbeCatalog& catalog,
                   const ProgramConfig& config,
                   diag::DiagnosticEngine& diag,
                   ExpandedProbes& expanded,
                   const probes::ExpandContext& context = {});

bool check_types(const ast::Program& program,
                 const probes::ProbeCatalog& catalog,
                 const symbols::KernelSymbolSource& kernel_symbols,
                 const ExpandedProbes& expanded,
                 diag::DiagnosticEngine& diag,
                 CheckedProgram& checked);

void plan_resources(const probes::ProbeCatalog& catalog,
                    ExpandedProbes& expanded,
                    CheckedProgram& checked);

} // namespace sonde::sema
