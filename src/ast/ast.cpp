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

namespace {

template <typename T> T* as(Node* node) { return static_cast<T*>(node); }

} // namespace

void collect_children(Node* node, std::vector<Node*>& out) {
  auto add = [&](Node* child) {
    if (child != nullptr) {
      out.push_back(child);
    }
  };
  auto add_all = [&](const auto& nodes) {
    for (Node* child : nodes) {
      add(child);
    }
  };
  switch (node->kind()) {
  case NodeKind::Program: {
    // A Program built by hand (not by the parser) may list only probes.
    auto* program = as<Program>(node);
    if (program->items.empty()) {
      add_all(program->probes);
    } else {
      add_all(program->items);
    }
    return;
  }
  case NodeKind::Probe: {
    auto* probe = as<Probe>(node);
    add_all(probe->attach_points);
    add(probe->predicate);
    add(probe->body);
    return;
  }
  case NodeKind::Block:
    add_all(as<Block>(node)->stmts);
    return;
  case NodeKind::Config:
    for (const ConfigEntry& entry : as<Config>(node)->entries) {
      add(entry.value);
    }
    return;
  case NodeKind::MacroDef:
    add(as<MacroDef>(node)->body);
    return;
  case NodeKind::FunctionDef: {
    auto* fn = as<FunctionDef>(node);
    for (const FunctionParam& param : fn->params) {
      add(param.type);
    }
    add(fn->return_type);
    add(fn->body);
    return;
  }
  case NodeKind::MapDecl:
    add_all(as<MapDecl>(node)->args);
    return;
  case NodeKind::TypeSpec: {
    auto* type = as<TypeSpec>(node);
    add(type->of);
    add_all(type->elements);
    return;
  }
  case NodeKind::ExprStmt:
    add(as<ExprStmt>(node)->expr);
    return;
  case NodeKind::AssignVar:
    add(as<AssignVar>(node)->target);
    add(as<AssignVar>(node)->value);
    return;
  case NodeKind::AssignMap:
    add(as<AssignMap>(node)->target);
    add(as<AssignMap>(node)->value);
    return;
  case NodeKind::If: {
    auto* stmt = as<If>(node);
    add(stmt->cond);
    add(stmt->then_block);
    add(stmt->else_block);
    return;
  }
  case NodeKind::VarDecl: {
    auto* decl = as<VarDecl>(node);
    add(decl->var);
    add(decl->type);
    add(decl->init);
    return;
  }
  case NodeKind::Discard:
    add(as<Discard>(node)->expr);
    return;
  case NodeKind::While:
    add(as<While>(node)->cond);
    add(as<While>(node)->body);
    return;
  case NodeKind::ForMap: {
    auto* loop = as<ForMap>(node);
    add(loop->var);
    add(loop->map);
    add(loop->body);
    return;
  }
  case NodeKind::ForRange: {
    auto* loop = as<ForRange>(node);
    add(loop->var);
    add(loop->start);
    add(loop->end);
    add(loop->body);
    return;
  }
  case NodeKind::Unroll:
    add(as<Unroll>(node)->count);
    add(as<Unroll>(node)->body);
    return;
  case NodeKind::Return:
    add(as<Return>(node)->value);
    return;
  case NodeKind::BlockStmt:
    add(as<BlockStmt>(node)->block);
    return;
  case NodeKind::MapAccess:
    add_all(as<MapAccess>(node)->keys);
    return;
  case NodeKind::Binary:
    add(as<Binary>(node)->lhs);
    add(as<Binary>(node)->rhs);
    return;
  case NodeKind::Unary:
    add(as<Unary>(node)->operand);
    return;
  case NodeKind::Call:
    add_all(as<Call>(node)->args);
    return;
  case NodeKind::FieldAccess:
    add(as<FieldAccess>(node)->base);
    return;
  case NodeKind::Ternary: {
    auto* ternary = as<Ternary>(node);
    add(ternary->cond);
    add(ternary->then_expr);
    add(ternary->else_expr);
    return;
  }
  case NodeKind::IncDec:
    add(as<IncDec>(node)->operand);
    return;
  case NodeKind::Cast:
    add(as<Cast>(node)->type);
    add(as<Cast>(node)->expr);
    return;
  case NodeKind::Tuple:
    add_all(as<Tuple>(node)->elements);
    return;
  case NodeKind::TupleAccess:
    add(as<TupleAccess>(node)->base);
    return;
  case NodeKind::Index:
    add(as<Index>(node)->base);
    add(as<Index>(node)->index);
    return;
  case NodeKind::Sizeof:
    add(as<Sizeof>(node)->type);
    add(as<Sizeof>(node)->expr);
    return;
  case NodeKind::Offsetof:
    add(as<Offsetof>(node)->type);
    add(as<Offsetof>(node)->expr);
    return;
  case NodeKind::Typeof:
    add(as<Typeof>(node)->type);
    add(as<Typeof>(node)->expr);
    return;
  case NodeKind::Typeinfo:
    add(as<Typeinfo>(node)->type);
    add(as<Typeinfo>(node)->expr);
    return;
  case NodeKind::Record:
    for (const RecordField& field : as<Record>(node)->fields) {
      add(field.value);
    }
    return;
  case NodeKind::Comptime:
    add(as<Comptime>(node)->expr);
    return;
  case NodeKind::IfExpr: {
    auto* expr = as<IfExpr>(node);
    add(expr->cond);
    add(expr->then_block);
    add(expr->else_block);
    return;
  }
  case NodeKind::BlockExpr:
    add(as<BlockExpr>(node)->block);
    return;
  case NodeKind::AttachPoint:
  case NodeKind::CDefinitions:
  case NodeKind::Break:
  case NodeKind::Continue:
  case NodeKind::Import:
  case NodeKind::IntLiteral:
  case NodeKind::StringLiteral:
  case NodeKind::Builtin:
  case NodeKind::Variable:
  case NodeKind::BoolLiteral:
  case NodeKind::Positional:
  case NodeKind::PositionalCount:
    return;
  }
}

} // namespace sonde::ast
