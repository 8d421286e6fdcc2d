// SPDX-License-Identifier: Apache-2.0
#include "ast/ast.h"

namespace sonde::ast {

const char* kind_name(NodeKind kind) {
  switch (kind) {
#define NODE(Name)                                                             \
  case NodeKind::Name:                                                         \
    return #Name;
#include "ast/nodes.def"
  }
  return "?";
}

bool Expr::classof(const Node* node) {
  switch (node->kind()) {
#define EXPR(Name)                                                             \
  case NodeKind::Name:                                                         \
    return true;
#include "ast/nodes.def"
  default:
    return false;
  }
}

bool Stmt::classof(const Node* node) {
  switch (node->kind()) {
#define STMT(Name)                                                             \
  case NodeKind::Name:                                                         \
    return true;
#include "ast/nodes.def"
  default:
    return false;
  }
}

const char* spelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add:
    return "+";
  case BinaryOp::Sub:
    return "-";
  case BinaryOp::Mul:
    return "*";
  case BinaryOp::Div:
    return "/";
  case BinaryOp::Mod:
    return "%";
  case BinaryOp::BitAnd:
    return "&";
  case BinaryOp::BitOr:
    return "|";
  case BinaryOp::BitXor:
    return "^";
  case BinaryOp::Shl:
    return "<<";
  case BinaryOp::Shr:
    return ">>";
  case BinaryOp::Eq:
    return "==";
  case BinaryOp::Ne:
    return "!=";
  case BinaryOp::Lt:
    return "<";
  case BinaryOp::Le:
    return "<=";
  case BinaryOp::Gt:
    return ">";
  case BinaryOp::Ge:
    return ">=";
  case BinaryOp::LogicalAnd:
    return "&&";
  case BinaryOp::LogicalOr:
    return "||";
  }
  return "?";
}

const char* spelling(UnaryOp op) {
  switch (op) {
  case UnaryOp::Neg:
    return "-";
  case UnaryOp::LogicalNot:
    return "!";
  case UnaryOp::BitNot:
    return "~";
  case UnaryOp::Deref:
    return "*";
  case UnaryOp::AddressOf:
    return "&";
  }
  return "?";
}

const char* spelling(TypeKind kind) {
  switch (kind) {
  case TypeKind::Bool:
    return "bool";
  case TypeKind::Int:
    return "int";
  case TypeKind::String:
    return "string";
  case TypeKind::Buffer:
    return "buffer";
  case TypeKind::Inet:
    return "inet";
  case TypeKind::Void:
    return "void";
  case TypeKind::Struct:
    return "struct";
  case TypeKind::Union:
    return "union";
  case TypeKind::Enum:
    return "enum";
  case TypeKind::Named:
    return "named";
  case TypeKind::Typeof:
    return "typeof";
  case TypeKind::Tuple:
    return "tuple";
  }
  return "?";
}

unsigned TypeSpec::pointer_depth() const {
  unsigned depth = 0;
  for (const TypeSuffix& suffix : suffixes) {
    if (suffix.kind == TypeSuffix::Kind::Pointer) {
      ++depth;
    }
  }
  return depth;
}

std::vector<std::optional<uint64_t>> TypeSpec::array_sizes() const {
  std::vector<std::optional<uint64_t>> sizes;
  for (const TypeSuffix& suffix : suffixes) {
    if (suffix.kind == TypeSuffix::Kind::Array) {
      sizes.push_back(suffix.size);
    }
  }
  return sizes;
}

void collect_children(Node* node, std::vector<Node*>& out) {
  for_each_child(node,
                 [&](Node* child, const ChildRole&) { out.push_back(child); });
}

} // namespace sonde::ast
