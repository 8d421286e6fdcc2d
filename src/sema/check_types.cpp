// SPDX-License-Identifier: Apache-2.0
#include "base/format_spec.h"
#include "base/strings.h"
#include "sema/builtins.h"
#include "sema/pipeline.h"

#include <algorithm>
#include <limits>

namespace sonde::sema {

namespace {

using types::Type;

// Values stored in variables and maps are widened to 64 bits, as bpftrace
// does, so later assignments of narrower integers always fit.
Type storage_type(const Type& type) {
  if (type.is_integer()) {
    return Type::integer(8, type.is_signed());
  }
  return type;
}

bool is_scalar(const Type& type) {
  return type.is_integer() || type.is_pointer();
}

// Types every expression of a program. It runs twice: the first run (with
// diagnostics discarded) learns the type of every map from its
// assignments, so that a probe may read a map that a later probe assigns;
// the second run reports.
class TypeChecker {
public:
  TypeChecker(const probes::ProbeCatalog& catalog,
              const ExpandedProbes& expanded,
              diag::DiagnosticEngine& diag,
              CheckedProgram& checked,
              bool reporting)
      : catalog_(catalog), expanded_(expanded), diag_(diag), checked_(checked),
        reporting_(reporting) {}

  void check_program(const ast::Program& program) {
    for (const ast::Probe* probe : program.probes) {
      check_probe(*probe);
    }
  }

private:
  void check_probe(const ast::Probe& probe) {
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

  // argN of a USDT probe: every site must have that argument, in a form
  // codegen can read.
  Type check_usdt_argument(const ast::Builtin& builtin, unsigned index) {
    bool is_signed = true;
    for (const probes::AttachTarget& target : *targets_) {
      if (index >= target.usdt_arguments.size()) {
        error(diag::Kind::UsdtArgumentMissing, builtin.range(),
              {builtin.name, target.full_name,
               std::to_string(target.usdt_arguments.size())});
        return Type::none();
      }
      const probes::UsdtArgument& argument = target.usdt_arguments[index];
      if (argument.kind == probes::UsdtArgument::Kind::Unsupported) {
        error(diag::Kind::UsdtArgumentUnsupported, builtin.range(),
              {builtin.name, target.full_name, argument.spec});
        return Type::none();
      }
      is_signed = is_signed && argument.is_signed;
    }
    return Type::integer(8, is_signed);
  }

  // Whether every target of the current probe is of one of `kinds`.
  bool all_targets_are(std::initializer_list<probes::ProbeKind> kinds) const {
    if (targets_ == nullptr || targets_->empty()) {
      return false;
    }
    for (const probes::AttachTarget& target : *targets_) {
      if (std::find(kinds.begin(), kinds.end(), target.kind) == kinds.end()) {
        return false;
      }
    }
    return true;
  }

  void check_block(const ast::Block& block) {
    for (const ast::Stmt* stmt : block.stmts) {
      check_stmt(*stmt);
    }
  }

  void check_condition(const ast::Expr* cond) {
    Type type = check_expr(cond);
    if (!type.is_none() && !is_scalar(type)) {
      error(diag::Kind::ConditionNotInteger, cond->range(), {type.name()});
    }
  }

  void check_stmt(const ast::Stmt& stmt) {
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
      error(
          diag::Kind::NotSupportedYet, stmt.range(),
          {std::string("the statement '") + ast::kind_name(stmt.kind()) + "'"});
      return;
    }
  }

