// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"
#include "diag/engine.h"
#include "probes/probe_type.h"
#include "sema/checked_program.h"

#include <memory>

namespace sonde::sema {

// Runs the semantic passes in order, stopping after the first pass that
// reports errors (each pass reports as many as it can):
//   1. expand_probes  attach points → concrete targets (ProbeCatalog)
//   2. check_types    types of every expression, variable and map; rules
//   3. plan_resources BPF programs, maps and printf formats
// Returns null when there were errors.
// `positional` are the script's $1..$N; `unsafe` allows system(),
// signal() and override() (--unsafe).
std::unique_ptr<CheckedProgram>
analyze(const ast::Program& program,
        const probes::ProbeCatalog& catalog,
        diag::DiagnosticEngine& diag,
        const std::vector<std::string>& positional = {},
        bool unsafe = false);

// The individual passes, exposed for tests.

// Per probe, the targets its attach points expand to.
using ExpandedProbes =
    std::unordered_map<const ast::Probe*, std::vector<probes::AttachTarget>>;

bool read_config(const ast::Program& program,
                 diag::DiagnosticEngine& diag,
                 ProgramConfig& config);

bool expand_probes(const ast::Program& program,
                   const probes::ProbeCatalog& catalog,
                   const ProgramConfig& config,
                   diag::DiagnosticEngine& diag,
                   ExpandedProbes& expanded);

bool check_types(const ast::Program& program,
                 const probes::ProbeCatalog& catalog,
                 const ExpandedProbes& expanded,
                 diag::DiagnosticEngine& diag,
                 CheckedProgram& checked);

void plan_resources(const probes::ProbeCatalog& catalog,
                    ExpandedProbes& expanded,
                    CheckedProgram& checked);

} // namespace sonde::sema
