// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"

namespace sonde::ast {

// A CRTP visitor. `visit(node)` dispatches to `Impl::visit_<Kind>`; the
// defaults visit every child in source order, so an analysis overrides only
// the kinds it cares about and calls `visit_children` to keep recursing.
template <typename Impl> class Visitor {
public:
  void visit(Node* node) {
    if (node == nullptr) {
      return;
    }
    switch (node->kind()) {
#define NODE(Name)                                                             \
  case NodeKind::Name:                                                         \
    impl().visit_##Name(static_cast<Name*>(node));                             \
    return;
#include "ast/nodes.def"
    }
  }

#define NODE(Name)                                                             \
  void visit_##Name(Name* node) { visit_children(node); }
#include "ast/nodes.def"

  void visit_children(Program* node) {
    for (Probe* probe : node->probes) {
      visit(probe);
    }
  }
  void visit_children(Probe* node) {
    for (AttachPoint* ap : node->attach_points) {
      visit(ap);
    }
    visit(node->predicate);
    visit(node->body);
  }
  void visit_children(AttachPoint*) {}
  void visit_children(Block* node) {
    for (Stmt* stmt : node->stmts) {
      visit(stmt);
    }
  }
  void visit_children(ExprStmt* node) { visit(node->expr); }
  void visit_children(AssignVar* node) {
    visit(node->value);
    visit(node->target);
  }
  void visit_children(AssignMap* node) {
    visit(node->value);
    visit(node->target);
  }
  void visit_children(If* node) {
    visit(node->cond);
    visit(node->then_block);
    visit(node->else_block);
  }
  void visit_children(IntLiteral*) {}
  void visit_children(StringLiteral*) {}
  void visit_children(Builtin*) {}
  void visit_children(Variable*) {}
  void visit_children(MapAccess* node) {
    for (Expr* key : node->keys) {
      visit(key);
    }
  }
  void visit_children(Binary* node) {
    visit(node->lhs);
    visit(node->rhs);
  }
  void visit_children(Unary* node) { visit(node->operand); }
  void visit_children(Call* node) {
    for (Expr* arg : node->args) {
      visit(arg);
    }
  }
  void visit_children(FieldAccess* node) { visit(node->base); }

private:
  Impl& impl() { return static_cast<Impl&>(*this); }
};

} // namespace sonde::ast
