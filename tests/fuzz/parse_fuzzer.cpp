// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the parser: any bytes go through parse() and, when a
// program comes back, through the AST printer. Besides crashes and
// sanitizer reports it traps on broken invariants: every diagnostic and
// every node must have a range inside the input, and a node's range must
// lie inside its parent's. See README.md for how to build and run it.
#include "ast/ast.h"
#include "ast/context.h"
#include "ast/printer.h"
#include "diag/engine.h"
#include "parse/parse.h"
#include "source/source_buffer.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace {

using sonde::SourceRange;

void check_range(SourceRange range, size_t size) {
  if (range.begin > range.end || range.end > size) {
    __builtin_trap();
  }
}

// Drops diagnostics like diag::NullConsumer, after checking their ranges
// and formatting their messages.
class CheckingConsumer : public sonde::diag::NullConsumer {
public:
  explicit CheckingConsumer(size_t size) : size_(size) {}

  void handle(const sonde::diag::Diagnostic& diagnostic) override {
    if (diagnostic.has_range) {
      check_range(diagnostic.range, size_);
    }
    for (const sonde::diag::Attachment& attachment : diagnostic.attachments) {
      if (attachment.has_range) {
        check_range(attachment.range, size_);
      }
    }
    (void)diagnostic.message();
  }

private:
  size_t size_;
};

// Walks the tree without recursion (a deep tree is what the fuzzer looks
// for) and checks every node's range.
void check_tree(sonde::ast::Program* program, size_t size) {
  std::vector<sonde::ast::Node*> stack{program};
  std::vector<sonde::ast::Node*> children;
  while (!stack.empty()) {
    sonde::ast::Node* node = stack.back();
    stack.pop_back();
    check_range(node->range(), size);
    children.clear();
    sonde::ast::collect_children(node, children);
    for (sonde::ast::Node* child : children) {
      bool inside = child->range().begin >= node->range().begin &&
                    child->range().end <= node->range().end;
      // Top-level items out of order may lie outside the program's range.
      if (!inside && node->kind() != sonde::ast::NodeKind::Program) {
        __builtin_trap();
      }
      stack.push_back(child);
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  sonde::SourceBuffer source("fuzz.bt", std::move(text));
  sonde::ast::Context context;
  CheckingConsumer consumer(size);
  sonde::diag::DiagnosticEngine diag(consumer);
  sonde::ast::Program* program = sonde::parse::parse(source, context, diag);
  if (program != nullptr) {
    check_tree(program, size);
    llvm::raw_null_ostream out;
    sonde::ast::print(program, source, out);
  }
  return 0;
}
