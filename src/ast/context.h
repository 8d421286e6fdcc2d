// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"

#include <memory>
#include <utility>
#include <vector>

namespace sonde::ast {

// Owns every node of one program. Nodes live as long as the context;
// code everywhere else holds raw, non-owning pointers.
class Context {
public:
  template <typename T, typename... Args> T* make(Args&&... args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = node.get();
    nodes_.push_back(std::move(node));
    return raw;
  }

  // A new node with the same fields as `node`, of its own class T: its
  // children are shared, not copied. Copying a subtree starts here and
  // then replaces the children through for_each_child
  // (sema::expand_macros).
  template <typename T> T* clone(const T& node) {
    SONDE_CHECK(node.kind() == T::kKind, "clone is given the node's class");
    // The copy constructor is protected: only a Context copies nodes.
    std::unique_ptr<T> copy(new T(node));
    T* raw = copy.get();
    nodes_.push_back(std::move(copy));
    return raw;
  }

  size_t node_count() const { return nodes_.size(); }

private:
  std::vector<std::unique_ptr<Node>> nodes_;
};

} // namespace sonde::ast
