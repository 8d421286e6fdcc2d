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

  size_t node_count() const { return nodes_.size(); }

private:
  std::vector<std::unique_ptr<Node>> nodes_;
};

} // namespace sonde::ast
