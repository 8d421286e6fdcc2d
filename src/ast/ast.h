// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/check.h"
#include "source/source_buffer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// The syntax tree. Nodes are created by ast::Context, which owns them; all
// pointers between nodes are non-owning. Nodes cannot be copied or moved.
// Every node has the source range it was parsed from, from its first token
// to its last (a parenthesised expression keeps the range inside the
// parentheses). Sema results live in side tables keyed by node, never in
// the nodes themselves.
//
// The parser only builds what it read: it does not check that `++` is
// applied to a variable, that a cast's type exists or that `break` is inside
// a loop. Those checks belong to sema.
//
// Each class lists its children once, in a static member
// `children(self, f)` that calls `f(field, ChildRole{...})` for every child
// field, in source order: a vector element by element, a field that may be
// null as it is. A class without children declares no list. Everything
// that walks children generically goes through that list with
// for_each_child (below): the Visitor's defaults, collect_children, the
// AST printer and the copies sema::expand_macros makes. So a new child
// field is one line in its class's list, and a node that can hold other
// nodes in a field that is not a child says so where the field is
// declared (BlockExpr::returns).
namespace sonde::ast {

enum class NodeKind : uint8_t {
#define NODE(Name) Name,
#include "ast/nodes.def"
};

const char* kind_name(NodeKind kind);

class Context;

// Nodes are neither copied nor moved; only Context::clone copies one, field
// by field, through the protected copy constructor every class has.
class Node {
public:
  Node(NodeKind kind, SourceRange range) : kind_(kind), range_(range) {}
  Node& operator=(const Node&) = delete;
  virtual ~Node() = default;

  // For dyn_cast<Node>: every node is one.
  static bool classof(const Node*) { return true; }

