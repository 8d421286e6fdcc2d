// SPDX-License-Identifier: Apache-2.0
// Probes, statements and variables.
#include "sema/type_checker.h"
#include "types/record_fields.h"

#include <utility>

namespace sonde::sema {

void TypeChecker::check_program(const ast::Program& program) {
  for (const ast::MapDecl* decl : program.map_decls) {
    check_map_declaration(*decl);
  }
  for (const ast::Probe* probe : program.probes) {
    check_probe(*probe);
  }
  for (const ast::MapDecl* decl : program.map_decls) {
    const MapInfo* map = find_map(decl->name);
    auto declared = declarations_.find(decl->name);
    if (map == nullptr || declared == declarations_.end()) {
      if (map == nullptr && reporting_) {
        diagnostic(diag::Kind::MapDeclaredUnused, decl->name_range,
                   {decl->name})
            .emit();
      }
      continue;
    }
    // Per-CPU maps hold aggregations, whose values user space merges.
    if (declared->second.per_cpu && !map->shape.is_aggregation()) {
      error(diag::Kind::PerCpuMapNeedsAggregation, decl->map_type_range,
            {decl->map_type, decl->name});
    }
  }
}

void TypeChecker::check_map_declaration(const ast::MapDecl& decl) {
  static const std::vector<std::string> kKinds = {
      "hash", "lruhash", "percpuhash", "percpulruhash"};
  if (std::find(kKinds.begin(), kKinds.end(), decl.map_type) == kKinds.end()) {
    auto report = diagnostic(diag::Kind::UnknownMapType, decl.map_type_range,
                             {decl.map_type});
    if (auto close = closest_match(decl.map_type, kKinds)) {
      report.hint(diag::Kind::DidYouMean, {*close});
    }
    report.emit();
    return;
  }
  std::optional<int64_t> entries =
      decl.args.size() == 1 ? constant_value(decl.args[0]) : std::nullopt;
  if (!entries || *entries <= 0 || *entries > (int64_t(1) << 24)) {
    error(diag::Kind::MapDeclarationSize, decl.range(), {decl.map_type});
    return;
  }
  MapDeclaration declaration;
  declaration.lru = decl.map_type.find("lru") != std::string::npos;
  declaration.per_cpu = decl.map_type.starts_with("percpu");
  declaration.max_entries = static_cast<uint32_t>(*entries);
  declarations_[decl.name] = declaration;
}

void TypeChecker::check_probe(const ast::Probe& probe) {
  probe_ = &probe;
  declared_variables_.clear();
  variables_ = &checked_.variables[&probe];
  variables_->clear();
  args_records_.clear();
  register_args_loaded_ = false;
  unreadable_args_.clear();
  targets_ = nullptr;
  auto found = expanded_.find(&probe);
  if (found != expanded_.end()) {
    targets_ = &found->second;
    // `args` typed from tracefs or BTF is known now; from DWARF, only when
    // the body reads it (load_register_args).
    for (const probes::AttachTarget& target : found->second) {
      probes::ArgsRecord args = probes::traits(target.kind).args;
      if (args != probes::ArgsRecord::Tracefs &&
          args != probes::ArgsRecord::Btf) {
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
  assigned_.clear();
  read_.clear();
  if (probe.predicate != nullptr) {
    check_condition(probe.predicate);
  }
  check_block(*probe.body);
  report_unused_variables();
  // A predicate false at compile time (`/getopt("queued", false)/`): the
  // probe is neither compiled nor attached.
  if (probe.predicate != nullptr && !diag_.has_errors() &&
      always_false(probe.predicate)) {
    checked_.dropped_probes.insert(&probe);
  }
}

bool TypeChecker::always_false(const ast::Expr* expr) {
  if (const auto* binary = ast::dyn_cast<ast::Binary>(expr);
      binary != nullptr && binary->op == ast::BinaryOp::LogicalAnd) {
    return always_false(binary->lhs) || always_false(binary->rhs);
  }
  std::optional<int64_t> value = fold_constant(expr);
  return value && *value == 0;
}

namespace {

// What a statement leaves for good ("probe", "loop"), or null when the
// statements after it run.
const char* leaves(const ast::Stmt& stmt, bool in_function) {
  switch (stmt.kind()) {
  case ast::NodeKind::Return:
    return in_function ? "function" : "probe";
  case ast::NodeKind::Break:
  case ast::NodeKind::Continue:
    return "loop iteration";
  case ast::NodeKind::ExprStmt: {
    const auto* call =
        ast::dyn_cast<ast::Call>(static_cast<const ast::ExprStmt&>(stmt).expr);
    return call != nullptr && call->callee == "exit" ? "probe" : nullptr;
  }
  default:
    return nullptr;
  }
}

} // namespace

void TypeChecker::check_block(const ast::Block& block) {
  diag::ExpansionScope expansion(diag_, block.expansion, block.range(),
                                 block.call_site);
  const char* left = nullptr;
  bool warned = false;
  for (const ast::Stmt* stmt : block.stmts) {
    // COMPAT 89: one warning, at the first statement never reached.
    if (left != nullptr && !warned) {
      diagnostic(diag::Kind::UnreachableStatement, stmt->range(), {left})
          .emit();
      warned = true;
    }
    check_stmt(*stmt);
    if (left == nullptr) {
      left = leaves(*stmt, !function_returns_.empty());
    }
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
    Type type = check_effect(expr);
    // Calls (macros too) and `++`/`--` are made for what they do (delete()
    // returns whether the key existed, and dropping that is fine).
    bool has_effect = expr->kind() == ast::NodeKind::Call ||
                      expr->kind() == ast::NodeKind::BlockExpr ||
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
    // A constant condition rules one branch out: fail() there is fine.
    std::optional<int64_t> known = fold_constant(branch.cond);
    unreachable_depth_ += known && *known == 0;
    check_block(*branch.then_block);
    unreachable_depth_ -= known && *known == 0;
    if (branch.else_block != nullptr) {
      unreachable_depth_ += known && *known != 0;
      check_block(*branch.else_block);
      unreachable_depth_ -= known && *known != 0;
    }
    return;
  }
  case ast::NodeKind::VarDecl:
    check_var_decl(static_cast<const ast::VarDecl&>(stmt));
    return;
  case ast::NodeKind::Discard:
    check_effect(static_cast<const ast::Discard&>(stmt).expr);
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
    std::optional<int64_t> first = fold_constant(loop.start);
    std::optional<int64_t> last = fold_constant(loop.end);
    const uint64_t count =
        first && last && *last > *first
            ? static_cast<uint64_t>(*last) - static_cast<uint64_t>(*first)
            : 0;
    const bool callback =
        !first || !last || count > kMaxInlineRangeCount / inline_range_values_;
    if (callback) {
      checked_.callback_range_loops.insert(&loop);
    }
    const uint64_t outer_values = inline_range_values_;
    // A callback's body is walked on its own.
    inline_range_values_ =
        callback ? 1 : inline_range_values_ * std::max<uint64_t>(count, 1);
    ++loop_depth_;
    callback_loop_depth_ += callback;
    const char* outer_name = std::exchange(
        callback_loop_name_,
        callback ? "a 'for' range with run-time bounds or many values"
                 : callback_loop_name_);
    check_block(*loop.body);
    callback_loop_name_ = outer_name;
    callback_loop_depth_ -= callback;
    inline_range_values_ = outer_values;
    --loop_depth_;
    return;
  }
  case ast::NodeKind::ForMap:
    check_for_map(static_cast<const ast::ForMap&>(stmt));
    return;
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
    // A probe's `return` leaves map loops too; a function's does not yet.
    if (!function_returns_.empty() &&
        callback_loop_depth_ > function_callback_loop_depths_.back()) {
      error(diag::Kind::NotSupportedYet, stmt.range(),
            {std::string("'return' from a function inside ") +
             callback_loop_name_});
      return;
    }
    check_return(ret);
    return;
  }
  case ast::NodeKind::Import:
    // The file was imported with the root imports (parse/imports.cpp);
    // only the statement's place is unstable.
    check_unstable(checked_.config.unstable_import_statement, stmt.range(),
                   "'import' inside a block", "unstable_import_statement");
    return;
  default:
    // Parsed, but not compiled yet: say so rather than drop it.
    error(diag::Kind::NotSupportedYet, stmt.range(),
          {std::string("the statement '") + ast::kind_name(stmt.kind()) + "'"});
    return;
  }
}

void TypeChecker::check_for_map(const ast::ForMap& loop) {
  const MapInfo* map = find_map(loop.map->name);
  if (map == nullptr) {
    if (reporting_) {
      error(diag::Kind::UndefinedMap, loop.map->range(), {loop.map->name});
    }
    return;
  }
  const std::vector<Type>& keys = map->shape.key_types;
  if (keys.empty()) {
    error(diag::Kind::ForMapWithoutKeys, loop.map->range(), {loop.map->name});
    return;
  }
  // `$kv.0` is the key (a tuple of the keys for several), `$kv.1` the
  // value as a read of the map gives it.
  Type value = check_map_read(*loop.map, /*whole_map=*/true);
  if (value.is_none()) {
    return;
  }
  Type key = keys.size() == 1 ? keys[0] : Type::tuple(keys);
  Type pair = Type::tuple({key, value});
  (*variables_)[loop.var->name] = pair;
  checked_.expr_types[loop.var] = pair;
  checked_.expr_types[loop.map] = value;
  ++loop_depth_;
  ++callback_loop_depth_;
  const char* outer_name =
      std::exchange(callback_loop_name_, "'for ($kv : @map)'");
  const uint64_t outer_values = std::exchange(inline_range_values_, 1);
  check_block(*loop.body);
  inline_range_values_ = outer_values;
  callback_loop_name_ = outer_name;
  --callback_loop_depth_;
  --loop_depth_;
}

void TypeChecker::check_var_decl(const ast::VarDecl& decl) {
  note_assigned(*decl.var);
  Type declared;
  if (decl.type != nullptr) {
    declared = resolve_type(*decl.type);
    if (declared.is_none()) {
      return;
    }
  }
  Type value = decl.init != nullptr ? check_expr(decl.init)
               : declared.is_none() ? Type::s64()
                                    : declared;
  if (value.is_none()) {
    return;
  }
  if (!storable(value)) {
    error(diag::Kind::CannotStore, decl.init->range(),
          {value.name(), "a variable"});
    return;
  }
  Type stored = declared.is_none()
                    ? learned_variable_type(decl.var->name, storage_type(value))
                    : declared;
  if (!declared.is_none()) {
    declared_variables_.insert(decl.var->name);
  } else {
    declared_variables_.erase(decl.var->name);
  }
  if (decl.init != nullptr &&
      !check_conversion(value, stored, decl.init, "$" + decl.var->name)) {
    return;
  }
  (*variables_)[decl.var->name] = stored;
  checked_.expr_types[decl.var] = stored;
}

bool TypeChecker::check_unstable(Unstable level,
                                 SourceRange range,
                                 const std::string& feature,
                                 const std::string& key) {
  if (level == Unstable::Enable) {
    return true;
  }
  bool fatal = level == Unstable::Error;
  std::string upper = key;
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  diagnostic(fatal ? diag::Kind::UnstableFeatureDisabled
                   : diag::Kind::UnstableFeatureUsed,
             range, {feature, key})
      .hint(fatal ? diag::Kind::UnstableFeatureHint
                  : diag::Kind::UnstableFeatureSilence,
            {key, upper})
      .emit();
  return !fatal;
}

bool TypeChecker::storable(const Type& type) {
  if (type.is_record()) {
    // Structs copy (`$s = *$p`); a tracepoint's `args` is the probe's
    // context, read field by field.
    return type.is_complete() && !type.record_name().starts_with("tracepoint:");
  }
  return !type.is_none() && !type.is_aggregation();
}

bool TypeChecker::check_conversion(const Type& from,
                                   const Type& to,
                                   const ast::Expr* value,
                                   const std::string& target) {
  if (!same_address_space(from, to, value->range(), target)) {
    return false;
  }
  if (is_scalar(from) && is_scalar(to)) {
    if (to.is_integer() && to.size() < 8 && fits_narrower(value, from, to)) {
      return true;
    }
    if (to.is_integer() && from.size() > to.size()) {
      diagnostic(diag::Kind::ValueTruncated, value->range(),
                 {from.name(), to.name(), target})
          .emit();
    }
    return true;
  }
  if (from.is_string() && to.is_string()) {
    if (from.size() > to.size()) {
      diagnostic(diag::Kind::ValueTruncated, value->range(),
                 {from.name(), to.name(), target})
          .emit();
    }
    return true;
  }
  if (from == to) {
    return true;
  }
  if (from.is_tuple() && to.is_tuple() &&
      from.fields().size() == to.fields().size() &&
      from.is_named_tuple() == to.is_named_tuple()) {
    bool convertible = true;
    for (size_t i = 0; i < to.fields().size() && convertible; ++i) {
      // Records convert field by field, matched by name in any order
      // (COMPAT 82); tuples by position.
      const types::Field* source = types::field_for(from, to, i);
      if (source == nullptr) {
        convertible = false;
        break;
      }
      const Type& a = *source->type;
      const Type& b = *to.fields()[i].type;
      convertible &= (is_scalar(a) && is_scalar(b)) ||
                     (a.is_string() && b.is_string() && a.size() <= b.size()) ||
                     a == b;
    }
    if (convertible) {
      return true;
    }
  }
  error(diag::Kind::ScratchTypeMismatch, value->range(),
        {target, to.name(), from.name()});
  return false;
}

static const char* space_name(types::AddressSpace space) {
  return space == types::AddressSpace::User ? "user" : "kernel";
}

bool TypeChecker::same_address_space(const Type& from,
                                     const Type& to,
                                     SourceRange range,
                                     const std::string& target) {
  if (!from.is_pointer() || !to.is_pointer() ||
      from.address_space() == types::AddressSpace::None ||
      to.address_space() == types::AddressSpace::None ||
      from.address_space() == to.address_space()) {
    return true;
  }
  diagnostic(diag::Kind::AddressSpaceMismatch, range,
             {target, space_name(to.address_space()),
              space_name(from.address_space())})
      .hint(diag::Kind::AddressSpaceHint)
      .emit();
  return false;
}

bool TypeChecker::fits_narrower(const ast::Expr* value,
                                const Type& from,
                                const Type& to) const {
  std::optional<int64_t> constant = constant_value(value);
  if (!constant) {
    return from.size() <= to.size() && from.is_signed() == to.is_signed();
  }
  const unsigned bits = to.size() * 8;
  if (to.is_signed()) {
    const int64_t limit = int64_t(1) << (bits - 1);
    return *constant >= -limit && *constant < limit;
  }
  return *constant >= 0 && uint64_t(*constant) < (uint64_t(1) << bits);
}

void TypeChecker::note_assigned(const ast::Variable& var) {
  // Names with a '.' come from macro and fn expansion: their parameters
  // need not be used.
  if (reporting_ && var.name.find('.') == std::string::npos) {
    assigned_.emplace(var.name, var.range());
  }
}

void TypeChecker::note_read(const std::string& name) { read_.insert(name); }

void TypeChecker::report_unused_variables() {
  if (!reporting_) {
    return;
  }
  std::vector<std::pair<SourceRange, std::string>> unused;
  for (const auto& [name, range] : assigned_) {
    if (!read_.contains(name)) {
      unused.push_back({range, name});
    }
  }
  std::sort(unused.begin(), unused.end(), [](const auto& a, const auto& b) {
    return a.first.begin < b.first.begin;
  });
  for (const auto& [range, name] : unused) {
    diagnostic(diag::Kind::UnusedVariable, range, {"$" + name}).emit();
  }
}

void TypeChecker::check_assign_var(const ast::AssignVar& assign) {
  Type value = check_expr(assign.value);
  const std::string& name = assign.target->name;
  if (value.is_none()) {
    // Reported already: later reads of the variable stay quiet.
    variables_->emplace(name, Type::none());
    return;
  }
  if (assign.compound) {
    note_read(name);
  } else {
    note_assigned(*assign.target);
  }
  if (assign.compound) {
    // `$x OP= v` reads $x first: it must exist and both be integers.
    auto found = variables_->find(name);
    if (found == variables_->end()) {
      undefined_variable(name, assign.target->range());
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
  if (!storable(value)) {
    error(diag::Kind::CannotStore, assign.value->range(),
          {value.name(), "a variable"});
    variables_->emplace(name, Type::none());
    return;
  }
  Type stored = declared_variables_.contains(name)
                    ? storage_type(value)
                    : learned_variable_type(name, storage_type(value));
  auto [it, inserted] = variables_->emplace(name, stored);
  if (!inserted && it->second.is_none()) {
    it->second = stored;
  } else if (!inserted) {
    if (!declared_variables_.contains(name) && !reporting_) {
      // Later reads in this run see the wider type too.
      if (std::optional<Type> wider = types::common_type(it->second, stored)) {
        it->second = *wider;
      }
    }
    const Type& existing = it->second;
    if (!check_conversion(value, existing, assign.value, "$" + name)) {
      return;
    }
    stored = existing;
  }
  checked_.expr_types[assign.target] = stored;
}

Type TypeChecker::learned_variable_type(const std::string& name,
                                        const Type& value) {
  auto [learned, inserted] =
      learned_.variables.try_emplace({probe_, name}, value);
  if (inserted) {
    return value;
  }
  std::optional<Type> wider = types::common_type(learned->second, value);
  if (!wider) {
    // Values that do not mix: the first assignment's type, converted to or
    // reported by check_conversion.
    return value;
  }
  if (!reporting_ && !(*wider == learned->second)) {
    learned->second = *wider;
    learned_.widened = true;
  }
  return learned->second;
}

} // namespace sonde::sema
