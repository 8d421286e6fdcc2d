// SPDX-License-Identifier: Apache-2.0
// The expand_macros pass: every call of a `macro` (and of a `fn`, inlined)
// is replaced by a copy of its body. Copies are hygienic: the body's own
// variables get names no script can write, `$` and `@` parameters become
// the caller's variable and map, and bare-identifier parameters become a
// copy of the argument expression; a parameter hides a macro of its name.
// A call becomes a block expression wherever it is, a statement too: a
// body that does not end in an expression has no value, which only a
// statement accepts (check_types). Probe predicates and bodies are rebuilt
// with the expansions in place. A node is copied field by field
// (ast::Context::clone) and its children through its class's list, so
// only the kinds a substitution changes have code of their own here.
#include "sema/builtins.h"
#include "sema/pipeline.h"

#include <map>

namespace sonde::sema {

namespace {

bool is_aggregation(const std::string& name) {
  std::optional<FunctionSignature> signature = find_function(name);
  if (!signature) {
    return false;
  }
  switch (signature->function) {
#define AGGREGATION(Enum, Name) case BuiltinFunction::Enum:
#include "types/map_kinds.def"
    return true;
  default:
    return false;
  }
}

// Deep enough for any sane nesting; deeper means a macro calls itself.
constexpr unsigned kMaxExpansionDepth = 32;

struct Substitution {
  std::map<std::string, std::string> variables;
  std::map<std::string, std::string> maps;
  std::map<std::string, const ast::Expr*> expressions;
  // The prefix for the body's own variables; empty outside any expansion.
  std::string hygiene;
};

class MacroExpander {
public:
  MacroExpander(ast::Context& context, diag::DiagnosticEngine& diag)
      : context_(context), diag_(diag) {}

  void expand(ast::Program& program) {
    for (ast::MacroDef* macro : program.macros) {
      macros_[{macro->name, macro->params.size()}] = macro;
    }
    for (ast::FunctionDef* function : program.functions) {
      functions_[function->name] = function;
    }
    Substitution none;
    for (ast::Probe* probe : program.probes) {
      copy_children(*probe, none);
    }
  }

private:
  template <typename T, typename... Args> T* make(Args&&... args) {
    return context_.make<T>(std::forward<Args>(args)...);
  }

  std::string variable_name(const std::string& name, const Substitution& sub) {
    auto found = sub.variables.find(name);
    if (found != sub.variables.end()) {
      return found->second;
    }
    return sub.hygiene.empty() ? name : sub.hygiene + name;
  }

  std::string map_name(const std::string& name, const Substitution& sub) {
    auto found = sub.maps.find(name);
    return found != sub.maps.end() ? found->second : name;
  }

  // The copy of `node` under `sub`. It has the type of the field it goes
  // in (a Variable for a Variable), which a substitution keeps: a `$`
  // parameter becomes a variable, `typeof(T)` a typeof.
  template <typename T> T* copy(const T* node, const Substitution& sub) {
    ast::Node* copied =
        ast::with_kind(node, [&](const auto* typed) -> ast::Node* {
          return copy_kind(typed, sub);
        });
    T* typed = ast::dyn_cast<T>(copied);
    SONDE_CHECK(typed != nullptr, "a copy fits the field it goes in");
    return typed;
  }

  // Replaces every child of `node` (a clone, or a probe rebuilt in place)
  // with its copy, through the class's list of children.
  template <typename T> void copy_children(T& node, const Substitution& sub) {
    ast::for_each_child(&node, [&](auto*& child, const ast::ChildRole&) {
      child = copy(child, sub);
    });
  }

  // A new node with the fields of `node` and copies of its children,
  // whatever they are.
  template <typename T> T* clone(const T* node, const Substitution& sub) {
    T* copied = context_.clone(*node);
    copy_children(*copied, sub);
    return copied;
  }