  NodeKind kind() const { return kind_; }
  SourceRange range() const { return range_; }
  void set_range(SourceRange range) { range_ = range; }

protected:
  Node(const Node&) = default;

private:
  NodeKind kind_;
  SourceRange range_;
};

class Expr : public Node {
public:
  using Node::Node;
  static bool classof(const Node* node);

protected:
  Expr(const Expr&) = default;
};

class Stmt : public Node {
public:
  using Node::Node;
  static bool classof(const Node* node);

protected:
  Stmt(const Stmt&) = default;
};

// What a class's list of children says about one child, besides where it
// is.
struct ChildRole {
  // How the AST dump labels the child (`cond: Binary ...`): the text
  // `label` followed by `name`, a name from the source (a record field, a
  // config key, a `fn` parameter); both empty when the child's kind says
  // enough.
  std::string_view label = {};
  std::string_view name = {};
  // The variable or map the node assigns, declares or binds, visited
  // after the value it gets (Visitor::visit_children).
  bool target = false;
};

// Whether class T has children, i.e. declares a list of them.
template <typename T>
concept HasChildren = requires(T& node, void (*f)(Node*, const ChildRole&)) {
  T::children(node, f);
};

// Calls `f(child, role)` for each child of `node` that is not null, in
// source order (the order of its class's list). `child` is a reference to
// the field, of the field's type: `Expr*&`, `Block*&`, or `Expr* const&`
// when `node` is const; `role` a `const ChildRole&`. `node` may be a
// Node, Expr or Stmt pointer, or one of a node's own class, which spares
// the dispatch on its kind. Defined at the end of this file.
template <typename T, typename F> void for_each_child(T* node, F&& f);

// Calls `f(node)` with `node` cast to its own class (`Binary*`, or
// `const Binary*` when `node` is const) and returns what f returns, which
// must be the same type for every class.
template <typename T, typename F> decltype(auto) with_kind(T* node, F&& f);

// Checked downcasts keyed on NodeKind (sonde builds without RTTI).
template <typename T> T* dyn_cast(Node* node) {
  return node != nullptr && T::classof(node) ? static_cast<T*>(node) : nullptr;
}
template <typename T> const T* dyn_cast(const Node* node) {
  return node != nullptr && T::classof(node) ? static_cast<const T*>(node)
                                             : nullptr;
}

// Appends the direct children of `node` (never null ones) to `out`, in
// source order: for_each_child's order. Generic walks that need no
// per-kind logic (depth limits, range checks in tests) use this instead of
// a visitor.
void collect_children(Node* node, std::vector<Node*>& out);

// The kind of a node class, and the copy constructor Context::clone uses.
#define SONDE_AST_KIND(Name, Base)                                             \
  static constexpr NodeKind kKind = NodeKind::Name;                            \
  static bool classof(const Node* node) { return node->kind() == kKind; }      \
                                                                               \
protected:                                                                     \
  Name(const Name&) = default;                                                 \
  friend class Context;                                                        \
                                                                               \
public:

class Block;
class Typeof;

// ---- Types ----------------------------------------------------------------

// What a type annotation starts with.
enum class TypeKind : uint8_t {
  Bool,   // bool
  Int,    // int8..int64, uint8..uint64 (see TypeSpec::is_signed/bits)
  String, // string, string[N]
  Buffer, // buffer, buffer[N]
  Inet,   // inet, inet[N]
  Void,   // void
  Struct, // struct NAME
  Union,  // union NAME
  Enum,   // enum NAME
  Named,  // a bare identifier: a BTF typedef (uint64_t) or an internal
          // type (count_t, kstack_t, ...); sema resolves it
  Typeof, // typeof(TYPE | expr)
  Tuple,  // (T1, T2) / (T,) / () in `let` and `fn` annotations
};
const char* spelling(TypeKind kind);

// A `*` or `[N]` / `[]` written after a type's base.
struct TypeSuffix {
  enum class Kind : uint8_t { Pointer, Array };
  Kind kind;
  // The N of `[N]`; nullopt for `[]` and for pointers.
  std::optional<uint64_t> size;
  SourceRange range;
};

// A type as written in a cast, `let $x: T`, a `fn` signature, `sizeof`,
// `offsetof`, `typeof` or a call argument (`container_of(p, struct x, f)`).
// Suffixes apply left to right: `int32*[4]` is an array of 4 pointers to
// int32, `int32[4]*` a pointer to an array of 4 int32. For string, buffer
// and inet a `[N]` right after the keyword is their size, not an array:
// `string[64]` has size 64 and no suffix.
class TypeSpec : public Node {
public:
  SONDE_AST_KIND(TypeSpec, Node)
  TypeSpec(SourceRange range, TypeKind base) : Node(kKind, range), base(base) {}

  TypeKind base;
  // The base as written: the keyword for builtin types ("uint32",
  // "string"), the tag for struct/union/enum ("task_struct", without the
  // keyword), the identifier for Named. Empty for Typeof and Tuple.
  std::string name;
  SourceRange name_range;
  // Int only.
  bool is_signed = false;
  uint8_t bits = 0;
  // String, Buffer, Inet: the N of `string[N]`; nullopt when not written.
  std::optional<uint64_t> size;
  std::vector<TypeSuffix> suffixes;
  // Typeof only: the `typeof(...)` expression node that gives the type.
  Typeof* of = nullptr;
  // Tuple only: the element types.
  std::vector<TypeSpec*> elements;

  // The number of Pointer suffixes.
  unsigned pointer_depth() const;
  // The sizes of the Array suffixes, in order (nullopt for `[]`).
  std::vector<std::optional<uint64_t>> array_sizes() const;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.of, {});
    for (auto& element : self.elements) {
      f(element, {});
    }
  }
};

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

// `true` or `false`.
class BoolLiteral : public Expr {
public:
  SONDE_AST_KIND(BoolLiteral, Expr)
  BoolLiteral(SourceRange range, bool value)
      : Expr(kKind, range), value(value) {}
  bool value;
};

// A builtin variable or any other bare identifier in an expression: pid,
// comm, args, an enum constant, a macro used without arguments, or a
// config value (`stack_mode = perf`).
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

// A positional parameter `$N`; `index` is N as written (`$0` is 0, which
// sema rejects).
class Positional : public Expr {
public:
  SONDE_AST_KIND(Positional, Expr)
  Positional(SourceRange range, uint64_t index)
      : Expr(kKind, range), index(index) {}
  uint64_t index;
};

