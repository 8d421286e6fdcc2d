// SPDX-License-Identifier: Apache-2.0
// Expressions: literals, operators, fields, positional parameters.
#include "sema/type_checker.h"
#include "symbols/dwarf_types.h"

namespace sonde::sema {

std::optional<int64_t> TypeChecker::constant_value(const ast::Expr* expr) {
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

Type TypeChecker::check_expr(const ast::Expr* expr) {
  bool unused = std::exchange(next_unused_, false);
  bool outer = std::exchange(unused_, unused);
  unsigned errors = diag_.error_count();
  Type type = compute_type(*expr);
  unused_ = outer;
  // Calls of actions and the expressions made of them may have no value;
  // anything else that has none has been reported.
  bool may_lack_value = expr->kind() == ast::NodeKind::Call ||
                        expr->kind() == ast::NodeKind::Ternary ||
                        expr->kind() == ast::NodeKind::IfExpr ||
                        expr->kind() == ast::NodeKind::BlockExpr;
  if (type.is_none() && may_lack_value && diag_.error_count() == errors) {
    if (unused) {
      no_value_.insert(expr);
    } else {
      error(diag::Kind::NoValue, expr->range());
    }
  }
  checked_.expr_types[expr] = type;
  return type;
}

Type TypeChecker::check_effect(const ast::Expr* expr) {
  next_unused_ = true;
  return check_expr(expr);
}

Type TypeChecker::compute_type(const ast::Expr& expr) {
  switch (expr.kind()) {
  case ast::NodeKind::IntLiteral: {
    uint64_t value = static_cast<const ast::IntLiteral&>(expr).value;
    return value > uint64_t(std::numeric_limits<int64_t>::max()) ? Type::u64()
                                                                 : Type::s64();
  }
  case ast::NodeKind::StringLiteral:
    return Type::string(
        static_cast<const ast::StringLiteral&>(expr).value.size() + 1);
  case ast::NodeKind::Builtin:
    return check_builtin(static_cast<const ast::Builtin&>(expr));
  case ast::NodeKind::Variable: {
    const auto& var = static_cast<const ast::Variable&>(expr);
    note_read(var.name);
    auto found = variables_->find(var.name);
    if (found == variables_->end()) {
      undefined_variable(var.name, expr.range());
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
    if (unary.op == ast::UnaryOp::Deref) {
      return check_deref(unary);
    }
    if (unary.op == ast::UnaryOp::AddressOf) {
      return check_address_of(unary);
    }
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
      return Type::none(); // Handled before the operand is checked.
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
  case ast::NodeKind::Tuple:
    return check_tuple(static_cast<const ast::Tuple&>(expr));
  case ast::NodeKind::Record:
    return check_record(static_cast<const ast::Record&>(expr));
  case ast::NodeKind::TupleAccess:
    return check_tuple_access(static_cast<const ast::TupleAccess&>(expr));
  case ast::NodeKind::Index:
    return check_index(static_cast<const ast::Index&>(expr));
  case ast::NodeKind::Cast:
    return check_cast(static_cast<const ast::Cast&>(expr));
  case ast::NodeKind::Sizeof:
    return check_sizeof(static_cast<const ast::Sizeof&>(expr));
  case ast::NodeKind::Typeinfo:
    return check_typeinfo(static_cast<const ast::Typeinfo&>(expr));
  case ast::NodeKind::Offsetof:
    return check_offsetof(static_cast<const ast::Offsetof&>(expr));
  case ast::NodeKind::IfExpr:
    return check_if_expr(static_cast<const ast::IfExpr&>(expr));
  case ast::NodeKind::BlockExpr:
    return check_block_expr(static_cast<const ast::BlockExpr&>(expr));
  case ast::NodeKind::Comptime:
    return check_comptime(static_cast<const ast::Comptime&>(expr));
  case ast::NodeKind::Typeof:
    return check_typeof_value(static_cast<const ast::Typeof&>(expr));
  default:
    // Parsed, but not compiled yet: say so rather than drop it.
    error(
        diag::Kind::NotSupportedYet, expr.range(),
        {std::string("the expression '") + ast::kind_name(expr.kind()) + "'"});
    return Type::none();
  }
}

std::optional<Type> TypeChecker::lookup_named_type(const std::string& name) {
  if (checked_.c_definitions != nullptr) {
    if (const Type* defined = checked_.c_definitions->find(name)) {
      return *defined;
    }
  }
  if (checked_.kernel_types == nullptr) {
    return std::nullopt;
  }
  Result<Type> found = checked_.kernel_types->lookup(name);
  if (!found) {
    llvm::consumeError(found.takeError());
    return std::nullopt;
  }
  return *found;
}

std::optional<int64_t> TypeChecker::enum_constant(const std::string& name) {
  if (checked_.c_definitions != nullptr) {
    auto found = checked_.c_definitions->enum_constants.find(name);
    if (found != checked_.c_definitions->enum_constants.end()) {
      return found->second;
    }
  }
  // Kernel enumerators are upper case by convention; looking up other
  // names would load BTF for every misspelt builtin.
  bool upper =
      !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c));
      });
  if (upper && checked_.kernel_types != nullptr) {
    return checked_.kernel_types->enum_value(name);
  }
  return std::nullopt;
}