  // How every kind not overloaded below is copied: a node without
  // children is shared, as it holds nothing to substitute; any other is
  // cloned.
  template <typename T>
  ast::Node* copy_kind(const T* node,
                       [[maybe_unused]] const Substitution& sub) {
    if constexpr (ast::HasChildren<T>) {
      return clone(node, sub);
    } else {
      return const_cast<T*>(node);
    }
  }

  ast::Node* copy_kind(const ast::Variable* var, const Substitution& sub) {
    ast::Variable* copied = clone(var, sub);
    copied->name = variable_name(var->name, sub);
    return copied;
  }

  ast::Node* copy_kind(const ast::MapAccess* map, const Substitution& sub) {
    ast::MapAccess* copied = clone(map, sub);
    copied->name = map_name(map->name, sub);
    return copied;
  }

  ast::Node* copy_kind(const ast::Builtin* builtin, const Substitution& sub) {
    auto found = sub.expressions.find(builtin->name);
    if (found != sub.expressions.end()) {
      return copy(found->second, Substitution{});
    }
    if (const ast::MacroDef* macro = macro_called(builtin)) {
      return expand_value(*macro, *builtin, sub);
    }
    return copy_kind<ast::Builtin>(builtin, sub);
  }

  ast::Node* copy_kind(const ast::Call* call, const Substitution& sub) {
    if (const ast::MacroDef* macro = macro_called(call)) {
      return expand_value(*macro, *call, sub);
    }
    if (auto found = functions_.find(call->callee); found != functions_.end()) {
      return inline_function(*found->second, *call, sub);
    }
    // `cpu()` is `cpu`: every builtin variable may be called without
    // arguments, as bpftrace's stdlib defines them (COMPAT 8). Those that
    // also take arguments (`nsecs(boot)`, `kstack(perf)`) are functions.
    if (call->args.empty() && find_variable(call->callee) &&
        !find_function(call->callee)) {
      return make<ast::Builtin>(call->range(), call->callee);
    }
    return copy_kind<ast::Call>(call, sub);
  }

  // `@m = { stmts; agg(x) }` (a macro call's value too) runs the
  // statements, then is `@m = agg(x)`: an aggregation is only written by
  // an assignment of its call (COMPAT 66).
  ast::Node* copy_kind(const ast::AssignMap* assign, const Substitution& sub) {
    ast::AssignMap* copied = clone(assign, sub);
    const auto* value = ast::dyn_cast<ast::BlockExpr>(copied->value);
    if (copied->compound || value == nullptr || value->function_body ||
        !value->block->ends_in_expr || value->block->stmts.empty()) {
      return copied;
    }
    auto* last = ast::dyn_cast<ast::ExprStmt>(value->block->stmts.back());
    const auto* call =
        last != nullptr ? ast::dyn_cast<ast::Call>(last->expr) : nullptr;
    if (call == nullptr || !is_aggregation(call->callee)) {
      return copied;
    }
    copied->value = last->expr;
    std::vector<ast::Stmt*> stmts = value->block->stmts;
    stmts.back() = copied;
    return make<ast::BlockStmt>(
        copied->range(),
        make<ast::Block>(value->block->range(), std::move(stmts), false));
  }

  // Types name macro parameters through typeof: a bare `T` whose argument
  // is `typeof(...)` becomes that argument's type.
  ast::Node* copy_kind(const ast::TypeSpec* spec, const Substitution& sub) {
    if (spec->base == ast::TypeKind::Named) {
      auto found = sub.expressions.find(spec->name);
      if (found != sub.expressions.end() &&
          found->second->kind() == ast::NodeKind::Typeof) {
        auto* copied =
            make<ast::TypeSpec>(spec->range(), ast::TypeKind::Typeof);
        copied->suffixes = spec->suffixes;
        copied->of = copy(static_cast<const ast::Typeof*>(found->second),
                          Substitution{});
        return copied;
      }
    }
    return copy_kind<ast::TypeSpec>(spec, sub);
  }

