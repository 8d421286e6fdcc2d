// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/context.h"
#include "diag/engine.h"
#include "source/source_buffer.h"

namespace sonde::parse {

// Parses a whole script: C definitions, config blocks, imports, probes,
// macros, functions and map declarations. Syntax errors, top-level items
// out of order and nesting past the limit are reported to `diag`; the
// parser recovers at ';', '}' and top-level items (a missing '}' is found
// where the next item starts a line) so that every error in the script is
// reported. Returns the program (possibly partial) or null when its
// nesting is too deep; check diag.has_errors() either way.
ast::Program* parse(const SourceBuffer& source,
                    ast::Context& context,
                    diag::DiagnosticEngine& diag);

// Parses one file of `source` (an imported one, see
// SourceBuffer::add_file); ranges in the result are offsets into source.
ast::Program* parse_file(const SourceBuffer& source,
                         SourceRange file,
                         ast::Context& context,
                         diag::DiagnosticEngine& diag);

} // namespace sonde::parse