// `$#`, the number of positional parameters.
class PositionalCount : public Expr {
public:
  SONDE_AST_KIND(PositionalCount, Expr)
  explicit PositionalCount(SourceRange range) : Expr(kKind, range) {}
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

  template <typename Self, typename F> static void children(Self& self, F& f) {
    for (auto& key : self.keys) {
      f(key, {"key"});
    }
  }
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

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.lhs, {});
    f(self.rhs, {});
  }
};

// Deref is `*p`; AddressOf is `&$x` / `&@m`.
enum class UnaryOp : uint8_t { Neg, LogicalNot, BitNot, Deref, AddressOf };
const char* spelling(UnaryOp op);

class Unary : public Expr {
public:
  SONDE_AST_KIND(Unary, Expr)
  Unary(SourceRange range, UnaryOp op, Expr* operand)
      : Expr(kKind, range), op(op), operand(operand) {}
  UnaryOp op;
  Expr* operand;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.operand, {});
  }
};

// `++x`, `x++`, `--x` or `x--`. The grammar accepts any operand; sema
// allows only `$var`, `@map` and `@map[k]`.
class IncDec : public Expr {
public:
  SONDE_AST_KIND(IncDec, Expr)
  IncDec(SourceRange range, bool increment, bool prefix, Expr* operand)
      : Expr(kKind, range), increment(increment), prefix(prefix),
        operand(operand) {}
  bool increment; // `++` (else `--`)
  bool prefix;    // `++x` (else `x++`)
  Expr* operand;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.operand, {});
  }
};

// `cond ? then_expr : else_expr`, or the Elvis form `cond ?: else_expr`
// (then_expr null: the value is cond itself when it is true).
class Ternary : public Expr {
public:
  SONDE_AST_KIND(Ternary, Expr)
  Ternary(SourceRange range, Expr* cond, Expr* then_expr, Expr* else_expr)
      : Expr(kKind, range), cond(cond), then_expr(then_expr),
        else_expr(else_expr) {}
  Expr* cond;
  Expr* then_expr; // Null for Elvis.
  Expr* else_expr;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.cond, {"cond"});
    f(self.then_expr, {"then"});
    f(self.else_expr, {"else"});
  }
};

// A call: a builtin function (printf, str, count), a stdlib or user macro,
// or a `fn`. Arguments may be maps (`len(@m)`) and types, which are wrapped
// in an implicit Typeof (`container_of(p, struct x, f)`).
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

  template <typename Self, typename F> static void children(Self& self, F& f) {
    for (auto& arg : self.args) {
      f(arg, {});
    }
  }
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

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.base, {});
  }
};

// `(TYPE)expr`, including `(ident)expr` when the parenthesised identifier
// is followed by something that starts an expression.
class Cast : public Expr {
public:
  SONDE_AST_KIND(Cast, Expr)
  Cast(SourceRange range, TypeSpec* type, Expr* expr)
      : Expr(kKind, range), type(type), expr(expr) {}
  TypeSpec* type;
  Expr* expr;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.type, {});
    f(self.expr, {});
  }
};

// `(a, b)`, `(a,)` or `()`.
class Tuple : public Expr {
public:
  SONDE_AST_KIND(Tuple, Expr)
  Tuple(SourceRange range, std::vector<Expr*> elements)
      : Expr(kKind, range), elements(std::move(elements)) {}
  std::vector<Expr*> elements;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    for (auto& element : self.elements) {
      f(element, {});
    }
  }
};

// `base.N`, a tuple element by constant index.
class TupleAccess : public Expr {
public:
  SONDE_AST_KIND(TupleAccess, Expr)
  TupleAccess(SourceRange range,
              Expr* base,
              uint64_t index,
              SourceRange index_range)
      : Expr(kKind, range), base(base), index(index), index_range(index_range) {
  }
  Expr* base;
  uint64_t index;
  SourceRange index_range;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.base, {});
  }
};

