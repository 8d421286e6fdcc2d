// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"

#include "llvm/Support/raw_ostream.h"

namespace sonde::ast {

// Prints the tree one node per line, children indented by two spaces, each
// line ending with the node's line:column. This is the `-d ast` dump and
// what golden parse tests compare against.
void print(const Node* node,
           const SourceBuffer& source,
           llvm::raw_ostream& out);

} // namespace sonde::ast
