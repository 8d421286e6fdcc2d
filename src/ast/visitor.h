// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"

namespace sonde::ast {

// A CRTP visitor. `visit(node)` dispatches to `Impl::visit_<Kind>`; the
// defaults visit every child in source order, so an analysis overrides only
// the kinds it cares about and calls `visit_children` to keep recursing.
// Assignments visit their value before their target, as it is evaluated.
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
    // A Program built by hand (not by the parser) may list only probes.
    if (node->items.empty()) {
      visit_all(node->probes);
    } else {
      visit_all(node->items);
    }
  }
  void visit_children(Probe* node) {
    visit_all(node->attach_points);
    visit(node->predicate);
    visit(node->body);
  }
  void visit_children(AttachPoint*) {}
  void visit_children(Block* node) { visit_all(node->stmts); }
  void visit_children(CDefinitions*) {}
  void visit_children(Config* node) {
    for (const ConfigEntry& entry : node->entries) {
      visit(entry.value);
    }
  }
  void visit_children(MacroDef* node) { visit(node->body); }
  void visit_children(FunctionDef* node) {
    for (const FunctionParam& param : node->params) {
      visit(param.type);
    }
    visit(node->return_type);
    visit(node->body);
  }
  void visit_children(MapDecl* node) { visit_all(node->args); }
  void visit_children(TypeSpec* node) {
    visit(node->of);
    visit_all(node->elements);
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
  void visit_children(VarDecl* node) {
    visit(node->type);
    visit(node->init);
    visit(node->var);
  }
  void visit_children(Discard* node) { visit(node->expr); }
  void visit_children(While* node) {
    visit(node->cond);
    visit(node->body);
  }
  void visit_children(ForMap* node) {
    visit(node->map);
    visit(node->var);
    visit(node->body);
  }
  void visit_children(ForRange* node) {
    visit(node->start);
    visit(node->end);
    visit(node->var);
    visit(node->body);
  }
  void visit_children(Unroll* node) {
    visit(node->count);
    visit(node->body);
  }
  void visit_children(Break*) {}
  void visit_children(Continue*) {}
  void visit_children(Return* node) { visit(node->value); }
  void visit_children(BlockStmt* node) { visit(node->block); }
  void visit_children(Import*) {}

  void visit_children(IntLiteral*) {}
  void visit_children(StringLiteral*) {}
  void visit_children(Builtin*) {}
  void visit_children(Variable*) {}
  void visit_children(MapAccess* node) { visit_all(node->keys); }
  void visit_children(Binary* node) {
    visit(node->lhs);
    visit(node->rhs);
  }
  void visit_children(Unary* node) { visit(node->operand); }
  void visit_children(Call* node) { visit_all(node->args); }
  void visit_children(FieldAccess* node) { visit(node->base); }
  void visit_children(BoolLiteral*) {}
  void visit_children(Positional*) {}
  void visit_children(PositionalCount*) {}
  void visit_children(Ternary* node) {
    visit(node->cond);
    visit(node->then_expr);
    visit(node->else_expr);
  }
  void visit_children(IncDec* node) { visit(node->operand); }
  void visit_children(Cast* node) {
    visit(node->type);
    visit(node->expr);
  }
  void visit_children(Tuple* node) { visit_all(node->elements); }
  void visit_children(TupleAccess* node) { visit(node->base); }
  void visit_children(Index* node) {
    visit(node->base);
    visit(node->index);
  }
  void visit_children(Sizeof* node) {
    visit(node->type);
    visit(node->expr);
  }
  void visit_children(Offsetof* node) {
    visit(node->type);
    visit(node->expr);
  }
  void visit_children(Typeof* node) {
    visit(node->type);
    visit(node->expr);
  }
  void visit_children(Typeinfo* node) {
    visit(node->type);
    visit(node->expr);
  }
  void visit_children(Record* node) {
    for (const RecordField& field : node->fields) {
      visit(field.value);
    }
  }
  void visit_children(Comptime* node) { visit(node->expr); }
  void visit_children(IfExpr* node) {
    visit(node->cond);
    visit(node->then_block);
    visit(node->else_block);
  }
  void visit_children(BlockExpr* node) { visit(node->block); }

private:
  Impl& impl() { return static_cast<Impl&>(*this); }

  template <typename T> void visit_all(const std::vector<T*>& nodes) {
    for (T* node : nodes) {
      visit(node);
    }
  }
};

} // namespace sonde::ast
