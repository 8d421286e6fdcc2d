// SPDX-License-Identifier: Apache-2.0
// Probes, statements and variables.
#include "sema/type_checker.h"

namespace sonde::sema {

void TypeChecker::check_program(const ast::Program& program) {
  for (const ast::Probe* probe : program.probes) {
    check_probe(*probe);
  }
}

void TypeChecker::check_probe(const ast::Probe& probe) {
  variables_ = &checked_.variables[&probe];
  variables_->clear();
  args_records_.clear();
  targets_ = nullptr;
  auto found = expanded_.find(&probe);
  if (found != expanded_.end()) {
    targets_ = &found->second;
    for (const probes::AttachTarget& target : found->second) {
      if (target.kind != probes::ProbeKind::Tracepoint) {
        continue;
      }
      auto record = catalog_.get(target.kind).args_type(target);
      if (record) {
        args_records_.push_back({target.full_name, std::move(*record)});
      } else {
        llvm::consumeError(record.takeError());
      }
    }
  }
  if (probe.predicate != nullptr) {
    check_condition(probe.predicate);
  }
  check_block(*probe.body);
}

void TypeChecker::check_block(const ast::Block& block) {
  for (const ast::Stmt* stmt : block.stmts) {
    check_stmt(*stmt);
  }
}

void TypeChecker::check_condition(const ast::Expr* cond) {
  Type type = check_expr(cond);
  if (!type.is_none() && !is_scalar(type)) {
    error(diag::Kind::ConditionNotInteger, cond->range(), {type.name()});
  }
}

void TypeChecker::check_stmt(const ast::Stmt& stmt) {
  switch (stmt.kind()) {
  case ast::NodeKind::ExprStmt: {
    const ast::Expr* expr = static_cast<const ast::ExprStmt&>(stmt).expr;
    Type type = check_expr(expr);
    // Calls and `++`/`--` are made for what they do (delete() returns
    // whether the key existed, and dropping that is fine).
    bool has_effect = expr->kind() == ast::NodeKind::Call ||
                      expr->kind() == ast::NodeKind::IncDec;
    if (!type.is_none() && !has_effect) {
      warning(diag::Kind::ValueDiscarded, expr->range());
    }
    return;
  }
  case ast::NodeKind::AssignVar:
    check_assign_var(static_cast<const ast::AssignVar&>(stmt));
    return;
  case ast::NodeKind::AssignMap:
    check_assign_map(static_cast<const ast::AssignMap&>(stmt));
    return;
  case ast::NodeKind::If: {
    const auto& branch = static_cast<const ast::If&>(stmt);
    check_condition(branch.cond);
    check_block(*branch.then_block);
    if (branch.else_block != nullptr) {
      check_block(*branch.else_block);
    }
    return;
  }
  case ast::NodeKind::VarDecl:
    check_var_decl(static_cast<const ast::VarDecl&>(stmt));
    return;
  case ast::NodeKind::Discard:
    check_expr(static_cast<const ast::Discard&>(stmt).expr);
    return;
  case ast::NodeKind::BlockStmt:
    check_block(*static_cast<const ast::BlockStmt&>(stmt).block);
    return;
  case ast::NodeKind::ForRange: {
    const auto& loop = static_cast<const ast::ForRange&>(stmt);
    Type start = check_expr(loop.start);
    Type end = check_expr(loop.end);
    for (const auto& [bound, type] :
         {std::pair{loop.start, start}, std::pair{loop.end, end}}) {
      if (!type.is_none() && !is_scalar(type)) {
        error(diag::Kind::NotAnInteger, bound->range(), {type.name()});
      }
    }
    Type counter = Type::integer(8, start.is_signed() && end.is_signed());
    (*variables_)[loop.var->name] = counter;
    checked_.expr_types[loop.var] = counter;
    ++loop_depth_;
    check_block(*loop.body);
    --loop_depth_;
    return;
  }
  case ast::NodeKind::Unroll: {
    const auto& unroll = static_cast<const ast::Unroll&>(stmt);
    std::optional<int64_t> count = constant_value(unroll.count);
    if (!count || *count < 1 || *count > 100) {
      error(diag::Kind::UnrollCountInvalid, unroll.count->range());
      return;
    }
    check_block(*unroll.body);
    return;
  }
  case ast::NodeKind::While: {
    const auto& loop = static_cast<const ast::While&>(stmt);
    check_condition(loop.cond);
    ++loop_depth_;
    check_block(*loop.body);
    --loop_depth_;
    return;
  }
  case ast::NodeKind::Break:
  case ast::NodeKind::Continue:
    if (loop_depth_ == 0) {
      error(diag::Kind::OutsideLoop, stmt.range(),
            {stmt.kind() == ast::NodeKind::Break ? "break" : "continue"});
    }
    return;
  case ast::NodeKind::Return: {
    const auto& ret = static_cast<const ast::Return&>(stmt);
    if (ret.value != nullptr) {
      error(diag::Kind::NotSupportedYet, ret.value->range(),
            {"a value after 'return' in a probe"});
    }
    return;
  }
  default:
    // Parsed, but not compiled yet: say so rather than drop it.
    error(diag::Kind::NotSupportedYet, stmt.range(),
          {std::string("the statement '") + ast::kind_name(stmt.kind()) + "'"});
    return;
  }
}

void TypeChecker::check_var_decl(const ast::VarDecl& decl) {
  if (decl.type != nullptr) {
    error(diag::Kind::NotSupportedYet, decl.type->range(), {"a type on 'let'"});
    return;
  }
  Type value = decl.init != nullptr ? check_expr(decl.init) : Type::s64();
  if (value.is_none()) {
    return;
  }
  if (!is_scalar(value) && !value.is_string()) {
    error(diag::Kind::CannotStore, decl.init->range(),
          {value.name(), "a variable"});
    return;
  }
  Type stored = storage_type(value);
  (*variables_)[decl.var->name] = stored;
  checked_.expr_types[decl.var] = stored;
}

void TypeChecker::check_assign_var(const ast::AssignVar& assign) {
  Type value = check_expr(assign.value);
  if (value.is_none()) {
    return;
  }
  const std::string& name = assign.target->name;
  if (assign.compound) {
    // `$x OP= v` reads $x first: it must exist and both be integers.
    auto found = variables_->find(name);
    if (found == variables_->end()) {
      error(diag::Kind::UndefinedVariable, assign.target->range(),
            {"$" + name});
      return;
    }
    if (!is_scalar(found->second) || !is_scalar(value)) {
      const Type& bad = is_scalar(found->second) ? value : found->second;
      error(diag::Kind::UnsupportedOperand, assign.range(),
            {std::string(ast::spelling(*assign.compound)) + "=", bad.name()});
      return;
    }
    checked_.expr_types[assign.target] = found->second;
    return;
  }
  if (value.is_aggregation()) {
    error(diag::Kind::AggregationNotAssigned, assign.value->range(),
          {static_cast<const ast::Call*>(assign.value)->callee});
    return;
  }
  if (value.is_record()) {
    error(diag::Kind::CannotStore, assign.value->range(),
          {value.name(), "a variable"});
    return;
  }
  Type stored = storage_type(value);
  auto [it, inserted] = variables_->emplace(name, stored);
  if (!inserted) {
    const Type& existing = it->second;
    bool compatible = (existing.is_integer() && stored.is_integer()) ||
                      (existing.is_string() && stored.is_string() &&
                       stored.size() <= existing.size());
    if (!compatible) {
      error(diag::Kind::ScratchTypeMismatch, assign.value->range(),
            {"$" + name, existing.name(), value.name()});
      return;
    }
    stored = existing;
  }
  checked_.expr_types[assign.target] = stored;
}

} // namespace sonde::sema
