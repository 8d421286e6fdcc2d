// SPDX-License-Identifier: Apache-2.0
// Macro expansion copies a macro's body through each node's list of
// children (ast.h), so every child of every kind is copied.
#include "parse/parse.h"
#include "sema/pipeline.h"
#include "unit/ast/every_kind.h"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace sonde::sema {
namespace {

// A macro whose body has every statement and expression kind, called once.
std::string script() {
  return std::string("macro m() {") + ast::test_support::kEveryStatement +
         "}\nBEGIN { m(); }\n";
}

// The nodes under `node`, parents first.
std::vector<ast::Node*> preorder(ast::Node* node) {
  std::vector<ast::Node*> nodes;
  std::vector<ast::Node*> stack{node};
  while (!stack.empty()) {
    ast::Node* next = stack.back();
    stack.pop_back();
    nodes.push_back(next);
    std::vector<ast::Node*> kids;
    ast::collect_children(next, kids);
    stack.insert(stack.end(), kids.rbegin(), kids.rend());
  }
  return nodes;
}

bool has_children(ast::Node* node) {
  return ast::with_kind(node, [](auto* typed) {
    return ast::HasChildren<std::remove_pointer_t<decltype(typed)>>;
  });
}

TEST(ExpandMacros, CopiesEveryChildOfTheBody) {
  SourceBuffer source("test.bt", script());
  ast::Context context;
  diag::CaptureConsumer capture;
  diag::DiagnosticEngine diag(capture);
  ast::Program* program = parse::parse(source, context, diag);
  ASSERT_NE(program, nullptr);
  ASSERT_TRUE(capture.diagnostics.empty()) << capture.diagnostics[0].message();
  ASSERT_TRUE(expand_macros(*program, context, diag));

  ast::Block* body = program->macros.at(0)->body;
  // A macro called as a statement is a block expression there too.
  auto* stmt =
      ast::dyn_cast<ast::ExprStmt>(program->probes.at(0)->body->stmts.at(0));
  ASSERT_NE(stmt, nullptr);
  auto* call = ast::dyn_cast<ast::BlockExpr>(stmt->expr);
  ASSERT_NE(call, nullptr);
  std::vector<ast::Node*> original = preorder(body);
  std::vector<ast::Node*> copy = preorder(call->block);
  ASSERT_EQ(copy.size(), original.size());
  EXPECT_GT(original.size(), 150u);
  for (size_t i = 0; i < original.size(); ++i) {
    SCOPED_TRACE(std::string(ast::kind_name(original[i]->kind())) + " '" +
                 std::string(source.slice(original[i]->range())) + "'");
    ASSERT_EQ(copy[i]->kind(), original[i]->kind());
    EXPECT_EQ(copy[i]->range().begin, original[i]->range().begin);
    EXPECT_EQ(copy[i]->range().end, original[i]->range().end);
    // A node with children is a new node; one without may be shared,
    // except a variable, which is renamed.
    if (has_children(original[i])) {
      EXPECT_NE(copy[i], original[i]);
    }
    if (auto* var = ast::dyn_cast<ast::Variable>(copy[i])) {
      EXPECT_EQ(var->name.rfind("m.1.", 0), 0u) << var->name;
    }
  }
}

} // namespace
} // namespace sonde::sema
