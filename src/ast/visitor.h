// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"

namespace sonde::ast {

// A CRTP visitor. `visit(node)` dispatches to `Impl::visit_<Kind>`; the
// defaults visit every child (the class's list, ast.h), so an analysis
// overrides only the kinds it cares about and calls `visit_children` to keep
// recursing. Children come in evaluation order: assignments visit their
// value before their target (see visit_children).
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

  // Visits the children of `node` in evaluation order: source order
  // (for_each_child's), except that a target (ChildRole::target: the
  // variable or map assigned, declared or bound) comes after the values
  // that compute it and before the block it is bound in. So `$x = e`
  // visits e then $x, `let $x: T = e` T, e then $x, and
  // `for ($i : a..b) {...}` a, b, $i then the body.
  template <typename T> void visit_children(T* node) {
    Node* target = nullptr;
    for_each_child(node, [&](Node* child, const ChildRole& role) {
      if (role.target) {
        SONDE_CHECK(target == nullptr, "a node has one target");
        target = child;
        return;
      }
      if (target != nullptr && child->kind() == NodeKind::Block) {
        visit(target);
        target = nullptr;
      }
      visit(child);
    });
    visit(target);
  }

private:
  Impl& impl() { return static_cast<Impl&>(*this); }
};

} // namespace sonde::ast