// `base[index]` on anything but a map name: arrays, pointers, strings,
// tuples with a constant index. (`@m[k]` is a MapAccess.)
class Index : public Expr {
public:
  SONDE_AST_KIND(Index, Expr)
  Index(SourceRange range, Expr* base, Expr* index)
      : Expr(kKind, range), base(base), index(index) {}
  Expr* base;
  Expr* index;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.base, {});
    f(self.index, {"index"});
  }
};

// `sizeof(TYPE)` or `sizeof(expr)`: exactly one of type and expr is set.
// A bare identifier, `sizeof(x)`, is a type (TypeKind::Named).
class Sizeof : public Expr {
public:
  SONDE_AST_KIND(Sizeof, Expr)
  Sizeof(SourceRange range, TypeSpec* type, Expr* expr)
      : Expr(kKind, range), type(type), expr(expr) {}
  TypeSpec* type;
  Expr* expr;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.type, {});
    f(self.expr, {});
  }
};

// `offsetof(TYPE, a.b.c)` or `offsetof(expr, a.b.c)`: exactly one of type
// and expr is set (a bare identifier is a type). `fields` is the dotted
// path, one entry per name.
class Offsetof : public Expr {
public:
  SONDE_AST_KIND(Offsetof, Expr)
  Offsetof(SourceRange range,
           TypeSpec* type,
           Expr* expr,
           std::vector<std::string> fields,
           std::vector<SourceRange> field_ranges)
      : Expr(kKind, range), type(type), expr(expr), fields(std::move(fields)),
        field_ranges(std::move(field_ranges)) {}
  TypeSpec* type;
  Expr* expr;
  std::vector<std::string> fields;
  std::vector<SourceRange> field_ranges;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.type, {});
    f(self.expr, {});
  }
};

// `typeof(TYPE)` or `typeof(expr)`: exactly one of type and expr is set (a
// bare identifier is a type). As an expression it passes a type to a macro
// or function; in a type position it is the base of a TypeSpec. A type
// written directly as a call argument is wrapped in an implicit Typeof
// whose range is the type's.
class Typeof : public Expr {
public:
  SONDE_AST_KIND(Typeof, Expr)
  Typeof(SourceRange range, TypeSpec* type, Expr* expr, bool implicit = false)
      : Expr(kKind, range), type(type), expr(expr), implicit(implicit) {}
  TypeSpec* type;
  Expr* expr;
  bool implicit;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.type, {});
    f(self.expr, {});
  }
};

// `typeinfo(TYPE | expr)` (unstable); the same shape as Typeof.
class Typeinfo : public Expr {
public:
  SONDE_AST_KIND(Typeinfo, Expr)
  Typeinfo(SourceRange range, TypeSpec* type, Expr* expr)
      : Expr(kKind, range), type(type), expr(expr) {}
  TypeSpec* type;
  Expr* expr;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.type, {});
    f(self.expr, {});
  }
};

// One `name=value` of a record literal.
struct RecordField {
  std::string name;
  SourceRange name_range;
  Expr* value;
};

// A record literal `(name=e, size=2)`; fields keep their written order.
class Record : public Expr {
public:
  SONDE_AST_KIND(Record, Expr)
  Record(SourceRange range, std::vector<RecordField> fields)
      : Expr(kKind, range), fields(std::move(fields)) {}
  std::vector<RecordField> fields;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    for (auto& field : self.fields) {
      f(field.value, {.name = field.name});
    }
  }
};

// `comptime expr`: expr is evaluated at compile time. It binds like a
// unary operator: `comptime a == b` is `(comptime a) == b`.
class Comptime : public Expr {
public:
  SONDE_AST_KIND(Comptime, Expr)
  Comptime(SourceRange range, Expr* expr) : Expr(kKind, range), expr(expr) {}
  Expr* expr;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.expr, {});
  }
};