  // `sizeof(T[N])` where T is a parameter given `typeof(...)`: an array
  // of N of that type, which was read as an index (COMPAT 97).
  ast::Node* copy_kind(const ast::Sizeof* size, const Substitution& sub) {
    const auto* index =
        size->expr != nullptr ? ast::dyn_cast<ast::Index>(size->expr) : nullptr;
    const auto* name =
        index != nullptr ? ast::dyn_cast<ast::Builtin>(index->base) : nullptr;
    const auto* count = index != nullptr
                            ? ast::dyn_cast<ast::IntLiteral>(index->index)
                            : nullptr;
    if (name != nullptr && count != nullptr) {
      auto found = sub.expressions.find(name->name);
      if (found != sub.expressions.end() &&
          found->second->kind() == ast::NodeKind::Typeof) {
        auto* spec = make<ast::TypeSpec>(index->range(), ast::TypeKind::Typeof);
        spec->suffixes.push_back({ast::TypeSuffix::Kind::Array, count->value,
                                  index->index->range()});
        spec->of = copy(static_cast<const ast::Typeof*>(found->second),
                        Substitution{});
        return make<ast::Sizeof>(size->range(), spec, nullptr);
      }
    }
    return copy_kind<ast::Sizeof>(size, sub);
  }

  // `typeof(T)` where T is a parameter: the type of its argument, a value
  // or a `typeof(...)`.
  ast::Node* copy_kind(const ast::Typeof* of, const Substitution& sub) {
    if (of->type != nullptr && of->type->base == ast::TypeKind::Named &&
        of->type->suffixes.empty()) {
      auto found = sub.expressions.find(of->type->name);
      if (found != sub.expressions.end()) {
        return make<ast::Typeof>(of->range(), nullptr,
                                 copy(found->second, Substitution{}),
                                 of->implicit);
      }
    }
    return copy_kind<ast::Typeof>(of, sub);
  }

  // The macro a call or bare identifier names, if any.
  const ast::MacroDef* macro_called(const ast::Expr* expr) const {
    if (const auto* call = ast::dyn_cast<ast::Call>(expr)) {
      auto found = macros_.find({call->callee, call->args.size()});
      return found != macros_.end() ? found->second : nullptr;
    }
    if (const auto* builtin = ast::dyn_cast<ast::Builtin>(expr)) {
      auto found = macros_.find({builtin->name, 0});
      return found != macros_.end() ? found->second : nullptr;
    }
    return nullptr;
  }

  ast::Expr* expand_value(const ast::MacroDef& macro,
                          const ast::Expr& call,
                          const Substitution& caller) {
    ast::Block* body = expand_call(macro, call, caller);
    if (body == nullptr) {
      return make<ast::IntLiteral>(call.range(), 0);
    }
    // A body that is one literal is that literal, so it stands where a
    // literal is required: a printf format (COMPAT 76).
    if (body->stmts.size() == 1 &&
        body->stmts[0]->kind() == ast::NodeKind::ExprStmt) {
      ast::Expr* value = static_cast<ast::ExprStmt*>(body->stmts[0])->expr;
      if (value->kind() == ast::NodeKind::StringLiteral ||
          value->kind() == ast::NodeKind::IntLiteral) {
        return value;
      }
    }
    return make<ast::BlockExpr>(call.range(), body);
  }

