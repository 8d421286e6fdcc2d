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
  }
  return "?";
}

} // namespace sonde::ast