// `if cond { a } else { b }` where a value is expected. Its value is that of
// the block taken (Block::ends_in_expr). `else if` nests an IfExpr as the
// only statement (an ExprStmt) of an else block that ends in it.
class IfExpr : public Expr {
public:
  SONDE_AST_KIND(IfExpr, Expr)
  IfExpr(SourceRange range, Expr* cond, Block* then_block, Block* else_block)
      : Expr(kKind, range), cond(cond), then_block(then_block),
        else_block(else_block) {}
  Expr* cond;
  Block* then_block;
  Block* else_block; // Never null.

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.cond, {"cond"});
    f(self.then_block, {"then"});
    f(self.else_block, {"else"});
  }
};

// `{ stmts; expr }` where a value is expected; its value is that of the
// block's last statement when Block::ends_in_expr.
class BlockExpr : public Expr {
public:
  SONDE_AST_KIND(BlockExpr, Expr)
  BlockExpr(SourceRange range, Block* block)
      : Expr(kKind, range), block(block) {}
  Block* block;
  // The body of a `fn` inlined at a call (sema::expand_macros): `return`
  // inside it leaves this block with its value, of type `returns` (null
  // for a function without a return type). `returns` is not a child: it
  // is the FunctionDef's return type, shared by every inlined copy.
  bool function_body = false;
  TypeSpec* returns = nullptr;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.block, {});
  }
};

// ---- Statements -----------------------------------------------------------

class ExprStmt : public Stmt {
public:
  SONDE_AST_KIND(ExprStmt, Stmt)
  ExprStmt(SourceRange range, Expr* expr) : Stmt(kKind, range), expr(expr) {}
  Expr* expr;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.expr, {});
  }
};

// `$x = value`, or a compound assignment `$x OP= value` (compound holds
// OP: `$x += 1` has compound Add and value `1`).
class AssignVar : public Stmt {
public:
  SONDE_AST_KIND(AssignVar, Stmt)
  AssignVar(SourceRange range,
            Variable* target,
            Expr* value,
            std::optional<BinaryOp> compound = std::nullopt)
      : Stmt(kKind, range), target(target), value(value), compound(compound) {}
  Variable* target;
  Expr* value;
  std::optional<BinaryOp> compound;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.target, {.target = true});
    f(self.value, {});
  }
};

// `@m = value` or `@m[keys] = value`, or a compound assignment as for
// AssignVar.
class AssignMap : public Stmt {
public:
  SONDE_AST_KIND(AssignMap, Stmt)
  AssignMap(SourceRange range,
            MapAccess* target,
            Expr* value,
            std::optional<BinaryOp> compound = std::nullopt)
      : Stmt(kKind, range), target(target), value(value), compound(compound) {}
  MapAccess* target;
  Expr* value;
  std::optional<BinaryOp> compound;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.target, {.target = true});
    f(self.value, {});
  }
};

// `let $x;`, `let $x = e;`, `let $x: TYPE;` or `let $x: TYPE = e;`.
class VarDecl : public Stmt {
public:
  SONDE_AST_KIND(VarDecl, Stmt)
  VarDecl(SourceRange range, Variable* var, TypeSpec* type, Expr* init)
      : Stmt(kKind, range), var(var), type(type), init(init) {}
  Variable* var;
  TypeSpec* type; // May be null.
  Expr* init;     // May be null.

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.var, {.target = true});
    f(self.type, {"type"});
    f(self.init, {"init"});
  }
};

// `_ = expr;`: evaluates expr and drops its value without a warning.
class Discard : public Stmt {
public:
  SONDE_AST_KIND(Discard, Stmt)
  Discard(SourceRange range, Expr* expr) : Stmt(kKind, range), expr(expr) {}
  Expr* expr;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.expr, {});
  }
};

// `if (cond) then_block [else else_block]`, or `if cond {...}` when cond is
// a unary expression; `else if` nests an If inside an else block of one
// statement.
class If : public Stmt {
public:
  SONDE_AST_KIND(If, Stmt)
  If(SourceRange range, Expr* cond, Block* then_block, Block* else_block)
      : Stmt(kKind, range), cond(cond), then_block(then_block),
        else_block(else_block) {}
  Expr* cond;
  Block* then_block;
  Block* else_block; // May be null.

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.cond, {"cond"});
    f(self.then_block, {"then"});
    f(self.else_block, {"else"});
  }
};

