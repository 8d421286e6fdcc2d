// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/context.h"
#include "diag/engine.h"
#include "source/source_buffer.h"

namespace sonde::parse {

// Parses a whole script. Syntax errors are reported to `diag`; the parser
// recovers at ';', '}' and probe boundaries so that every error in the
// script is reported. Returns the program (possibly partial) or null when
// nothing could be parsed; check diag.has_errors() either way.
ast::Program* parse(const SourceBuffer& source,
                    ast::Context& context,
                    diag::DiagnosticEngine& diag);

} // namespace sonde::parse