Type TypeChecker::complete_record(const Type& type) {
  if (!type.is_record() || type.is_complete()) {
    return type;
  }
  if (type.btf_id() == btf::CDefinitions::kRecordId) {
    return checked_.c_definitions != nullptr
               ? checked_.c_definitions->complete(type)
               : type;
  }
  if (symbols::DwarfFile::owns(type)) {
    return symbols::DwarfFile::complete(type);
  }
  return checked_.kernel_types != nullptr
             ? checked_.kernel_types->complete(type)
             : type;
}

std::optional<std::string> TypeChecker::positional_text(uint64_t index) const {
  if (index == 0 || index > checked_.positional.size()) {
    return std::nullopt;
  }
  return checked_.positional[index - 1];
}

bool TypeChecker::positional_number(const std::string& text) {
  if (text.empty()) {
    return false;
  }
  size_t start = text[0] == '-' ? 1 : 0;
  return start < text.size() &&
         text.find_first_not_of("0123456789", start) == std::string::npos;
}

Type TypeChecker::check_ternary(const ast::Ternary& ternary) {
  Type cond = check_expr(ternary.cond);
  if (!cond.is_none() && !is_scalar(cond)) {
    error(diag::Kind::ConditionNotInteger, ternary.cond->range(),
          {cond.name()});
    return Type::none();
  }
  // Used as a statement, `c ? print(1) : print(2)` runs one branch for
  // its effect, as `if` would.
  bool unused = unused_;
  Type then_type = ternary.then_expr == nullptr ? storage_type(cond)
                   : unused ? check_effect(ternary.then_expr)
                            : check_expr(ternary.then_expr);
  Type else_type =
      unused ? check_effect(ternary.else_expr) : check_expr(ternary.else_expr);
  bool then_void = no_value_.contains(ternary.then_expr);
  bool else_void = no_value_.contains(ternary.else_expr);
  if ((then_type.is_none() && !then_void) ||
      (else_type.is_none() && !else_void) || cond.is_none()) {
    return Type::none();
  }
  if (then_void != else_void) {
    error(diag::Kind::BranchWithoutValue, ternary.range(), {"?:"});
    return Type::none();
  }
  if (then_void) {
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

Type TypeChecker::check_inc_dec(const ast::IncDec& node) {
  const char* op = node.increment ? "++" : "--";
  if (const auto* var = ast::dyn_cast<ast::Variable>(node.operand)) {
    note_read(var->name);
    auto found = variables_->find(var->name);
    if (found == variables_->end()) {
      undefined_variable(var->name, var->range());
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
        existing != nullptr && existing->shape.is_aggregation()) {
      error(diag::Kind::CompoundOnAggregation, node.range(), {map->name});
      return Type::none();
    }
    types::MapShape shape;
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

bool TypeChecker::comparable_tuples(const Type& lhs, const Type& rhs) {
  if (!lhs.is_tuple() || !rhs.is_tuple() ||
      lhs.is_named_tuple() != rhs.is_named_tuple() ||
      lhs.fields().size() != rhs.fields().size()) {
    return false;
  }
  for (size_t i = 0; i < lhs.fields().size(); ++i) {
    const Type& a = *lhs.fields()[i].type;
    const Type& b = *rhs.fields()[i].type;
    bool same =
        lhs.fields()[i].name == rhs.fields()[i].name &&
        ((is_scalar(a) && is_scalar(b)) || (a.is_string() && b.is_string()) ||
         (a.is_tuple() && comparable_tuples(a, b)));
    if (!same) {
      return false;
    }
  }
  return true;
}

Type TypeChecker::check_binary(const ast::Binary& binary) {
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
  if (lhs.is_tuple() || rhs.is_tuple()) {
    // Tuples and records compare field by field.
    if (!comparable_tuples(lhs, rhs)) {
      error(diag::Kind::TypeMismatch, binary.range(),
            {ast::spelling(binary.op), lhs.name(), rhs.name()});
      return Type::none();
    }
    if (!equality) {
      error(diag::Kind::UnsupportedOperand, binary.range(),
            {ast::spelling(binary.op), lhs.name()});
      return Type::none();
    }
    return Type::u64();
  }
  if (lhs.is_pointer() && rhs.is_pointer() &&
      lhs.address_space() != rhs.address_space() &&
      lhs.address_space() != types::AddressSpace::None &&
      rhs.address_space() != types::AddressSpace::None) {
    diagnostic(diag::Kind::AddressSpaceOperands, binary.range(),
               {ast::spelling(binary.op)})
        .hint(diag::Kind::AddressSpaceHint)
        .emit();
    return Type::none();
  }
  if (!is_scalar(lhs) || !is_scalar(rhs)) {
    const Type& bad = is_scalar(lhs) ? rhs : lhs;
    error(diag::Kind::UnsupportedOperand, binary.range(),
          {ast::spelling(binary.op), bad.name()});
    return Type::none();
  }
  if (lhs.is_pointer() && rhs.is_integer() &&
      (binary.op == ast::BinaryOp::Add || binary.op == ast::BinaryOp::Sub)) {
    return lhs;
  }
  if (rhs.is_pointer() && lhs.is_integer() && binary.op == ast::BinaryOp::Add) {
    return rhs;
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
  case ast::BinaryOp::Lt:
  case ast::BinaryOp::Le:
  case ast::BinaryOp::Gt:
  case ast::BinaryOp::Ge:
    // A negative signed value compares as a huge unsigned one. Literals
    // are exempt: `x > 0` means what it says.
    if (lhs.is_integer() && rhs.is_integer() &&
        lhs.is_signed() != rhs.is_signed() && !constant_value(binary.lhs) &&
        !constant_value(binary.rhs)) {
      diagnostic(diag::Kind::MixedSignComparison, binary.range(),
                 {ast::spelling(binary.op), lhs.name(), rhs.name()})
          .emit();
    }
    return Type::u64();
  case ast::BinaryOp::Eq:
  case ast::BinaryOp::Ne:
  case ast::BinaryOp::LogicalAnd:
  case ast::BinaryOp::LogicalOr:
    return Type::u64();
  case ast::BinaryOp::Add:
  case ast::BinaryOp::Sub:
  case ast::BinaryOp::Mul:
  case ast::BinaryOp::Div:
  case ast::BinaryOp::Mod:
  case ast::BinaryOp::BitAnd:
  case ast::BinaryOp::BitOr:
  case ast::BinaryOp::BitXor:
  case ast::BinaryOp::Shl:
  case ast::BinaryOp::Shr:
    break;
  }
  return Type::integer(8, lhs.is_signed() && rhs.is_signed());
}

Type TypeChecker::check_field(const ast::FieldAccess& access) {
  if (reads_config(access)) {
    return check_config_field(access);
  }
  Type base = check_expr(access.base);
  if (base.is_none()) {
    return base;
  }
  // `.` follows pointers (`->` is the same thing).
  types::AddressSpace space = types::AddressSpace::None;
  if (base.is_pointer() && base.pointee().is_record()) {
    space = base.address_space();
    base = base.pointee();
  }
  if (base.is_named_tuple()) {
    return check_record_field(access, base);
  }
  base = complete_record(base);
  if (!base.is_record()) {
    error(diag::Kind::FieldOfNonRecord, access.base->range(),
          {base.name(), access.field});
    return Type::none();
  }
  const types::Field* field = base.field(access.field);
  if (field == nullptr) {
    if (report_unreadable_argument(access)) {
      return Type::none();
    }
    report_unknown_field(access, base);
    return Type::none();
  }
  // With several tracepoints sharing a body, `args.f` must mean the same
  // type in each (its offset may differ: each gets its own program).
  // Only `args` itself: other builtins (curtask) have one type (COMPAT 99).
  const auto* builtin = ast::dyn_cast<ast::Builtin>(access.base);
  bool from_args = builtin != nullptr &&
                   find_variable(builtin->name) == BuiltinVariable::Args &&
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
  checked_.fields[&access] = *field;
  // Pointers read out of user memory point into user memory too.
  if (space == types::AddressSpace::User && field->type->is_pointer()) {
    return Type::pointer(field->type->pointee(), space);
  }
  return *field->type;
}

Type TypeChecker::check_record_field(const ast::FieldAccess& access,
                                     const Type& record) {
  const types::Field* field = record.field(access.field);
  if (field == nullptr) {
    report_unknown_field(access, record);
    return Type::none();
  }
  checked_.fields[&access] = *field;
  return *field->type;
}

void TypeChecker::report_unknown_field(const ast::FieldAccess& access,
                                       const Type& record) {
  report_unknown_field_name(record, access.field, access.field_range);
}

void TypeChecker::report_unknown_field_name(const Type& record,
                                            const std::string& name,
                                            SourceRange range) {
  std::vector<std::string> names;
  for (const types::Field& field : record.fields()) {
    names.push_back(field.name);
  }
  auto report =
      diagnostic(diag::Kind::UnknownField, range, {record.name(), name});
  if (auto close = closest_match(name, names)) {
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

void TypeChecker::undefined_variable(const std::string& name,
                                     SourceRange range) {
  auto report = diagnostic(diag::Kind::UndefinedVariable, range, {"$" + name});
  std::vector<std::string> known;
  for (const auto& [candidate, type] : *variables_) {
    // Macro-expanded names (`m.1.x`) are not the script's to write.
    if (candidate.find('.') == std::string::npos) {
      known.push_back(candidate);
    }
  }
  if (auto close = closest_match(name, known)) {
    report.hint(diag::Kind::DidYouMean, {"$" + *close});
  }
  report.emit();
}

} // namespace sonde::sema