// `while (cond) { body }` (deprecated; sema warns).
class While : public Stmt {
public:
  SONDE_AST_KIND(While, Stmt)
  While(SourceRange range, Expr* cond, Block* body)
      : Stmt(kKind, range), cond(cond), body(body) {}
  Expr* cond;
  Block* body;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.cond, {"cond"});
    f(self.body, {});
  }
};

// `for ($kv : @map) { body }` (parentheses optional).
class ForMap : public Stmt {
public:
  SONDE_AST_KIND(ForMap, Stmt)
  ForMap(SourceRange range, Variable* var, MapAccess* map, Block* body)
      : Stmt(kKind, range), var(var), map(map), body(body) {}
  Variable* var;
  MapAccess* map; // Always keyless: the map being iterated.
  Block* body;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.var, {.target = true});
    f(self.map, {});
    f(self.body, {});
  }
};

// `for ($i : start..end) { body }` (parentheses optional); end is
// exclusive.
class ForRange : public Stmt {
public:
  SONDE_AST_KIND(ForRange, Stmt)
  ForRange(
      SourceRange range, Variable* var, Expr* start, Expr* end, Block* body)
      : Stmt(kKind, range), var(var), start(start), end(end), body(body) {}
  Variable* var;
  Expr* start;
  Expr* end;
  Block* body;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.var, {.target = true});
    f(self.start, {"start"});
    f(self.end, {"end"});
    f(self.body, {});
  }
};

// `unroll(count) { body }`; sema requires a constant 1..100.
class Unroll : public Stmt {
public:
  SONDE_AST_KIND(Unroll, Stmt)
  Unroll(SourceRange range, Expr* count, Block* body)
      : Stmt(kKind, range), count(count), body(body) {}
  Expr* count;
  Block* body;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.count, {"count"});
    f(self.body, {});
  }
};

class Break : public Stmt {
public:
  SONDE_AST_KIND(Break, Stmt)
  explicit Break(SourceRange range) : Stmt(kKind, range) {}
};

class Continue : public Stmt {
public:
  SONDE_AST_KIND(Continue, Stmt)
  explicit Continue(SourceRange range) : Stmt(kKind, range) {}
};

// `return` or `return value`.
class Return : public Stmt {
public:
  SONDE_AST_KIND(Return, Stmt)
  Return(SourceRange range, Expr* value) : Stmt(kKind, range), value(value) {}
  Expr* value; // May be null.

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.value, {});
  }
};

// A bare block `{ ... }` used as a statement (its own scope).
class BlockStmt : public Stmt {
public:
  SONDE_AST_KIND(BlockStmt, Stmt)
  BlockStmt(SourceRange range, Block* block)
      : Stmt(kKind, range), block(block) {}
  Block* block;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.block, {});
  }
};

// `import "path";`. At the top level it is in Program::imports; inside a
// block it is a statement (unstable, sema decides).
class Import : public Stmt {
public:
  SONDE_AST_KIND(Import, Stmt)
  Import(SourceRange range, std::string path, SourceRange path_range)
      : Stmt(kKind, range), path(std::move(path)), path_range(path_range) {}
  std::string path; // Escapes decoded.
  SourceRange path_range;
};

// ---- Structure ------------------------------------------------------------

// `{ stmts }`. The last statement needs no ';'; when it is an expression
// statement without one, ends_in_expr is set: in a macro body, a block
// expression or a branch of an if-expression that expression is the
// block's value.
class Block : public Node {
public:
  SONDE_AST_KIND(Block, Node)
  Block(SourceRange range, std::vector<Stmt*> stmts, bool ends_in_expr = false)
      : Node(kKind, range), stmts(std::move(stmts)),
        ends_in_expr(ends_in_expr) {}
  std::vector<Stmt*> stmts;
  bool ends_in_expr;
  // The body of a macro or fn expanded at a call (sema::expand_macros):
  // its name and the call, so that diagnostics inside the body can name
  // the call site. Empty elsewhere.
  std::string expansion;
  SourceRange call_site;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    for (auto& stmt : self.stmts) {
      f(stmt, {});
    }
  }
};

