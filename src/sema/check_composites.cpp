// SPDX-License-Identifier: Apache-2.0
// Composite values and type-level expressions: tuples, indexing,
// dereference, casts, sizeof/offsetof, blocks with a value, and the types
// written in casts and `let` annotations.
#include "base/check.h"
#include "sema/type_checker.h"

namespace sonde::sema {

namespace {

// Integer types by their C library and kernel typedef names, until BTF
// typedefs are looked up.
std::optional<Type> well_known_typedef(const std::string& name) {
  static const std::map<std::string, Type> kTypedefs = {
      {"int8_t", Type::integer(1, true)},
      {"uint8_t", Type::integer(1, false)},
      {"int16_t", Type::integer(2, true)},
      {"uint16_t", Type::integer(2, false)},
      {"int32_t", Type::integer(4, true)},
      {"uint32_t", Type::integer(4, false)},
      {"int64_t", Type::integer(8, true)},
      {"uint64_t", Type::integer(8, false)},
      {"s8", Type::integer(1, true)},
      {"u8", Type::integer(1, false)},
      {"s16", Type::integer(2, true)},
      {"u16", Type::integer(2, false)},
      {"s32", Type::integer(4, true)},
      {"u32", Type::integer(4, false)},
      {"s64", Type::integer(8, true)},
      {"u64", Type::integer(8, false)},
      {"size_t", Type::integer(8, false)},
      {"ssize_t", Type::integer(8, true)},
      {"pid_t", Type::integer(4, true)},
      {"uid_t", Type::integer(4, false)},
      {"gid_t", Type::integer(4, false)},
      {"char", Type::integer(1, true)},
      {"int", Type::integer(4, true)},
      {"long", Type::integer(8, true)},
      {"short", Type::integer(2, true)},
      {"unsigned", Type::integer(4, false)},
  };
  auto found = kTypedefs.find(name);
  if (found == kTypedefs.end()) {
    return std::nullopt;
  }
  return found->second;
}

} // namespace

types::AddressSpace TypeChecker::default_address_space() const {
  bool user = all_targets_have([](const probes::ProbeTraits& kind) {
    return kind.space == types::AddressSpace::User;
  });
  return user ? types::AddressSpace::User : types::AddressSpace::Kernel;
}

Type TypeChecker::resolve_type(const ast::TypeSpec& spec) {
  Type type;
  switch (spec.base) {
  case ast::TypeKind::Bool:
    type = Type::boolean();
    break;
  case ast::TypeKind::Int:
    type = Type::integer(spec.bits / 8, spec.is_signed);
    break;
  case ast::TypeKind::String:
    type = Type::string(spec.size.value_or(checked_.config.max_strlen));
    break;
  case ast::TypeKind::Buffer:
    type = Type::buffer(spec.size.value_or(checked_.config.max_strlen));
    break;
  case ast::TypeKind::Void:
    break;
  case ast::TypeKind::Named:
    if (std::optional<Type> known = well_known_typedef(spec.name)) {
      type = *known;
      break;
    }
    if (std::optional<Type> found = lookup_named_type(spec.name)) {
      type = *found;
      break;
    }
    error(diag::Kind::UnknownType, spec.name_range, {spec.name});
    return Type::none();
  case ast::TypeKind::Struct:
  case ast::TypeKind::Union:
  case ast::TypeKind::Enum: {
    std::string name = std::string(ast::spelling(spec.base)) + " " + spec.name;
    std::optional<Type> found = lookup_named_type(name);
    if (!found) {
      error(diag::Kind::UnknownType, spec.range(), {name});
      return Type::none();
    }
    type = *found;
    break;
  }
  case ast::TypeKind::Typeof:
    type = typeof_type(*spec.of);
    if (type.is_none()) {
      return type;
    }
    break;
  case ast::TypeKind::Tuple: {
    std::vector<Type> elements;
    for (const ast::TypeSpec* element : spec.elements) {
      Type resolved = resolve_type(*element);
      if (resolved.is_none()) {
        return resolved;
      }
      elements.push_back(storage_type(resolved));
    }
    type = Type::tuple(std::move(elements));
    break;
  }
  case ast::TypeKind::Inet:
    error(diag::Kind::NotSupportedYet, spec.range(), {"the type 'inet'"});
    return Type::none();
  }
  for (const ast::TypeSuffix& suffix : spec.suffixes) {
    if (suffix.kind == ast::TypeSuffix::Kind::Pointer) {
      type = Type::pointer(std::move(type), default_address_space());
    } else {
      // `T[]` (size 0) takes its size from what is cast.
      type = Type::array(std::move(type), suffix.size.value_or(0));
    }
  }
  if (type.is_none() && spec.base == ast::TypeKind::Void) {
    error(diag::Kind::InvalidCast, spec.range(), {"a value", "void"});
  }
  return type;
}

Type TypeChecker::check_tuple(const ast::Tuple& tuple) {
  std::vector<Type> elements;
  for (const ast::Expr* element : tuple.elements) {
    Type type = check_expr(element);
    if (type.is_none()) {
      return type;
    }
    if (!storable(type)) {
      error(diag::Kind::CannotStore, element->range(),
            {type.name(), "a tuple"});
      return Type::none();
    }
    elements.push_back(storage_type(type));
  }
  return Type::tuple(std::move(elements));
}

Type TypeChecker::check_record(const ast::Record& record) {
  std::vector<std::string> names;
  std::vector<Type> elements;
  for (const ast::RecordField& field : record.fields) {
    Type type = check_expr(field.value);
    if (type.is_none()) {
      return type;
    }
    if (std::find(names.begin(), names.end(), field.name) != names.end()) {
      error(diag::Kind::DuplicateRecordField, field.name_range, {field.name});
      return Type::none();
    }
    if (!storable(type)) {
      error(diag::Kind::CannotStore, field.value->range(),
            {type.name(), "a record"});
      return Type::none();
    }
    names.push_back(field.name);
    elements.push_back(storage_type(type));
  }
  return Type::named_tuple(std::move(names), std::move(elements));
}

Type TypeChecker::check_tuple_access(const ast::TupleAccess& access) {
  Type base = check_expr(access.base);
  if (base.is_none()) {
    return base;
  }
  // A record's fields are reached by name only.
  if (!base.is_tuple() || base.is_named_tuple()) {
    error(diag::Kind::NotATuple, access.index_range,
          {std::to_string(access.index), base.name()});
    return Type::none();
  }
  if (access.index >= base.fields().size()) {
    error(diag::Kind::TupleIndexOutOfRange, access.index_range,
          {base.name(), std::to_string(access.index)});
    return Type::none();
  }
  return *base.fields()[access.index].type;
}

Type TypeChecker::check_index(const ast::Index& index) {
  Type base = check_expr(index.base);
  Type position = check_expr(index.index);
  if (base.is_none() || position.is_none()) {
    return Type::none();
  }
  if (!position.is_integer()) {
    error(diag::Kind::NotAnInteger, index.index->range(), {position.name()});
    return Type::none();
  }
  std::optional<int64_t> constant = constant_value(index.index);
  auto check_bound = [&](uint64_t count) {
    if (constant && (*constant < 0 || uint64_t(*constant) >= count)) {
      error(diag::Kind::IndexOutOfRange, index.index->range(),
            {std::to_string(*constant), base.name()});
      return false;
    }
    return true;
  };
  switch (base.kind()) {
  case types::TypeKind::String:
    return check_bound(base.size()) ? Type::integer(1, false) : Type::none();
  case types::TypeKind::Array:
    // A zero-length trailing array (`int v[0]`, a flexible array member)
    // has no static bound.
    return base.element_count() == 0 || check_bound(base.element_count())
               ? base.element()
               : Type::none();
  case types::TypeKind::Tuple:
    if (base.is_named_tuple()) {
      error(diag::Kind::NotIndexable, index.base->range(), {base.name()});
      return Type::none();
    }
    // Any expression with a value known at compile time (COMPAT 88).
    if (!constant) {
      constant = fold_constant(index.index);
    }
    if (!constant) {
      error(diag::Kind::TupleIndexNotConstant, index.index->range());
      return Type::none();
    }
    checked_.constants[index.index] = static_cast<uint64_t>(*constant);
    return check_bound(base.fields().size()) ? *base.fields()[*constant].type
                                             : Type::none();
  case types::TypeKind::Pointer:
    if (base.pointee().size() == 0) {
      error(diag::Kind::DerefOpaque, index.base->range(), {base.name()});
      return Type::none();
    }
    return base.address_space() == types::AddressSpace::User
               ? user_pointers(base.pointee())
               : base.pointee();
  default:
    error(diag::Kind::NotIndexable, index.base->range(), {base.name()});
    return Type::none();
  }
}

Type TypeChecker::check_deref(const ast::Unary& deref) {
  Type operand = check_expr(deref.operand);
  if (operand.is_none()) {
    return operand;
  }
  if (!operand.is_pointer()) {
    error(diag::Kind::DerefNonPointer, deref.operand->range(),
          {operand.name()});
    return Type::none();
  }
  const Type& pointee = operand.pointee();
  if (pointee.size() == 0) {
    error(diag::Kind::DerefOpaque, deref.operand->range(), {operand.name()});
    return Type::none();
  }
  // `*p` of a struct is a value: it needs its fields.
  return complete_record(pointee);
}

// `&$x` points at the variable's storage (BPF stack or the probe's
// per-CPU variables), `&@m` / `&@m[k]` at the map element's value; both
// are kernel memory, read back with `*`.
Type TypeChecker::check_address_of(const ast::Unary& node) {
  const ast::Expr* operand = node.operand;
  if (ast::dyn_cast<ast::Variable>(operand) != nullptr) {
    Type type = check_expr(operand);
    if (type.is_none()) {
      return type;
    }
    return Type::pointer(type, types::AddressSpace::Kernel);
  }
  const auto* access = ast::dyn_cast<ast::MapAccess>(operand);
  if (access == nullptr) {
    check_expr(operand); // Its variables count as read.
    error(diag::Kind::AddressOfInvalidOperand, operand->range());
    return Type::none();
  }
  // What the map is rules the operand out before its keys are read.
  const MapInfo* map = find_map(access->name);
  if (map != nullptr && map->shape.is_aggregation()) {
    error(diag::Kind::AddressOfAggregation, operand->range(),
          {access->name, types::map_kind_name(map->shape.kind)});
    return Type::none();
  }
  if (map != nullptr && access->keys.empty() && !map->shape.is_scalar()) {
    error(diag::Kind::AddressOfKeyedMap, operand->range(), {access->name});
    return Type::none();
  }
  Type value = check_expr(operand);
  if (value.is_none() || map == nullptr) {
    return Type::none();
  }
  return Type::pointer(map->shape.value_type, types::AddressSpace::Kernel);
}

Type TypeChecker::check_cast(const ast::Cast& cast) {
  Type from = check_expr(cast.expr);
  Type to = resolve_type(*cast.type);
  if (from.is_none() || to.is_none()) {
    return Type::none();
  }
  if (from == to || (from.is_string() && to.is_string())) {
    return to;
  }
  if (to.is_pointer() && from.is_pointer()) {
    // The memory stays where it is: keep the source's address space.
    return Type::pointer(to.pointee(), from.address_space());
  }
  if (is_scalar(to) && is_scalar(from)) {
    return to;
  }
  // Integers and integer arrays of the same size reinterpret each other's
  // bytes; `(uint8[])x` takes its element count from x.
  // Strings and arrays are reinterpreted the same way: `(int8[])"hi"`.
  if (to.is_array() && (to.element().is_integer() || to.element().is_bool()) &&
      (from.is_integer() || from.is_bool() || from.is_string() ||
       from.is_array())) {
    const uint32_t bytes = from.size();
    Type sized = to.element_count() == 0
                     ? Type::array(to.element(), bytes / to.element().size())
                     : to;
    if (sized.size() != bytes) {
      error(diag::Kind::ArrayCastSize, cast.range(),
            {from.name(), sized.name(), std::to_string(bytes),
             std::to_string(sized.size())});
      return Type::none();
    }
    return sized;
  }
  if (to.is_integer() && from.is_array() && from.element().is_integer()) {
    if (from.size() != to.size()) {
      error(diag::Kind::ArrayCastSize, cast.range(),
            {from.name(), to.name(), std::to_string(from.size()),
             std::to_string(to.size())});
      return Type::none();
    }
    return to;
  }
  error(diag::Kind::InvalidCast, cast.range(), {from.name(), to.name()});
  return Type::none();
}

Type TypeChecker::type_or_value(const ast::TypeSpec* spec,
                                const ast::Expr* expr) {
  if (spec == nullptr) {
    return check_expr(expr);
  }
  // `sizeof(comm)`, `offsetof(args, f)`: a bare identifier that names no
  // type but a builtin variable means its value.
  if (spec->base == ast::TypeKind::Named && spec->suffixes.empty() &&
      !well_known_typedef(spec->name) && !lookup_named_type(spec->name)) {
    if (std::optional<BuiltinVariable> variable = find_variable(spec->name)) {
      if (*variable == BuiltinVariable::Ctx) {
        return check_iter_context(spec->range());
      }
      if (*variable != BuiltinVariable::Args) {
        return variable_type(*variable);
      }
      if (args_records_.empty() && uprobe_targets() &&
          !load_register_args(spec->range())) {
        return Type::none();
      }
      if (!args_records_.empty()) {
        return args_records_.front().second;
      }
    }
    // `sizeof(BTF_VAR_STATIC)`: an enumerator is a value, as it is in
    // expressions (an int64).
    if (enum_constant(spec->name)) {
      return Type::s64();
    }
  }
  return resolve_type(*spec);
}

Type TypeChecker::check_sizeof(const ast::Sizeof& node) {
  Type type = type_or_value(node.type, node.expr);
  if (type.is_none()) {
    return type;
  }
  checked_.constants[&node] = type.size();
  return Type::u64();
}

namespace {

// typeinfo's `base_type`: the kind of a type, without its parts.
std::string base_type_name(const Type& type) {
  switch (type.kind()) {
  case types::TypeKind::None:
    return "none";
  case types::TypeKind::Integer:
    return "int";
  case types::TypeKind::Bool:
    return "bool";
  case types::TypeKind::String:
    return "string";
  case types::TypeKind::Pointer:
    return "pointer";
  case types::TypeKind::Record:
    return type.is_union() ? "union" : "struct";
  case types::TypeKind::Array:
    return "array";
  case types::TypeKind::Tuple:
    return type.is_named_tuple() ? "record" : "tuple";
  case types::TypeKind::Buffer:
    return "buffer";
  case types::TypeKind::Stack:
  case types::TypeKind::Formatted:
  case types::TypeKind::Count:
  case types::TypeKind::Sum:
    return type.name();
  }
  return "none";
}

} // namespace

// `typeinfo(x)` describes x's type at compile time, as the record
// (btf_id=0, base_type="int", full_type="int64"); btf_id is 0 until
// sonde's types carry BTF ids.
Type TypeChecker::check_typeinfo(const ast::Typeinfo& node) {
  if (!check_unstable(checked_.config.unstable_typeinfo, node.range(),
                      "'typeinfo'", "unstable_typeinfo")) {
    return Type::none();
  }
  Type type = type_or_value(node.type, node.expr);
  if (type.is_none()) {
    return type;
  }
  TypeInfoText text{base_type_name(type), type.name()};
  Type result =
      Type::named_tuple({"btf_id", "base_type", "full_type"},
                        {Type::u64(), Type::string(text.base_type.size() + 1),
                         Type::string(text.full_type.size() + 1)});
  checked_.typeinfos[&node] = std::move(text);
  return result;
}

Type TypeChecker::check_offsetof(const ast::Offsetof& node) {
  Type record = type_or_value(node.type, node.expr);
  if (record.is_none()) {
    return record;
  }
  uint64_t offset = 0;
  for (size_t i = 0; i < node.fields.size(); ++i) {
    record = complete_record(record);
    if (!record.is_record()) {
      error(diag::Kind::FieldOfNonRecord, node.field_ranges[i],
            {record.name(), node.fields[i]});
      return Type::none();
    }
    const types::Field* field = record.field(node.fields[i]);
    if (field == nullptr) {
      report_unknown_field_name(record, node.fields[i], node.field_ranges[i]);
      return Type::none();
    }
    offset += field->offset;
    record = *field->type;
  }
  checked_.constants[&node] = offset;
  return Type::u64();
}

Type TypeChecker::check_value_block(const ast::Block& block, bool unused) {
  diag::ExpansionScope expansion(diag_, block.expansion, block.range(),
                                 block.call_site);
  if (!block.ends_in_expr || block.stmts.empty()) {
    if (unused) {
      check_block(block);
      return Type::none();
    }
    error(diag::Kind::EmptyValueBlock, block.range());
    return Type::none();
  }
  for (size_t i = 0; i + 1 < block.stmts.size(); ++i) {
    check_stmt(*block.stmts[i]);
  }
  const auto* last = ast::dyn_cast<ast::ExprStmt>(block.stmts.back());
  SONDE_CHECK(last != nullptr, "a value block ends in an expression");
  return unused ? check_effect(last->expr) : check_expr(last->expr);
}

bool TypeChecker::has_no_value(const ast::Block& block) const {
  if (!block.ends_in_expr || block.stmts.empty()) {
    return true;
  }
  const auto* last = ast::dyn_cast<ast::ExprStmt>(block.stmts.back());
  return last != nullptr && no_value_.contains(last->expr);
}

Type TypeChecker::check_if_expr(const ast::IfExpr& node) {
  bool unused = unused_;
  check_condition(node.cond);
  Type then_type = check_value_block(*node.then_block, unused);
  Type else_type = check_value_block(*node.else_block, unused);
  bool then_void = has_no_value(*node.then_block);
  bool else_void = has_no_value(*node.else_block);
  if ((then_type.is_none() && !then_void) ||
      (else_type.is_none() && !else_void)) {
    return Type::none();
  }
  if (then_void != else_void) {
    error(diag::Kind::BranchWithoutValue, node.range(), {"if"});
    return Type::none();
  }
  if (then_void) {
    return Type::none();
  }
  if (then_type.is_bool() && else_type.is_bool()) {
    return then_type;
  }
  if (is_scalar(then_type) && is_scalar(else_type)) {
    return Type::integer(8, then_type.is_signed() && else_type.is_signed());
  }
  // Strings, buffers and tuples of them: the widest of each part.
  if (std::optional<Type> common = types::common_type(then_type, else_type)) {
    return *common;
  }
  error(diag::Kind::TypeMismatch, node.range(),
        {"if", then_type.name(), else_type.name()});
  return Type::none();
}

Type TypeChecker::check_block_expr(const ast::BlockExpr& node) {
  if (!node.function_body) {
    return check_value_block(*node.block, unused_);
  }
  // An inlined `fn`: its value is what its `return`s give, zero when the
  // body ends without one.
  Type returns;
  if (node.returns != nullptr) {
    returns = storage_type(resolve_type(*node.returns));
    if (returns.is_none()) {
      return returns;
    }
  }
  function_returns_.push_back(returns);
  function_callback_loop_depths_.push_back(callback_loop_depth_);
  check_block(*node.block);
  function_callback_loop_depths_.pop_back();
  function_returns_.pop_back();
  return returns;
}

void TypeChecker::check_return(const ast::Return& ret) {
  if (function_returns_.empty()) {
    // `return expr;` leaves the probe too; the value is only evaluated.
    if (ret.value != nullptr) {
      check_expr(ret.value);
    }
    return;
  }
  const Type& returns = function_returns_.back();
  if (ret.value == nullptr) {
    if (!returns.is_none()) {
      error(diag::Kind::ReturnValueMissing, ret.range(), {returns.name()});
    }
    return;
  }
  Type value = check_expr(ret.value);
  if (value.is_none()) {
    return;
  }
  if (returns.is_none()) {
    error(diag::Kind::ReturnValueInVoidFunction, ret.value->range());
    return;
  }
  bool compatible = (is_scalar(value) && is_scalar(returns)) ||
                    (value.is_string() && returns.is_string()) ||
                    value == returns;
  if (!compatible) {
    error(diag::Kind::ReturnTypeMismatch, ret.value->range(),
          {returns.name(), value.name()});
    return;
  }
  check_conversion(value, returns, ret.value, "the return value");
}

std::optional<int64_t> TypeChecker::fold_constant(const ast::Expr* expr) {
  if (auto known = checked_.constants.find(expr);
      known != checked_.constants.end()) {
    return static_cast<int64_t>(known->second);
  }
  switch (expr->kind()) {
  case ast::NodeKind::IntLiteral:
    return static_cast<int64_t>(
        static_cast<const ast::IntLiteral*>(expr)->value);
  case ast::NodeKind::BoolLiteral:
    return static_cast<const ast::BoolLiteral*>(expr)->value ? 1 : 0;
  case ast::NodeKind::PositionalCount:
    return static_cast<int64_t>(checked_.positional.size());
  case ast::NodeKind::Positional: {
    auto text =
        positional_text(static_cast<const ast::Positional*>(expr)->index);
    if (std::optional<uint64_t> value =
            text ? positional_value(*text) : std::nullopt) {
      return static_cast<int64_t>(*value);
    }
    return text ? std::nullopt : std::optional<int64_t>(0);
  }
  case ast::NodeKind::Unary: {
    const auto* unary = static_cast<const ast::Unary*>(expr);
    std::optional<int64_t> operand = fold_constant(unary->operand);
    if (!operand) {
      return std::nullopt;
    }
    switch (unary->op) {
    case ast::UnaryOp::Neg:
      return static_cast<int64_t>(0ULL - static_cast<uint64_t>(*operand));
    case ast::UnaryOp::LogicalNot:
      return *operand == 0 ? 1 : 0;
    case ast::UnaryOp::BitNot:
      return ~*operand;
    case ast::UnaryOp::Deref:
    case ast::UnaryOp::AddressOf:
      return std::nullopt;
    }
    return std::nullopt;
  }
  case ast::NodeKind::Binary: {
    const auto* binary = static_cast<const ast::Binary*>(expr);
    std::optional<int64_t> a = fold_constant(binary->lhs);
    std::optional<int64_t> b = fold_constant(binary->rhs);
    if (!a || !b) {
      return std::nullopt;
    }
    const uint64_t ua = static_cast<uint64_t>(*a);
    const uint64_t ub = static_cast<uint64_t>(*b);
    switch (binary->op) {
    case ast::BinaryOp::Add:
      return static_cast<int64_t>(ua + ub);
    case ast::BinaryOp::Sub:
      return static_cast<int64_t>(ua - ub);
    case ast::BinaryOp::Mul:
      return static_cast<int64_t>(ua * ub);
    case ast::BinaryOp::Div:
      return *b == 0 || (*a == INT64_MIN && *b == -1)
                 ? std::nullopt
                 : std::optional<int64_t>(*a / *b);
    case ast::BinaryOp::Mod:
      return *b == 0 || (*a == INT64_MIN && *b == -1)
                 ? std::nullopt
                 : std::optional<int64_t>(*a % *b);
    case ast::BinaryOp::BitAnd:
      return *a & *b;
    case ast::BinaryOp::BitOr:
      return *a | *b;
    case ast::BinaryOp::BitXor:
      return *a ^ *b;
    case ast::BinaryOp::Shl:
      return ub >= 64 ? 0 : static_cast<int64_t>(ua << ub);
    case ast::BinaryOp::Shr:
      return ub >= 64 ? 0 : static_cast<int64_t>(ua >> ub);
    case ast::BinaryOp::Eq:
      return *a == *b;
    case ast::BinaryOp::Ne:
      return *a != *b;
    case ast::BinaryOp::Lt:
      return *a < *b;
    case ast::BinaryOp::Le:
      return *a <= *b;
    case ast::BinaryOp::Gt:
      return *a > *b;
    case ast::BinaryOp::Ge:
      return *a >= *b;
    case ast::BinaryOp::LogicalAnd:
      return *a != 0 && *b != 0;
    case ast::BinaryOp::LogicalOr:
      return *a != 0 || *b != 0;
    }
    return std::nullopt;
  }
  case ast::NodeKind::Ternary: {
    const auto* ternary = static_cast<const ast::Ternary*>(expr);
    std::optional<int64_t> cond = fold_constant(ternary->cond);
    if (!cond) {
      return std::nullopt;
    }
    if (*cond != 0) {
      return ternary->then_expr != nullptr ? fold_constant(ternary->then_expr)
                                           : cond;
    }
    return fold_constant(ternary->else_expr);
  }
  case ast::NodeKind::Comptime:
    return fold_constant(static_cast<const ast::Comptime*>(expr)->expr);
  default:
    return std::nullopt;
  }
}

Type TypeChecker::check_comptime(const ast::Comptime& node) {
  Type type = check_expr(node.expr);
  if (type.is_none()) {
    return type;
  }
  std::optional<int64_t> value = fold_constant(node.expr);
  if (!value) {
    error(diag::Kind::NotConstant, node.expr->range());
    return Type::none();
  }
  checked_.constants[&node] = static_cast<uint64_t>(*value);
  return storage_type(type);
}

} // namespace sonde::sema