  // `let $x;` (zero), `let $x = e;`. A declared type is not compiled yet.
  void check_var_decl(const ast::VarDecl& decl) {
    if (decl.type != nullptr) {
      error(diag::Kind::NotSupportedYet, decl.type->range(),
            {"a type on 'let'"});
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

  void check_assign_var(const ast::AssignVar& assign) {
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

  void check_assign_map(const ast::AssignMap& assign) {
    const ast::MapAccess& target = *assign.target;
    MapInfo shape;
    shape.name = target.name;
    Type value;
    const auto* call = ast::dyn_cast<ast::Call>(assign.value);
    if (assign.compound) {
      // `@m[k] OP= v` on a map of integers that starts at 0.
      value = check_expr(assign.value);
      if (!value.is_none() && !is_scalar(value)) {
        error(
            diag::Kind::UnsupportedOperand, assign.range(),
            {std::string(ast::spelling(*assign.compound)) + "=", value.name()});
        return;
      }
      if (const MapInfo* map = find_map(target.name);
          map != nullptr && map->kind != MapKind::Plain) {
        error(diag::Kind::CompoundOnAggregation, assign.range(), {target.name});
        return;
      }
      value = storage_type(value);
    } else if (call != nullptr && aggregation_kind(call->callee)) {
      value = check_aggregation(*call, shape);
    } else {
      value = check_expr(assign.value);
      if (value.is_record()) {
        error(diag::Kind::CannotStore, assign.value->range(),
              {value.name(), "a map"});
        return;
      }
      value = storage_type(value);
    }
    std::vector<Type> keys = check_keys(target);
    if (value.is_none()) {
      return;
    }
    checked_.expr_types[&target] = value;
    shape.value_type = value;
    shape.key_types = keys;
    record_map(target, shape, assign.value->range());
  }

  // The aggregation a function call assigned to a map performs.
  static std::optional<MapKind> aggregation_kind(const std::string& callee) {
    static const std::pair<const char*, MapKind> kKinds[] = {
        {"count", MapKind::Count}, {"sum", MapKind::Sum},
        {"min", MapKind::Min},     {"max", MapKind::Max},
        {"avg", MapKind::Avg},     {"stats", MapKind::Stats},
        {"hist", MapKind::Hist},   {"lhist", MapKind::Lhist}};
    for (const auto& [name, kind] : kKinds) {
      if (callee == name) {
        return kind;
      }
    }
    return std::nullopt;
  }

  // Checks `@m = count()`, `@m = hist(n, 2)`, ...: fills the map's kind and
  // parameters into `shape` and returns its value type.
  Type check_aggregation(const ast::Call& call, MapInfo& shape) {
    shape.kind = *aggregation_kind(call.callee);
    std::optional<FunctionSignature> signature = find_function(call.callee);
    std::vector<Type> args;
    for (const ast::Expr* arg : call.args) {
      args.push_back(check_expr(arg));
    }
    if (!check_argument_count(call, *signature)) {
      return Type::none();
    }
    if (shape.kind == MapKind::Count) {
      return Type::count();
    }
    if (!require_integer(call, 0, args[0])) {
      return Type::none();
    }
    bool is_signed = args[0].is_signed();
    if (shape.kind == MapKind::Sum) {
      return Type::sum(is_signed);
    }
    if (shape.kind == MapKind::Hist && call.args.size() == 2) {
      std::optional<int64_t> bits = constant_value(call.args[1]);
      if (!bits || *bits < 0 || *bits > 5) {
        error(diag::Kind::HistBitsInvalid, call.args[1]->range());
        return Type::none();
      }
      shape.hist_bits = *bits;
    }
    if (shape.kind == MapKind::Lhist && !check_lhist(call, shape)) {
      return Type::none();
    }
    return Type::integer(8, is_signed);
  }

  // lhist(n, min, max, step): constant bounds, at most 1000 buckets.
  bool check_lhist(const ast::Call& call, MapInfo& shape) {
    int64_t values[3] = {};
    for (size_t i = 1; i < 4; ++i) {
      std::optional<int64_t> value = constant_value(call.args[i]);
      if (!value) {
        error(diag::Kind::LhistArgumentNotConstant, call.args[i]->range(),
              {std::to_string(i + 1)});
        return false;
      }
      values[i - 1] = *value;
    }
    auto [min, max, step] = values;
    std::string problem;
    if (step <= 0) {
      problem = "step must be positive";
    } else if (max <= min) {
      problem = "max must be greater than min";
    } else if ((max - min) / step > 1000) {
      problem = "more than 1000 buckets";
    }
    if (!problem.empty()) {
      error(diag::Kind::LhistRangeInvalid, call.range(), {problem});
      return false;
    }
    shape.lhist_min = min;
    shape.lhist_max = max;
    shape.lhist_step = step;
    return true;
  }

  // An integer literal, possibly negated.
  static std::optional<int64_t> constant_value(const ast::Expr* expr) {
    if (const auto* literal = ast::dyn_cast<ast::IntLiteral>(expr)) {
      return static_cast<int64_t>(literal->value);
    }
    const auto* unary = ast::dyn_cast<ast::Unary>(expr);
    if (unary != nullptr && unary->op == ast::UnaryOp::Neg) {
      if (std::optional<int64_t> inner = constant_value(unary->operand)) {
        return -*inner;
      }
    }
    return std::nullopt;
  }

  std::vector<Type> check_keys(const ast::MapAccess& target) {
    std::vector<Type> keys;
    for (const ast::Expr* key : target.keys) {
      Type type = check_expr(key);
      if (!type.is_none() && !is_scalar(type) && !type.is_string()) {
        error(diag::Kind::CannotStore, key->range(),
              {type.name(), "a map key"});
      }
      keys.push_back(storage_type(type));
    }
    return keys;
  }

  void record_map(const ast::MapAccess& target,
                  const MapInfo& shape,
                  SourceRange value_range) {
    const Type& value = shape.value_type;
    for (MapInfo& map : checked_.maps) {
      if (map.name != target.name) {
        continue;
      }
      bool same_value = map.kind == shape.kind &&
                        (map.value_type == value ||
                         (map.value_type.is_string() && value.is_string() &&
                          value.size() <= map.value_type.size()) ||
                         (map.value_type.is_integer() && value.is_integer()));
      if (!same_value) {
        diagnostic(diag::Kind::MapTypeMismatch, value_range,
                   {target.name, map.value_type.name(), value.name()})
            .note(map.first_use->range(), diag::Kind::PreviousUse)
            .emit();
        return;
      }
      bool same_parameters = map.hist_bits == shape.hist_bits &&
                             map.lhist_min == shape.lhist_min &&
                             map.lhist_max == shape.lhist_max &&
                             map.lhist_step == shape.lhist_step;
      if (!same_parameters) {
        diagnostic(diag::Kind::AggregationParametersDiffer, value_range,
                   {target.name, kind_name(map.kind)})
            .note(map.first_use->range(), diag::Kind::PreviousUse)
            .emit();
        return;
      }
      if (!same_keys(map.key_types, shape.key_types)) {
        diagnostic(
            diag::Kind::MapKeyMismatch, target.range(),
            {target.name, keys_name(map.key_types), keys_name(shape.key_types)})
            .note(map.first_use->range(), diag::Kind::PreviousUse)
            .emit();
      }
      return;
    }
    MapInfo added = shape;
    added.first_use = &target;
    checked_.maps.push_back(std::move(added));
  }

  static const char* kind_name(MapKind kind) {
    switch (kind) {
    case MapKind::Plain:
      return "plain";
    case MapKind::Count:
      return "count";
    case MapKind::Sum:
      return "sum";
    case MapKind::Min:
      return "min";
    case MapKind::Max:
      return "max";
    case MapKind::Avg:
      return "avg";
    case MapKind::Stats:
      return "stats";
    case MapKind::Hist:
      return "hist";
    case MapKind::Lhist:
      return "lhist";
    }
    return "?";
  }

  static bool same_keys(const std::vector<Type>& a,
                        const std::vector<Type>& b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      bool ok = a[i] == b[i] || (a[i].is_string() && b[i].is_string()) ||
                a[i].is_none() || b[i].is_none();
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static std::string keys_name(const std::vector<Type>& keys) {
    if (keys.empty()) {
      return "nothing";
    }
    std::string name = "(";
    for (size_t i = 0; i < keys.size(); ++i) {
      name += (i ? ", " : "") + keys[i].name();
    }
    return name + ")";
  }

  Type check_expr(const ast::Expr* expr) {
    Type type = compute_type(*expr);
    checked_.expr_types[expr] = type;
    return type;
  }

  Type compute_type(const ast::Expr& expr) {
    switch (expr.kind()) {
    case ast::NodeKind::IntLiteral: {
      uint64_t value = static_cast<const ast::IntLiteral&>(expr).value;
      return value > uint64_t(std::numeric_limits<int64_t>::max())
                 ? Type::u64()
                 : Type::s64();
    }
    case ast::NodeKind::StringLiteral:
      return Type::string(
          static_cast<const ast::StringLiteral&>(expr).value.size() + 1);
    case ast::NodeKind::Builtin:
      return check_builtin(static_cast<const ast::Builtin&>(expr));
    case ast::NodeKind::Variable: {
      const auto& var = static_cast<const ast::Variable&>(expr);
      auto found = variables_->find(var.name);
      if (found == variables_->end()) {
        error(diag::Kind::UndefinedVariable, expr.range(), {"$" + var.name});
        return Type::none();
      }
      return found->second;
    }
    case ast::NodeKind::MapAccess:
      return check_map_read(static_cast<const ast::MapAccess&>(expr));
    case ast::NodeKind::Binary:
      return check_binary(static_cast<const ast::Binary&>(expr));
    case ast::NodeKind::Unary: {
      const auto& unary = static_cast<const ast::Unary&>(expr);
      Type operand = check_expr(unary.operand);
      if (operand.is_none()) {
        return operand;
      }
      if (!is_scalar(operand)) {
        error(diag::Kind::UnsupportedOperand, expr.range(),
              {ast::spelling(unary.op), operand.name()});
        return Type::none();
      }
      switch (unary.op) {
      case ast::UnaryOp::Neg:
        return Type::s64();
      case ast::UnaryOp::LogicalNot:
        return Type::u64();
      case ast::UnaryOp::BitNot:
        return storage_type(operand);
      case ast::UnaryOp::Deref:
      case ast::UnaryOp::AddressOf:
        error(diag::Kind::NotSupportedYet, expr.range(),
              {std::string("the unary operator '") + ast::spelling(unary.op) +
               "'"});
        return Type::none();
      }
      return Type::none();
    }
    case ast::NodeKind::Call:
      return check_call(static_cast<const ast::Call&>(expr));
    case ast::NodeKind::FieldAccess:
      return check_field(static_cast<const ast::FieldAccess&>(expr));
    case ast::NodeKind::BoolLiteral:
      return Type::u64();
    case ast::NodeKind::Positional: {
      // A number when the parameter reads as one, else a string; unset
      // parameters are 0.
      uint64_t index = static_cast<const ast::Positional&>(expr).index;
      std::optional<std::string> text = positional_text(index);
      if (!text || positional_number(*text)) {
        return Type::s64();
      }
      return Type::string(text->size() + 1);
    }
    case ast::NodeKind::PositionalCount:
      return Type::u64();
    case ast::NodeKind::Ternary:
      return check_ternary(static_cast<const ast::Ternary&>(expr));
    case ast::NodeKind::IncDec:
      return check_inc_dec(static_cast<const ast::IncDec&>(expr));
    default:
      // Parsed, but not compiled yet: say so rather than drop it.
      error(diag::Kind::NotSupportedYet, expr.range(),
            {std::string("the expression '") + ast::kind_name(expr.kind()) +
             "'"});
      return Type::none();
    }
  }

  std::optional<std::string> positional_text(uint64_t index) const {
    if (index == 0 || index > checked_.positional.size()) {
      return std::nullopt;
    }
    return checked_.positional[index - 1];
  }

  static bool positional_number(const std::string& text) {
    if (text.empty()) {
      return false;
    }
    size_t start = text[0] == '-' ? 1 : 0;
    return start < text.size() &&
           text.find_first_not_of("0123456789", start) == std::string::npos;
  }

  // `c ? a : b`, and Elvis `c ?: b` (c itself when true).
  Type check_ternary(const ast::Ternary& ternary) {
    Type cond = check_expr(ternary.cond);
    if (!cond.is_none() && !is_scalar(cond)) {
      error(diag::Kind::ConditionNotInteger, ternary.cond->range(),
            {cond.name()});
      return Type::none();
    }
    Type then_type = ternary.then_expr != nullptr
                         ? check_expr(ternary.then_expr)
                         : storage_type(cond);
    Type else_type = check_expr(ternary.else_expr);
    if (then_type.is_none() || else_type.is_none() || cond.is_none()) {
      return Type::none();
    }
    if (is_scalar(then_type) && is_scalar(else_type)) {
      return Type::integer(8, then_type.is_signed() && else_type.is_signed());
    }
    if (then_type.is_string() && else_type.is_string()) {
      return Type::string(std::max(then_type.size(), else_type.size()));
    }
    error(diag::Kind::TypeMismatch, ternary.range(),
          {"?:", then_type.name(), else_type.name()});
    return Type::none();
  }

  // `$x++`, `--@m[k]`: integers only; a variable must exist, a map starts
  // at 0.
  Type check_inc_dec(const ast::IncDec& node) {
    const char* op = node.increment ? "++" : "--";
    if (const auto* var = ast::dyn_cast<ast::Variable>(node.operand)) {
      auto found = variables_->find(var->name);
      if (found == variables_->end()) {
        error(diag::Kind::UndefinedVariable, var->range(), {"$" + var->name});
        return Type::none();
      }
      if (!found->second.is_integer()) {
        error(diag::Kind::UnsupportedOperand, node.range(),
              {op, found->second.name()});
        return Type::none();
      }
      checked_.expr_types[var] = found->second;
      return found->second;
    }
    if (const auto* map = ast::dyn_cast<ast::MapAccess>(node.operand)) {
      std::vector<Type> keys = check_keys(*map);
      if (const MapInfo* existing = find_map(map->name);
          existing != nullptr && existing->kind != MapKind::Plain) {
        error(diag::Kind::CompoundOnAggregation, node.range(), {map->name});
        return Type::none();
      }
      MapInfo shape;
      shape.name = map->name;
      shape.value_type = Type::s64();
      shape.key_types = keys;
      checked_.expr_types[map] = Type::s64();
      record_map(*map, shape, node.range());
      return Type::s64();
    }
    error(diag::Kind::IncDecTarget, node.range(), {op});
    return Type::none();
  }

  Type check_builtin(const ast::Builtin& builtin) {
    if (std::optional<unsigned> index = register_argument(builtin.name)) {
      if (all_targets_are({probes::ProbeKind::Usdt})) {
        return check_usdt_argument(builtin, *index);
      }
      if (!all_targets_are(
              {probes::ProbeKind::Uprobe, probes::ProbeKind::Uretprobe})) {
        error(diag::Kind::RegisterArgumentOutsideProbe, builtin.range(),
              {builtin.name});
        return Type::none();
      }
      if (*index >= kRegisterArguments) {
        error(diag::Kind::RegisterArgumentTooHigh, builtin.range(),
              {builtin.name});
        return Type::none();
      }
      return Type::u64();
    }
    std::optional<BuiltinVariable> variable = find_variable(builtin.name);
    if (!variable) {
      auto report = diagnostic(diag::Kind::UnknownBuiltin, builtin.range(),
                               {builtin.name});
      if (auto close = closest_match(builtin.name, variable_names())) {
        report.hint(diag::Kind::DidYouMean, {*close});
      }
      report.emit();
      return Type::none();
    }
    if (*variable == BuiltinVariable::Retval &&
        !all_targets_are({probes::ProbeKind::Uretprobe})) {
      error(diag::Kind::RetvalOutsideReturnProbe, builtin.range());
      return Type::none();
    }
    if (*variable != BuiltinVariable::Args) {
      return variable_type(*variable);
    }
    if (args_records_.empty()) {
      error(diag::Kind::ArgsOutsideTracepoint, builtin.range());
      return Type::none();
    }
    return args_records_.front().second;
  }

  Type check_map_read(const ast::MapAccess& access) {
    check_keys(access);
    if (const MapInfo* found = find_map(access.name)) {
      const MapInfo& map = *found;
      switch (map.kind) {
      case MapKind::Plain:
        return map.value_type;
      case MapKind::Count:
        return Type::u64();
      // Reading these merges every CPU's value in the probe: the sum, the
      // minimum or maximum, or the average.
      case MapKind::Sum:
      case MapKind::Min:
      case MapKind::Max:
      case MapKind::Avg:
      case MapKind::Stats:
        return Type::integer(8, map.value_type.is_signed());
      case MapKind::Hist:
      case MapKind::Lhist:
        error(diag::Kind::AggregationRead, access.range(), {access.name});
        return Type::none();
      }
      return map.value_type;
    }
    if (!reporting_) {
      // The map may be assigned from this very read (`@x = @x + 1`): assume
      // an integer until its assignment is seen.
      return Type::s64();
    }
    error(diag::Kind::UndefinedMap, access.range(), {access.name});
    return Type::none();
  }

  Type check_binary(const ast::Binary& binary) {
    Type lhs = check_expr(binary.lhs);
    Type rhs = check_expr(binary.rhs);
    if (lhs.is_none() || rhs.is_none()) {
      return Type::none();
    }
    bool equality =
        binary.op == ast::BinaryOp::Eq || binary.op == ast::BinaryOp::Ne;
    if (lhs.is_string() || rhs.is_string()) {
      if (!lhs.is_string() || !rhs.is_string()) {
        error(diag::Kind::TypeMismatch, binary.range(),
              {ast::spelling(binary.op), lhs.name(), rhs.name()});
        return Type::none();
      }
      if (!equality) {
        error(diag::Kind::StringCompareOnly, binary.range());
        return Type::none();
      }
      return Type::u64();
    }
    if (!is_scalar(lhs) || !is_scalar(rhs)) {
      const Type& bad = is_scalar(lhs) ? rhs : lhs;
      error(diag::Kind::UnsupportedOperand, binary.range(),
            {ast::spelling(binary.op), bad.name()});
      return Type::none();
    }
    switch (binary.op) {
    case ast::BinaryOp::Div:
    case ast::BinaryOp::Mod:
      if (const auto* literal = ast::dyn_cast<ast::IntLiteral>(binary.rhs);
          literal != nullptr && literal->value == 0) {
        error(diag::Kind::DivisionByZero, binary.rhs->range());
      }
      break;
    default:
      break;
    }
    switch (binary.op) {
    case ast::BinaryOp::Eq:
    case ast::BinaryOp::Ne:
    case ast::BinaryOp::Lt:
    case ast::BinaryOp::Le:
    case ast::BinaryOp::Gt:
    case ast::BinaryOp::Ge:
    case ast::BinaryOp::LogicalAnd:
    case ast::BinaryOp::LogicalOr:
      return Type::u64();
    default:
      return Type::integer(8, lhs.is_signed() && rhs.is_signed());
    }
  }

  Type check_call(const ast::Call& call) {
    std::optional<FunctionSignature> signature = find_function(call.callee);
    if (!signature) {
      auto report = diagnostic(diag::Kind::UnknownFunction, call.callee_range,
                               {call.callee});
      if (auto close = closest_match(call.callee, function_names())) {
        report.hint(diag::Kind::DidYouMean, {*close});
      }
      report.emit();
      for (const ast::Expr* arg : call.args) {
        check_expr(arg);
      }
      return Type::none();
    }
    switch (signature->function) {
    case BuiltinFunction::Delete:
    case BuiltinFunction::Clear:
    case BuiltinFunction::Zero:
      return check_map_function(call, *signature);
    case BuiltinFunction::Print:
      if (const auto* map = ast::dyn_cast<ast::MapAccess>(call.args.at(0));
          map != nullptr && map->keys.empty()) {
        return check_map_function(call, *signature);
      }
      break;
    default:
      break;
    }
    std::vector<Type> args;
    for (const ast::Expr* arg : call.args) {
      args.push_back(check_expr(arg));
    }
    if (!check_argument_count(call, *signature)) {
      return Type::none();
    }
    switch (signature->function) {
    case BuiltinFunction::Printf:
      check_printf(call, args);
      return Type::none();
    case BuiltinFunction::Str:
      // str() of a value that already is a string (a __data_loc field,
      // comm) is that string, as in bpftrace.
      if (args[0].is_string()) {
        if (args.size() > 1) {
          require_integer(call, 1, args[1]);
        }
        return args[0];
      }
      if (!args[0].is_none() && !is_scalar(args[0])) {
        error(diag::Kind::WrongArgumentType, call.args[0]->range(),
              {"1", "str", "a pointer or an integer", args[0].name()});
      }
      if (args.size() > 1) {
        require_integer(call, 1, args[1]);
      }
      return Type::string(kDefaultStringSize);
    case BuiltinFunction::Exit:
      if (!args.empty()) {
        require_integer(call, 0, args[0]);
      }
      return Type::none();
    case BuiltinFunction::Print:
      check_print_value(call, args);
      return Type::none();
    case BuiltinFunction::Count:
    case BuiltinFunction::Sum:
    case BuiltinFunction::Min:
    case BuiltinFunction::Max:
    case BuiltinFunction::Avg:
    case BuiltinFunction::Stats:
    case BuiltinFunction::Hist:
    case BuiltinFunction::Lhist:
      error(diag::Kind::AggregationNotAssigned, call.range(), {call.callee});
      return Type::none();
    case BuiltinFunction::Delete:
    case BuiltinFunction::Clear:
    case BuiltinFunction::Zero:
      break;
    }
    return Type::none();
  }

  bool check_argument_count(const ast::Call& call,
                            const FunctionSignature& signature) {
    if (call.args.size() >= signature.min_args &&
        call.args.size() <= signature.max_args) {
      return true;
    }
    std::string expected = std::to_string(signature.min_args);
    if (signature.max_args != signature.min_args) {
      expected += signature.max_args == 128
                      ? " or more"
                      : " to " + std::to_string(signature.max_args);
    }
    error(diag::Kind::WrongArgumentCount, call.range(),
          {call.callee, expected, std::to_string(call.args.size())});
    return false;
  }

  // delete(@m[k]), delete(@m, k), clear(@m), zero(@m), print(@m[, top[,
  // div]]): the map is named, not read.
  Type check_map_function(const ast::Call& call,
                          const FunctionSignature& signature) {
    if (!check_argument_count(call, signature)) {
      return Type::none();
    }
    const auto* access = ast::dyn_cast<ast::MapAccess>(call.args[0]);
    if (access == nullptr) {
      error(diag::Kind::MapArgumentExpected, call.args[0]->range(),
            {call.callee});
      for (const ast::Expr* arg : call.args) {
        check_expr(arg);
      }
      return Type::none();
    }
    const MapInfo* map = find_map(access->name);
    if (map == nullptr) {
      if (reporting_) {
        error(diag::Kind::UndefinedMap, access->range(), {access->name});
      }
      return Type::none();
    }
    if (signature.function != BuiltinFunction::Delete) {
      if (!access->keys.empty()) {
        error(diag::Kind::MapArgumentHasKeys, access->range(),
              {call.callee, access->name});
        return Type::none();
      }
      for (size_t i = 1; i < call.args.size(); ++i) {
        require_integer(call, i, check_expr(call.args[i]));
      }
      return Type::none();
    }
    // delete: the key is either inside the access or the second argument.
    std::vector<Type> keys = check_keys(*access);
    if (call.args.size() == 2) {
      if (!access->keys.empty()) {
        error(diag::Kind::WrongArgumentCount, call.range(),
              {call.callee, "1", "2"});
        return Type::none();
      }
      keys.push_back(storage_type(check_expr(call.args[1])));
    }
    if (keys.empty() && !map->key_types.empty()) {
      error(diag::Kind::DeleteNeedsKey, call.range(), {access->name});
      return Type::none();
    }
    if (map->kind == MapKind::Hist || map->kind == MapKind::Lhist) {
      error(diag::Kind::DeleteHistogramKey, call.range(), {access->name});
      return Type::none();
    }
    if (!keys.empty() && !same_keys(map->key_types, keys)) {
      error(diag::Kind::MapKeyMismatch, call.range(),
            {access->name, keys_name(map->key_types), keys_name(keys)});
      return Type::none();
    }
    // delete() reports whether the key was there, as in bpftrace.
    return Type::u64();
  }

  void check_print_value(const ast::Call& call, const std::vector<Type>& args) {
    if (call.args.size() > 1) {
      error(diag::Kind::WrongArgumentCount, call.range(),
            {call.callee, "1", std::to_string(call.args.size())});
      return;
    }
    const Type& type = args[0];
    if (type.is_none()) {
      return;
    }
    if (!is_scalar(type) && !type.is_string()) {
      error(diag::Kind::CannotStore, call.args[0]->range(),
            {type.name(), "print()"});
      return;
    }
    if (!reporting_) {
      return;
    }
    checked_.print_value_ids[&call] = checked_.print_values.size();
    checked_.print_values.push_back({storage_type(type)});
  }

  const MapInfo* find_map(const std::string& name) const {
    for (const MapInfo& map : checked_.maps) {
      if (map.name == name) {
        return &map;
      }
    }
    return nullptr;
  }

  // Reports an argument that is not an integer; true when it is one.
  bool require_integer(const ast::Call& call, size_t index, const Type& type) {
    if (!type.is_none() && !is_scalar(type)) {
      error(
          diag::Kind::WrongArgumentType, call.args[index]->range(),
          {std::to_string(index + 1), call.callee, "an integer", type.name()});
      return false;
    }
    return !type.is_none();
  }

  void check_printf(const ast::Call& call, const std::vector<Type>& args) {
    const auto* literal = ast::dyn_cast<ast::StringLiteral>(call.args[0]);
    if (literal == nullptr) {
      error(diag::Kind::FormatNotLiteral, call.args[0]->range(), {call.callee});
      return;
    }
    FormatSpec spec;
    std::string bad;
    size_t bad_offset = 0;
    if (!parse_format(literal->value, spec, bad, bad_offset)) {
      error(diag::Kind::FormatUnknownConversion, literal->range(), {bad});
      return;
    }
    size_t given = call.args.size() - 1;
    if (spec.argument_count() != given) {
      error(diag::Kind::FormatArgumentCount, call.range(),
            {c_escape(literal->value), std::to_string(spec.argument_count()),
             std::to_string(given)});
      return;
    }
    PrintfInfo info{literal->value, {}};
    size_t index = 1;
    for (const auto& piece : spec.pieces) {
      const auto* conversion = std::get_if<Conversion>(&piece);
      if (conversion == nullptr) {
        continue;
      }
      const Type& type = args[index];
      const ast::Expr* arg = call.args[index];
      ++index;
      if (type.is_none()) {
        continue;
      }
      std::string text =
          literal->value.substr(conversion->offset, conversion->size);
      if (conversion->is_integer() && !is_scalar(type)) {
        error(diag::Kind::FormatArgumentType, arg->range(),
              {text, "an integer", type.name()});
      } else if (conversion->is_string() && !type.is_string() &&
                 !is_scalar(type)) {
        error(diag::Kind::FormatArgumentType, arg->range(),
              {text, "a string", type.name()});
      }
      info.arg_types.push_back(storage_type(type));
    }
    if (!reporting_) {
      return;
    }
    checked_.printf_ids[&call] = checked_.printfs.size();
    checked_.printfs.push_back(std::move(info));
  }

  Type check_field(const ast::FieldAccess& access) {
    Type base = check_expr(access.base);
    if (base.is_none()) {
      return base;
    }
    if (!base.is_record()) {
      error(diag::Kind::FieldOfNonRecord, access.base->range(),
            {base.name(), access.field});
      return Type::none();
    }
    const types::Field* field = base.field(access.field);
    if (field == nullptr) {
      report_unknown_field(access, base);
      return Type::none();
    }
    // With several tracepoints sharing a body, `args.f` must mean the same
    // type in each (its offset may differ: each gets its own program).
    bool from_args = access.base->kind() == ast::NodeKind::Builtin &&
                     args_records_.size() > 1;
    if (from_args) {
      const auto& [first_name, first] = args_records_.front();
      for (const auto& [name, record] : args_records_) {
        const types::Field* other = record.field(access.field);
        if (other == nullptr) {
          report_unknown_field(access, record);
          return Type::none();
        }
        if (!(*other->type == *field->type)) {
          error(diag::Kind::FieldDiffers, access.field_range,
                {access.field, field->type->name(), first_name,
                 other->type->name(), name});
          return Type::none();
        }
      }
    }
    return *field->type;
  }

  void report_unknown_field(const ast::FieldAccess& access,
                            const Type& record) {
    std::vector<std::string> names;
    for (const types::Field& field : record.fields()) {
      names.push_back(field.name);
    }
    auto report = diagnostic(diag::Kind::UnknownField, access.field_range,
                             {record.name(), access.field});
    if (auto close = closest_match(access.field, names)) {
      report.hint(diag::Kind::DidYouMean, {*close});
    } else {
      std::string list;
      for (const std::string& name : names) {
        list += (list.empty() ? "" : ", ") + name;
      }
      report.hint(diag::Kind::ValidFields, {record.name(), list});
    }
    report.emit();
  }

  diag::DiagnosticBuilder diagnostic(diag::Kind kind,
                                     SourceRange range,
                                     std::vector<std::string> args) {
    return diag_.build(kind, range, std::move(args));
  }
  void error(diag::Kind kind,
             SourceRange range,
             std::vector<std::string> args = {}) {
    diag_.build(kind, range, std::move(args)).emit();
  }
  void warning(diag::Kind kind, SourceRange range) {
    diag_.build(kind, range).emit();
  }

  const probes::ProbeCatalog& catalog_;
  const ExpandedProbes& expanded_;
  diag::DiagnosticEngine& diag_;
  CheckedProgram& checked_;
  bool reporting_;

  std::map<std::string, Type>* variables_ = nullptr;
  // The `args` record of each tracepoint target of the current probe.
  std::vector<std::pair<std::string, Type>> args_records_;
  unsigned loop_depth_ = 0;
  const std::vector<probes::AttachTarget>* targets_ = nullptr;
};

} // namespace

bool check_types(const ast::Program& program,
                 const probes::ProbeCatalog& catalog,
                 const ExpandedProbes& expanded,
                 diag::DiagnosticEngine& diag,
                 CheckedProgram& checked) {
  {
    diag::NullConsumer silent;
    diag::DiagnosticEngine discard(silent);
    TypeChecker(catalog, expanded, discard, checked, /*reporting=*/false)
        .check_program(program);
  }
  unsigned errors = diag.error_count();
  TypeChecker(catalog, expanded, diag, checked, /*reporting=*/true)
      .check_program(program);
  return diag.error_count() == errors;
}

} // namespace sonde::sema