// One attach point as written, e.g. `tracepoint:syscalls:sys_enter_openat`
// or `BEGIN`, optionally labelled (`name=kprobe:f`). `raw` is the text after
// the label; `parts` are its ':'-separated pieces with quotes removed;
// parts[0] is the provider (or BEGIN/END). Positional parameters (`$1`)
// stay as written. Probe expansion interprets them. The range covers the
// label too.
class AttachPoint : public Node {
public:
  SONDE_AST_KIND(AttachPoint, Node)
  AttachPoint(SourceRange range,
              std::string raw,
              std::vector<std::string> parts)
      : Node(kKind, range), raw(std::move(raw)), parts(std::move(parts)) {}
  std::string raw;
  std::vector<std::string> parts;
  // The `name` of `name=provider:...`; empty when there is none.
  std::string label;
  SourceRange label_range;
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

  template <typename Self, typename F> static void children(Self& self, F& f) {
    for (auto& ap : self.attach_points) {
      f(ap, {});
    }
    f(self.predicate, {"predicate"});
    f(self.body, {});
  }
};

// One C definition, kept verbatim for libclang.
struct CDefinition {
  enum class Kind : uint8_t { Preprocessor, Struct, Union, Enum };
  Kind kind;
  // The tag of a struct/union/enum; empty for an anonymous one and for
  // preprocessor lines.
  std::string name;
  // The source text: a whole `#...` line (with its backslash
  // continuations), or a definition from its keyword to its ';'
  // (attributes included).
  std::string text;
  SourceRange range;
};

// The C definitions of a script (`#include`, `#define`, other `#` lines,
// `struct|union|enum Name {...};`), in source order. A program has at most
// one such node; its range runs from the first definition to the last.
class CDefinitions : public Node {
public:
  SONDE_AST_KIND(CDefinitions, Node)
  CDefinitions(SourceRange range, std::vector<CDefinition> items)
      : Node(kKind, range), items(std::move(items)) {}
  std::vector<CDefinition> items;
};

// One `key = value` of a config block. The value is an IntLiteral,
// StringLiteral, BoolLiteral or, for an identifier, a Builtin.
struct ConfigEntry {
  std::string key; // As written: max_strlen, MAX_STRLEN, BPFTRACE_...
  SourceRange key_range;
  Expr* value;
  SourceRange range; // `key = value`
};

// `config = { key = value; ... }`.
class Config : public Node {
public:
  SONDE_AST_KIND(Config, Node)
  Config(SourceRange range, std::vector<ConfigEntry> entries)
      : Node(kKind, range), entries(std::move(entries)) {}
  std::vector<ConfigEntry> entries;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    for (auto& entry : self.entries) {
      f(entry.value, {.name = entry.key});
    }
  }
};

// A macro parameter: `$v` (must be passed a variable), `@m` (a map) or a
// bare identifier (any expression).
struct MacroParam {
  enum class Kind : uint8_t { Variable, Map, Ident };
  Kind kind;
  // Like the expression nodes: no '$' for variables, the '@' kept for maps.
  std::string name;
  SourceRange range;
};

// `macro name(params) { body }`. The body's last statement may be an
// expression without ';' (Block::ends_in_expr), the macro's value.
class MacroDef : public Node {
public:
  SONDE_AST_KIND(MacroDef, Node)
  MacroDef(SourceRange range,
           std::string name,
           SourceRange name_range,
           std::vector<MacroParam> params,
           Block* body)
      : Node(kKind, range), name(std::move(name)), name_range(name_range),
        params(std::move(params)), body(body) {}
  std::string name;
  SourceRange name_range;
  std::vector<MacroParam> params;
  Block* body;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    f(self.body, {});
  }
};

// One `$name: TYPE` parameter of a `fn`.
struct FunctionParam {
  std::string name; // Without the '$'.
  SourceRange name_range;
  TypeSpec* type;
};

