// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/context.h"
#include "diag/engine.h"
#include "source/source_buffer.h"

#include <string>

namespace sonde::parse {

// Resolves the script's `import "path";` statements (at the root, and the
// unstable ones inside blocks, which sema then allows or refuses), each
// relative to the directory of the file that names it (`script_dir` for
// the main script):
//   - a `.bt` script is appended to `source`, parsed, and its C
//     definitions, macros, fns, map declarations and probes join the
//     program (the script's own macros and fns win over imported ones of
//     the same signature); it may not have a config block;
//   - a `.h` header joins the C definitions as an `#include` would;
//   - a directory imports every `.bt` and `.h` file in it, sorted by name;
//   - a `.bpf.c` source is refused: sonde does not compile BPF C.
// Each file is imported once (by its real path), so cycles end. Files in a
// world-writable directory are refused. Returns false after reporting.
bool resolve_imports(ast::Program& program,
                     SourceBuffer& source,
                     ast::Context& context,
                     diag::DiagnosticEngine& diag,
                     const std::string& script_dir,
                     const std::string& script_path = "");

} // namespace sonde::parse
