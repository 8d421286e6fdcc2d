// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "parse/parse.h"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

// The fixture shared by the parser's unit tests: parse a script, then look
// at the tree and the captured diagnostics (never their rendered text).
namespace sonde::parse::test_support {

using ast::BinaryOp;
using ast::NodeKind;
using diag::Kind;

class ParserTest : public ::testing::Test {
protected:
  ast::Program* run(std::string text) {
    source_ = std::make_unique<SourceBuffer>("test.bt", std::move(text));
    program_ = parse(*source_, context_, diag_);
    return program_;
  }

  // Parses `BEGIN { <body> }` and expects no diagnostics.
  ast::Block* body(const std::string& text) {
    run("BEGIN { " + text + " }");
    EXPECT_TRUE(capture_.diagnostics.empty()) << first_message();
    if (program_ == nullptr || program_->probes.size() != 1) {
      ADD_FAILURE() << "expected one probe";
      return nullptr;
    }
    return program_->probes[0]->body;
  }

  // The expression of a single expression statement.
  ast::Expr* expr(const std::string& text) {
    ast::Block* block = body(text);
    if (block == nullptr || block->stmts.size() != 1) {
      ADD_FAILURE() << "expected one statement";
      return nullptr;
    }
    auto* stmt = ast::dyn_cast<ast::ExprStmt>(block->stmts[0]);
    if (stmt == nullptr) {
      ADD_FAILURE() << "expected an expression statement";
      return nullptr;
    }
    return stmt->expr;
  }

  // Parses a whole script and expects no diagnostics.
  ast::Program* clean(const std::string& script) {
    run(script);
    EXPECT_TRUE(capture_.diagnostics.empty()) << first_message();
    EXPECT_NE(program_, nullptr);
    return program_;
  }

  // The first statement of `BEGIN { <text> }`.
  ast::Stmt* stmt(const std::string& text) {
    ast::Block* block = body(text);
    if (block == nullptr || block->stmts.empty()) {
      ADD_FAILURE() << "expected a statement";
      return nullptr;
    }
    return block->stmts[0];
  }

  // The value assigned by `$v = <text>`.
  ast::Expr* value(const std::string& text) {
    auto* assign = ast::dyn_cast<ast::AssignVar>(stmt("$v = " + text));
    if (assign == nullptr) {
      ADD_FAILURE() << "expected an assignment";
      return nullptr;
    }
    return assign->value;
  }

  std::string_view text(SourceRange range) const {
    return source_->slice(range);
  }
  std::string_view text(const ast::Node* node) const {
    return text(node->range());
  }

  std::vector<Kind> kinds() const {
    std::vector<Kind> out;
    for (const diag::Diagnostic& d : capture_.diagnostics) {
      out.push_back(d.kind);
    }
    return out;
  }

  std::string first_message() const {
    return capture_.diagnostics.empty() ? ""
                                        : capture_.diagnostics[0].message();
  }

  std::unique_ptr<SourceBuffer> source_;
  ast::Context context_;
  diag::CaptureConsumer capture_;
  diag::DiagnosticEngine diag_{capture_};
  ast::Program* program_ = nullptr;
};

template <typename T> T* as(ast::Node* node) {
  T* result = ast::dyn_cast<T>(node);
  EXPECT_NE(result, nullptr)
      << "node is " << (node ? ast::kind_name(node->kind()) : "null");
  return result;
}

} // namespace sonde::parse::test_support