// `fn name($a: TYPE, ...): RETTYPE { body }`.
class FunctionDef : public Node {
public:
  SONDE_AST_KIND(FunctionDef, Node)
  FunctionDef(SourceRange range,
              std::string name,
              SourceRange name_range,
              std::vector<FunctionParam> params,
              TypeSpec* return_type,
              Block* body)
      : Node(kKind, range), name(std::move(name)), name_range(name_range),
        params(std::move(params)), return_type(return_type), body(body) {}
  std::string name;
  SourceRange name_range;
  std::vector<FunctionParam> params;
  TypeSpec* return_type; // Null when `: TYPE` is left out.
  Block* body;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    for (auto& param : self.params) {
      f(param.type, {"param $", param.name});
    }
    f(self.return_type, {"returns"});
    f(self.body, {});
  }
};

// A root map declaration `let @m = hash(N);`. The map type is any
// identifier and the arguments any expressions; sema checks them
// (hash|lruhash|percpuhash|percpulruhash with one integer).
class MapDecl : public Node {
public:
  SONDE_AST_KIND(MapDecl, Node)
  MapDecl(SourceRange range,
          std::string name,
          SourceRange name_range,
          std::string map_type,
          SourceRange map_type_range,
          std::vector<Expr*> args)
      : Node(kKind, range), name(std::move(name)), name_range(name_range),
        map_type(std::move(map_type)), map_type_range(map_type_range),
        args(std::move(args)) {}
  std::string name; // With the '@'.
  SourceRange name_range;
  std::string map_type;
  SourceRange map_type_range;
  std::vector<Expr*> args;

  template <typename Self, typename F> static void children(Self& self, F& f) {
    for (auto& arg : self.args) {
      f(arg, {});
    }
  }
};

// A whole script. The typed vectors hold each kind of top-level item in
// source order; `items` holds all of them (the CDefinitions node where its
// first definition is) in source order. Out-of-order items have already
// been reported by the parser but are kept.
class Program : public Node {
public:
  SONDE_AST_KIND(Program, Node)
  Program(SourceRange range, std::vector<Probe*> probes)
      : Node(kKind, range), probes(std::move(probes)) {}
  std::vector<Probe*> probes;
  CDefinitions* c_definitions = nullptr;
  std::vector<Config*> configs;
  std::vector<Import*> imports;
  std::vector<MacroDef*> macros;
  std::vector<FunctionDef*> functions;
  std::vector<MapDecl*> map_decls;
  std::vector<Node*> items;

  // The children are the items; a Program built by hand (not by the
  // parser) may list only probes.
  template <typename Self, typename F> static void children(Self& self, F& f) {
    if (self.items.empty()) {
      for (auto& probe : self.probes) {
        f(probe, {});
      }
      return;
    }
    for (auto& item : self.items) {
      f(item, {});
    }
  }
};

#undef SONDE_AST_KIND

template <typename T, typename F> decltype(auto) with_kind(T* node, F&& f) {
  static_assert(std::is_base_of_v<Node, std::remove_const_t<T>>);
  constexpr bool kConst = std::is_const_v<T>;
  auto* base =
      static_cast<std::conditional_t<kConst, const Node*, Node*>>(node);
  switch (node->kind()) {
#define NODE(Name)                                                             \
  case NodeKind::Name:                                                         \
    return f(static_cast<std::conditional_t<kConst, const Name*, Name*>>(base));
#include "ast/nodes.def"
  }
  check_failed("node->kind() is a NodeKind", __FILE__, __LINE__);
}

template <typename T, typename F> void for_each_child(T* node, F&& f) {
  using Class = std::remove_const_t<T>;
  if constexpr (!requires { Class::kKind; }) {
    // Node, Expr or Stmt: find the node's own class first.
    with_kind(node, [&f](auto* typed) { for_each_child(typed, f); });
  } else if constexpr (HasChildren<Class>) {
    auto present = [&f](auto& child, const ChildRole& role) {
      if (child != nullptr) {
        f(child, role);
      }
    };
    Class::children(*node, present);
  }
}

} // namespace sonde::ast
