// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "source/source_buffer.h"

#include <cstdint>
#include <string>
#include <vector>

// The syntax tree. Nodes are created by ast::Context, which owns them; all
// pointers between nodes are non-owning. Nodes cannot be copied or moved.
// Every node has the source range it was parsed from. Sema results live in
// side tables keyed by node, never in the nodes themselves.
namespace sonde::ast {

enum class NodeKind : uint8_t {
#define NODE(Name) Name,
#include "ast/nodes.def"
};

const char* kind_name(NodeKind kind);

class Node {
public:
  Node(NodeKind kind, SourceRange range) : kind_(kind), range_(range) {}
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  virtual ~Node() = default;

  NodeKind kind() const { return kind_; }
  SourceRange range() const { return range_; }
  void set_range(SourceRange range) { range_ = range; }

private:
  NodeKind kind_;
  SourceRange range_;
};

class Expr : public Node {
public:
  using Node::Node;
  static bool classof(const Node* node);
};

class Stmt : public Node {
public:
  using Node::Node;
  static bool classof(const Node* node);
};

// Checked downcasts keyed on NodeKind (sonde builds without RTTI).
template <typename T> T* dyn_cast(Node* node) {
  return node != nullptr && T::classof(node) ? static_cast<T*>(node) : nullptr;
}
template <typename T> const T* dyn_cast(const Node* node) {
  return node != nullptr && T::classof(node) ? static_cast<const T*>(node)
                                             : nullptr;
}

#define SONDE_AST_KIND(Name, Base)                                             \
  static constexpr NodeKind kKind = NodeKind::Name;                            \
  static bool classof(const Node* node) { return node->kind() == kKind; }

// ---- Expressions ----------------------------------------------------------

class IntLiteral : public Expr {
public:
  SONDE_AST_KIND(IntLiteral, Expr)
  IntLiteral(SourceRange range, uint64_t value)
      : Expr(kKind, range), value(value) {}
  // The literal's bits; literals above INT64_MAX are unsigned.
  uint64_t value;
};

class StringLiteral : public Expr {
public:
  SONDE_AST_KIND(StringLiteral, Expr)
  StringLiteral(SourceRange range, std::string value)
      : Expr(kKind, range), value(std::move(value)) {}
  // The value with escapes already decoded.
  std::string value;
};

// A builtin variable written bare: pid, comm, nsecs, args, ...
class Builtin : public Expr {
public:
  SONDE_AST_KIND(Builtin, Expr)
  Builtin(SourceRange range, std::string name)
      : Expr(kKind, range), name(std::move(name)) {}
  std::string name;
};

// A scratch variable, `$name`; the name is stored without the '$'.
class Variable : public Expr {
public:
  SONDE_AST_KIND(Variable, Expr)
  Variable(SourceRange range, std::string name)
      : Expr(kKind, range), name(std::move(name)) {}
  std::string name;
};

// `@name`, `@name[k]` or `@name[k1, k2]`; the name keeps its '@' and the
// anonymous map is "@".
class MapAccess : public Expr {
public:
  SONDE_AST_KIND(MapAccess, Expr)
  MapAccess(SourceRange range, std::string name, std::vector<Expr*> keys)
      : Expr(kKind, range), name(std::move(name)), keys(std::move(keys)) {}
  std::string name;
  std::vector<Expr*> keys;
};

enum class BinaryOp : uint8_t {
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  BitAnd,
  BitOr,
  BitXor,
  Shl,
  Shr,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  LogicalAnd,
  LogicalOr,
};
const char* spelling(BinaryOp op);

class Binary : public Expr {
public:
  SONDE_AST_KIND(Binary, Expr)
  Binary(SourceRange range, BinaryOp op, Expr* lhs, Expr* rhs)
      : Expr(kKind, range), op(op), lhs(lhs), rhs(rhs) {}
  BinaryOp op;
  Expr* lhs;
  Expr* rhs;
};

enum class UnaryOp : uint8_t { Neg, LogicalNot, BitNot };
const char* spelling(UnaryOp op);

class Unary : public Expr {
public:
  SONDE_AST_KIND(Unary, Expr)
  Unary(SourceRange range, UnaryOp op, Expr* operand)
      : Expr(kKind, range), op(op), operand(operand) {}
  UnaryOp op;
  Expr* operand;
};

// A call to a builtin function: printf(...), str(...), count(), ...
class Call : public Expr {
public:
  SONDE_AST_KIND(Call, Expr)
  Call(SourceRange range,
       std::string callee,
       SourceRange callee_range,
       std::vector<Expr*> args)
      : Expr(kKind, range), callee(std::move(callee)),
        callee_range(callee_range), args(std::move(args)) {}
  std::string callee;
  SourceRange callee_range;
  std::vector<Expr*> args;
};

// `base.field` or `base->field` (the same thing, `->` kept for printing).
class FieldAccess : public Expr {
public:
  SONDE_AST_KIND(FieldAccess, Expr)
  FieldAccess(SourceRange range,
              Expr* base,
              std::string field,
              SourceRange field_range,
              bool arrow)
      : Expr(kKind, range), base(base), field(std::move(field)),
        field_range(field_range), arrow(arrow) {}
  Expr* base;
  std::string field;
  SourceRange field_range;
  bool arrow;
};

// ---- Statements -----------------------------------------------------------

class ExprStmt : public Stmt {
public:
  SONDE_AST_KIND(ExprStmt, Stmt)
  ExprStmt(SourceRange range, Expr* expr) : Stmt(kKind, range), expr(expr) {}
  Expr* expr;
};

// `$x = value`.
class AssignVar : public Stmt {
public:
  SONDE_AST_KIND(AssignVar, Stmt)
  AssignVar(SourceRange range, Variable* target, Expr* value)
      : Stmt(kKind, range), target(target), value(value) {}
  Variable* target;
  Expr* value;
};

// `@m = value` or `@m[keys] = value`.
class AssignMap : public Stmt {
public:
  SONDE_AST_KIND(AssignMap, Stmt)
  AssignMap(SourceRange range, MapAccess* target, Expr* value)
      : Stmt(kKind, range), target(target), value(value) {}
  MapAccess* target;
  Expr* value;
};

class Block;

// `if (cond) then_block [else else_block]`; `else if` nests an If inside
// an else block of one statement.
class If : public Stmt {
public:
  SONDE_AST_KIND(If, Stmt)
  If(SourceRange range, Expr* cond, Block* then_block, Block* else_block)
      : Stmt(kKind, range), cond(cond), then_block(then_block),
        else_block(else_block) {}
  Expr* cond;
  Block* then_block;
  Block* else_block; // May be null.
};

// ---- Structure ------------------------------------------------------------

class Block : public Node {
public:
  SONDE_AST_KIND(Block, Node)
  Block(SourceRange range, std::vector<Stmt*> stmts)
      : Node(kKind, range), stmts(std::move(stmts)) {}
  std::vector<Stmt*> stmts;
};

// One attach point as written, e.g. `tracepoint:syscalls:sys_enter_openat`
// or `BEGIN`. `parts` are the ':'-separated pieces with quotes removed;
// parts[0] is the provider (or BEGIN/END). Probe expansion interprets them.
class AttachPoint : public Node {
public:
  SONDE_AST_KIND(AttachPoint, Node)
  AttachPoint(SourceRange range,
              std::string raw,
              std::vector<std::string> parts)
      : Node(kKind, range), raw(std::move(raw)), parts(std::move(parts)) {}
  std::string raw;
  std::vector<std::string> parts;
};

class Probe : public Node {
public:
  SONDE_AST_KIND(Probe, Node)
  Probe(SourceRange range,
        std::vector<AttachPoint*> attach_points,
        Expr* predicate,
        Block* body)
      : Node(kKind, range), attach_points(std::move(attach_points)),
        predicate(predicate), body(body) {}
  std::vector<AttachPoint*> attach_points;
  Expr* predicate; // May be null.
  Block* body;
};

class Program : public Node {
public:
  SONDE_AST_KIND(Program, Node)
  Program(SourceRange range, std::vector<Probe*> probes)
      : Node(kKind, range), probes(std::move(probes)) {}
  std::vector<Probe*> probes;
};

#undef SONDE_AST_KIND

} // namespace sonde::ast
