// SPDX-License-Identifier: Apache-2.0
// The expand_macros pass: every call of a `macro` (and of a `fn`, inlined)
// is replaced by a copy of its body. Copies are hygienic: the body's own
// variables get names no script can write, `$` and `@` parameters become
// the caller's variable and map, and bare-identifier parameters become a
// copy of the argument expression. Probe bodies are rebuilt with the
// expansions in place; every other node is copied as it is.
#include "sema/pipeline.h"

#include <map>

namespace sonde::sema {

namespace {

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
      if (probe->predicate != nullptr) {
        probe->predicate = copy(probe->predicate, none);
      }
      probe->body = copy(probe->body, none);
    }
  }

private:
  template <typename T, typename... Args> T* make(Args&&... args) {
    return context_.make<T>(std::forward<Args>(args)...);
  }

  std::vector<ast::Expr*> copy_all(const std::vector<ast::Expr*>& exprs,
                                   const Substitution& sub) {
    std::vector<ast::Expr*> out;
    for (const ast::Expr* expr : exprs) {
      out.push_back(copy(expr, sub));
    }
    return out;
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

  ast::Variable* copy_variable(const ast::Variable* var,
                               const Substitution& sub) {
    return make<ast::Variable>(var->range(), variable_name(var->name, sub));
  }

  ast::MapAccess* copy_map(const ast::MapAccess* map, const Substitution& sub) {
    return make<ast::MapAccess>(map->range(), map_name(map->name, sub),
                                copy_all(map->keys, sub));
  }

  ast::Block* copy(const ast::Block* block, const Substitution& sub) {
    std::vector<ast::Stmt*> stmts;
    for (const ast::Stmt* stmt : block->stmts) {
      stmts.push_back(copy(stmt, sub));
    }
    return make<ast::Block>(block->range(), std::move(stmts),
                            block->ends_in_expr);
  }

  ast::Block* copy_or_null(const ast::Block* block, const Substitution& sub) {
    return block != nullptr ? copy(block, sub) : nullptr;
  }

  ast::Expr* copy_or_null(const ast::Expr* expr, const Substitution& sub) {
    return expr != nullptr ? copy(expr, sub) : nullptr;
  }

  ast::Stmt* copy(const ast::Stmt* stmt, const Substitution& sub) {
    SourceRange range = stmt->range();
    switch (stmt->kind()) {
    case ast::NodeKind::ExprStmt: {
      const ast::Expr* expr = static_cast<const ast::ExprStmt*>(stmt)->expr;
      // A macro called for its effect: its body as a plain block.
      if (const ast::MacroDef* macro = macro_called(expr)) {
        ast::Block* body = expand_call(*macro, *expr, sub);
        return body != nullptr
                   ? static_cast<ast::Stmt*>(make<ast::BlockStmt>(range, body))
                   : make<ast::ExprStmt>(range,
                                         make<ast::IntLiteral>(range, 0));
      }
      return make<ast::ExprStmt>(range, copy(expr, sub));
    }
    case ast::NodeKind::AssignVar: {
      const auto* s = static_cast<const ast::AssignVar*>(stmt);
      return make<ast::AssignVar>(range, copy_variable(s->target, sub),
                                  copy(s->value, sub), s->compound);
    }
    case ast::NodeKind::AssignMap: {
      const auto* s = static_cast<const ast::AssignMap*>(stmt);
      return make<ast::AssignMap>(range, copy_map(s->target, sub),
                                  copy(s->value, sub), s->compound);
    }
    case ast::NodeKind::If: {
      const auto* s = static_cast<const ast::If*>(stmt);
      return make<ast::If>(range, copy(s->cond, sub), copy(s->then_block, sub),
                           copy_or_null(s->else_block, sub));
    }
    case ast::NodeKind::VarDecl: {
      const auto* s = static_cast<const ast::VarDecl*>(stmt);
      return make<ast::VarDecl>(range, copy_variable(s->var, sub),
                                copy_type(s->type, sub),
                                copy_or_null(s->init, sub));
    }
    case ast::NodeKind::Discard:
      return make<ast::Discard>(
          range, copy(static_cast<const ast::Discard*>(stmt)->expr, sub));
    case ast::NodeKind::While: {
      const auto* s = static_cast<const ast::While*>(stmt);
      return make<ast::While>(range, copy(s->cond, sub), copy(s->body, sub));
    }
    case ast::NodeKind::ForMap: {
      const auto* s = static_cast<const ast::ForMap*>(stmt);
      return make<ast::ForMap>(range, copy_variable(s->var, sub),
                               copy_map(s->map, sub), copy(s->body, sub));
    }
    case ast::NodeKind::ForRange: {
      const auto* s = static_cast<const ast::ForRange*>(stmt);
      return make<ast::ForRange>(range, copy_variable(s->var, sub),
                                 copy(s->start, sub), copy(s->end, sub),
                                 copy(s->body, sub));
    }
    case ast::NodeKind::Unroll: {
      const auto* s = static_cast<const ast::Unroll*>(stmt);
      return make<ast::Unroll>(range, copy(s->count, sub), copy(s->body, sub));
    }
    case ast::NodeKind::Return: {
      const auto* s = static_cast<const ast::Return*>(stmt);
      return make<ast::Return>(range, copy_or_null(s->value, sub));
    }
    case ast::NodeKind::BlockStmt:
      return make<ast::BlockStmt>(
          range, copy(static_cast<const ast::BlockStmt*>(stmt)->block, sub));
    default:
      // Break, Continue, Import: nothing inside to substitute.
      return const_cast<ast::Stmt*>(stmt);
    }
  }

  // Types name macro parameters through typeof: `typeof(T)` or a bare `T`
  // whose argument is `typeof(...)` become that argument's type.
  ast::TypeSpec* copy_type(const ast::TypeSpec* spec, const Substitution& sub) {
    if (spec == nullptr || sub.expressions.empty()) {
      return const_cast<ast::TypeSpec*>(spec);
    }
    ast::Typeof* of = nullptr;
    if (spec->base == ast::TypeKind::Named) {
      auto found = sub.expressions.find(spec->name);
      if (found == sub.expressions.end() ||
          found->second->kind() != ast::NodeKind::Typeof) {
        return const_cast<ast::TypeSpec*>(spec);
      }
      of = static_cast<ast::Typeof*>(copy(found->second, Substitution{}));
    } else if (spec->base == ast::TypeKind::Typeof && spec->of != nullptr) {
      of = copy_typeof(spec->of, sub);
    } else {
      return const_cast<ast::TypeSpec*>(spec);
    }
    auto* copied = make<ast::TypeSpec>(spec->range(), ast::TypeKind::Typeof);
    copied->suffixes = spec->suffixes;
    copied->of = of;
    return copied;
  }

  ast::Typeof* copy_typeof(const ast::Typeof* of, const Substitution& sub) {
    if (of->type != nullptr && of->type->base == ast::TypeKind::Named &&
        of->type->suffixes.empty()) {
      auto found = sub.expressions.find(of->type->name);
      if (found != sub.expressions.end()) {
        // `typeof(T)` where T is a value or a `typeof(...)`.
        return make<ast::Typeof>(of->range(), nullptr,
                                 copy(found->second, Substitution{}),
                                 of->implicit);
      }
    }
    return make<ast::Typeof>(of->range(), copy_type(of->type, sub),
                             copy_or_null(of->expr, sub), of->implicit);
  }

  ast::Expr* copy(const ast::Expr* expr, const Substitution& sub) {
    SourceRange range = expr->range();
    switch (expr->kind()) {
    case ast::NodeKind::Typeof:
      return copy_typeof(static_cast<const ast::Typeof*>(expr), sub);
    case ast::NodeKind::Variable:
      return copy_variable(static_cast<const ast::Variable*>(expr), sub);
    case ast::NodeKind::MapAccess:
      return copy_map(static_cast<const ast::MapAccess*>(expr), sub);
    case ast::NodeKind::Builtin: {
      const auto* builtin = static_cast<const ast::Builtin*>(expr);
      auto found = sub.expressions.find(builtin->name);
      if (found != sub.expressions.end()) {
        return copy(found->second, Substitution{});
      }
      if (const ast::MacroDef* macro = macro_called(expr)) {
        return expand_value(*macro, *expr, sub);
      }
      return const_cast<ast::Expr*>(expr);
    }
    case ast::NodeKind::Call: {
      const auto* call = static_cast<const ast::Call*>(expr);
      if (const ast::MacroDef* macro = macro_called(expr)) {
        return expand_value(*macro, *expr, sub);
      }
      if (auto found = functions_.find(call->callee);
          found != functions_.end()) {
        return inline_function(*found->second, *call, sub);
      }
      return make<ast::Call>(range, call->callee, call->callee_range,
                             copy_all(call->args, sub));
    }
    case ast::NodeKind::Binary: {
      const auto* e = static_cast<const ast::Binary*>(expr);
      return make<ast::Binary>(range, e->op, copy(e->lhs, sub),
                               copy(e->rhs, sub));
    }
    case ast::NodeKind::Unary: {
      const auto* e = static_cast<const ast::Unary*>(expr);
      return make<ast::Unary>(range, e->op, copy(e->operand, sub));
    }
    case ast::NodeKind::IncDec: {
      const auto* e = static_cast<const ast::IncDec*>(expr);
      return make<ast::IncDec>(range, e->increment, e->prefix,
                               copy(e->operand, sub));
    }
    case ast::NodeKind::Ternary: {
      const auto* e = static_cast<const ast::Ternary*>(expr);
      return make<ast::Ternary>(range, copy(e->cond, sub),
                                copy_or_null(e->then_expr, sub),
                                copy(e->else_expr, sub));
    }
    case ast::NodeKind::FieldAccess: {
      const auto* e = static_cast<const ast::FieldAccess*>(expr);
      return make<ast::FieldAccess>(range, copy(e->base, sub), e->field,
                                    e->field_range, e->arrow);
    }
    case ast::NodeKind::Cast: {
      const auto* e = static_cast<const ast::Cast*>(expr);
      return make<ast::Cast>(range, copy_type(e->type, sub),
                             copy(e->expr, sub));
    }
    case ast::NodeKind::Tuple:
      return make<ast::Tuple>(
          range, copy_all(static_cast<const ast::Tuple*>(expr)->elements, sub));
    case ast::NodeKind::Record: {
      std::vector<ast::RecordField> fields =
          static_cast<const ast::Record*>(expr)->fields;
      for (ast::RecordField& field : fields) {
        field.value = copy(field.value, sub);
      }
      return make<ast::Record>(range, std::move(fields));
    }
    case ast::NodeKind::TupleAccess: {
      const auto* e = static_cast<const ast::TupleAccess*>(expr);
      return make<ast::TupleAccess>(range, copy(e->base, sub), e->index,
                                    e->index_range);
    }
    case ast::NodeKind::Index: {
      const auto* e = static_cast<const ast::Index*>(expr);
      return make<ast::Index>(range, copy(e->base, sub), copy(e->index, sub));
    }
    case ast::NodeKind::Sizeof: {
      const auto* e = static_cast<const ast::Sizeof*>(expr);
      return make<ast::Sizeof>(range, copy_type(e->type, sub),
                               copy_or_null(e->expr, sub));
    }
    case ast::NodeKind::Typeinfo: {
      const auto* e = static_cast<const ast::Typeinfo*>(expr);
      return make<ast::Typeinfo>(range, e->type, copy_or_null(e->expr, sub));
    }
    case ast::NodeKind::Offsetof: {
      const auto* e = static_cast<const ast::Offsetof*>(expr);
      return make<ast::Offsetof>(range, e->type, copy_or_null(e->expr, sub),
                                 e->fields, e->field_ranges);
    }
    case ast::NodeKind::IfExpr: {
      const auto* e = static_cast<const ast::IfExpr*>(expr);
      return make<ast::IfExpr>(range, copy(e->cond, sub),
                               copy(e->then_block, sub),
                               copy(e->else_block, sub));
    }
    case ast::NodeKind::BlockExpr: {
      const auto* e = static_cast<const ast::BlockExpr*>(expr);
      auto* block = make<ast::BlockExpr>(range, copy(e->block, sub));
      block->function_body = e->function_body;
      block->returns = e->returns;
      return block;
    }
    default:
      // Literals, positional parameters and type-level nodes hold no
      // variables.
      return const_cast<ast::Expr*>(expr);
    }
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
    auto* inlined = make<ast::BlockExpr>(
        call.range(),
        make<ast::Block>(function.body->range(), std::move(body), false));
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