  // The macro's body for one call; null (reported) when an argument does
  // not suit its parameter or the expansion recurses.
  ast::Block* expand_call(const ast::MacroDef& macro,
                          const ast::Expr& call,
                          const Substitution& caller) {
    if (depth_ >= kMaxExpansionDepth) {
      diag_.build(diag::Kind::MacroRecursion, call.range(), {macro.name})
          .emit();
      return nullptr;
    }
    const auto* as_call = ast::dyn_cast<ast::Call>(&call);
    Substitution sub;
    sub.hygiene = macro.name + "." + std::to_string(++expansions_) + ".";
    for (size_t i = 0; i < macro.params.size(); ++i) {
      const ast::MacroParam& param = macro.params[i];
      const ast::Expr* arg = as_call->args[i];
      switch (param.kind) {
      case ast::MacroParam::Kind::Variable: {
        const auto* var = ast::dyn_cast<ast::Variable>(arg);
        if (var == nullptr) {
          report_argument(macro, param, *arg, "a variable");
          return nullptr;
        }
        sub.variables[param.name] = variable_name(var->name, caller);
        break;
      }
      case ast::MacroParam::Kind::Map: {
        const auto* map = ast::dyn_cast<ast::MapAccess>(arg);
        if (map == nullptr || !map->keys.empty()) {
          report_argument(macro, param, *arg, "a map");
          return nullptr;
        }
        sub.maps[param.name] = map_name(map->name, caller);
        break;
      }
      case ast::MacroParam::Kind::Ident:
        sub.expressions[param.name] = copy(arg, caller);
        break;
      }
    }
    ++depth_;
    ast::Block* body = copy(macro.body, sub);
    --depth_;
    body->expansion = macro.name;
    body->call_site = call.range();
    return body;
  }

  void report_argument(const ast::MacroDef& macro,
                       const ast::MacroParam& param,
                       const ast::Expr& arg,
                       const char* expected) {
    diag_
        .build(diag::Kind::MacroArgument, arg.range(),
               {macro.name,
                (param.kind == ast::MacroParam::Kind::Variable ? "$" : "") +
                    param.name,
                expected})
        .note(param.range, diag::Kind::MacroDefinedHere)
        .emit();
  }

  // `fn f($a: T): R { ... }` called as `f(x)`: a block that declares the
  // parameters and runs the body; its `return`s leave the block with their
  // value (ast::BlockExpr::function_body).
  ast::Expr* inline_function(const ast::FunctionDef& function,
                             const ast::Call& call,
                             const Substitution& caller) {
    if (call.args.size() != function.params.size()) {
      diag_
          .build(diag::Kind::WrongArgumentCount, call.range(),
                 {function.name, std::to_string(function.params.size()),
                  std::to_string(call.args.size())})
          .emit();
      return make<ast::IntLiteral>(call.range(), 0);
    }
    if (depth_ >= kMaxExpansionDepth) {
      diag_.build(diag::Kind::MacroRecursion, call.range(), {function.name})
          .emit();
      return make<ast::IntLiteral>(call.range(), 0);
    }
    Substitution sub;
    sub.hygiene = function.name + "." + std::to_string(++expansions_) + ".";
    std::vector<ast::Stmt*> body;
    for (size_t i = 0; i < function.params.size(); ++i) {
      const ast::FunctionParam& param = function.params[i];
      body.push_back(make<ast::VarDecl>(
          param.name_range,
          make<ast::Variable>(param.name_range, sub.hygiene + param.name),
          param.type, copy(call.args[i], caller)));
    }
    ++depth_;
    for (const ast::Stmt* stmt : function.body->stmts) {
      body.push_back(copy(stmt, sub));
    }
    --depth_;
    auto* block =
        make<ast::Block>(function.body->range(), std::move(body), false);
    block->expansion = function.name;
    block->call_site = call.range();
    auto* inlined = make<ast::BlockExpr>(call.range(), block);
    inlined->function_body = true;
    inlined->returns = function.return_type;
    return inlined;
  }

  ast::Context& context_;
  diag::DiagnosticEngine& diag_;
  std::map<std::pair<std::string, size_t>, const ast::MacroDef*> macros_;
  std::map<std::string, const ast::FunctionDef*> functions_;
  unsigned depth_ = 0;
  unsigned expansions_ = 0;
};

} // namespace

bool expand_macros(ast::Program& program,
                   ast::Context& context,
                   diag::DiagnosticEngine& diag) {
  unsigned errors = diag.error_count();
  MacroExpander(context, diag).expand(program);
  return diag.error_count() == errors;
}

} // namespace sonde::sema
