// SPDX-License-Identifier: Apache-2.0
// Questions about types answered at compile time (is_str, is_ptr, ...,
// typeof), the builtins that are constants of the running configuration
// (default_str_length, config.KEY, arch, safe_mode), and container_of.
// len() of a stack is here too: its argument is a value, not a map.
#include "sema/config_values.h"
#include "sema/type_checker.h"

#include <sys/utsname.h>

namespace sonde::sema {

namespace {

// The machine's architecture as uname(2) names it ("x86_64").
std::string machine_name() {
  struct utsname names;
  if (uname(&names) != 0) {
    return "unknown";
  }
  return names.machine;
}

bool is_literal_expr(const ast::Expr* expr) {
  switch (expr->kind()) {
  case ast::NodeKind::IntLiteral:
  case ast::NodeKind::StringLiteral:
  case ast::NodeKind::BoolLiteral:
    return true;
  case ast::NodeKind::Unary: {
    const auto* unary = static_cast<const ast::Unary*>(expr);
    return unary->op == ast::UnaryOp::Neg &&
           unary->operand->kind() == ast::NodeKind::IntLiteral;
  }
  default:
    return false;
  }
}

} // namespace

Type TypeChecker::typeof_type(const ast::Typeof& node) {
  if (node.type != nullptr) {
    return resolve_type(*node.type);
  }
  // A macro's type parameter substituted into `typeof(T)`.
  if (const auto* inner = ast::dyn_cast<ast::Typeof>(node.expr)) {
    return typeof_type(*inner);
  }
  return check_expr(node.expr);
}

Type TypeChecker::type_operand(const ast::Expr* operand) {
  if (const auto* of = ast::dyn_cast<ast::Typeof>(operand)) {
    return typeof_type(*of);
  }
  return check_expr(operand);
}

Type TypeChecker::check_type_predicate(const ast::Call& call,
                                       const FunctionSignature& signature,
                                       bool (*holds)(const Type& type)) {
  if (!check_argument_count(call, signature)) {
    return Type::none();
  }
  Type type = type_operand(call.args[0]);
  if (type.is_none()) {
    return Type::none();
  }
  checked_.constants[&call] = holds(type) ? 1 : 0;
  return Type::boolean();
}

Type TypeChecker::check_is_literal(const ast::Call& call,
                                   const FunctionSignature& signature) {
  if (!check_argument_count(call, signature)) {
    return Type::none();
  }
  type_operand(call.args[0]);
  checked_.constants[&call] = is_literal_expr(call.args[0]) ? 1 : 0;
  return Type::boolean();
}

Type TypeChecker::check_container_of(const ast::Call& call,
                                     const FunctionSignature& signature) {
  if (!check_argument_count(call, signature)) {
    return Type::none();
  }
  Type pointer = check_expr(call.args[0]);
  const bool pointer_ok = require_integer(call, 0, pointer);
  Type record = type_operand(call.args[1]);
  if (record.is_none()) {
    return Type::none();
  }
  record = complete_record(record);
  if (!record.is_record()) {
    error(diag::Kind::WrongArgumentType, call.args[1]->range(),
          {"2", call.callee, "a struct or union type", record.name()});
    return Type::none();
  }
  // The member: `name` or `name.sub.field`, outermost last in the AST.
  std::vector<std::pair<std::string, SourceRange>> path;
  const ast::Expr* member = call.args[2];
  while (const auto* access = ast::dyn_cast<ast::FieldAccess>(member)) {
    path.insert(path.begin(), {access->field, access->field_range});
    member = access->base;
  }
  const auto* head = ast::dyn_cast<ast::Builtin>(member);
  if (head == nullptr) {
    error(diag::Kind::ContainerOfMember, call.args[2]->range());
    return Type::none();
  }
  path.insert(path.begin(), {head->name, head->range()});
  uint64_t offset = 0;
  Type current = record;
  for (const auto& [name, range] : path) {
    current = complete_record(current);
    if (!current.is_record()) {
      error(diag::Kind::FieldOfNonRecord, range, {current.name(), name});
      return Type::none();
    }
    const types::Field* field = current.field(name);
    if (field == nullptr) {
      report_unknown_field_name(current, name, range);
      return Type::none();
    }
    offset += field->offset;
    current = *field->type;
  }
  if (!pointer_ok) {
    return Type::none();
  }
  // The member expression is never run: it holds the offset to subtract.
  checked_.constants[call.args[2]] = offset;
  types::AddressSpace space =
      pointer.is_pointer() ? pointer.address_space() : default_address_space();
  return Type::pointer(record, space);
}

bool TypeChecker::takes_stack(const ast::Expr* arg) const {
  const auto* access = ast::dyn_cast<ast::MapAccess>(arg);
  if (access == nullptr) {
    return true;
  }
  // `len(@stacks[k])` names a stack, to be refused with a reason.
  const MapInfo* map = find_map(access->name);
  return !access->keys.empty() && map != nullptr &&
         map->shape.value_type.is_stack();
}

Type TypeChecker::check_stack_length(const ast::Call& call,
                                     const FunctionSignature& signature) {
  if (!check_argument_count(call, signature)) {
    return Type::none();
  }
  Type stack = check_expr(call.args[0]);
  if (stack.is_none()) {
    return stack;
  }
  if (!stack.is_stack()) {
    error(diag::Kind::WrongArgumentType, call.args[0]->range(),
          {"1", call.callee, "a map or a stack", stack.name()});
    return Type::none();
  }
  if (call.args[0]->kind() == ast::NodeKind::MapAccess) {
    error(diag::Kind::StackLengthFromMap, call.args[0]->range());
    return Type::none();
  }
  return Type::u64();
}

Type TypeChecker::check_default_str_length(const ast::Builtin& builtin) {
  checked_.constants[&builtin] = checked_.config.max_strlen;
  return Type::u64();
}

Type TypeChecker::check_safe_mode(const ast::Builtin& builtin) {
  checked_.constants[&builtin] = checked_.unsafe ? 0 : 1;
  return Type::integer(1, false);
}

Type TypeChecker::check_config_variable(const ast::Builtin&) {
  return config_record_type();
}

Type TypeChecker::config_record_type() const {
  // Every key sonde acts on, named as in the config block (COMPAT 51).
  std::vector<std::string> names;
  std::vector<Type> types;
  for (const std::string& key : readable_config_keys()) {
    std::optional<ConfigValue> value = config_value(checked_.config, key);
    if (!value) {
      continue;
    }
    names.push_back(key);
    types.push_back(value->is_text ? Type::string(value->text.size() + 1)
                                   : Type::u64());
  }
  return Type::named_tuple(std::move(names), std::move(types));
}

Type TypeChecker::check_arch(const ast::Builtin& builtin) {
  std::string name = machine_name();
  checked_.constant_strings[&builtin] = name;
  return Type::string(name.size() + 1);
}

bool TypeChecker::reads_config(const ast::FieldAccess& access) const {
  // `config.KEY`, or `config().KEY` (COMPAT 51): the key's value, known at
  // compile time.
  if (const auto* call = ast::dyn_cast<ast::Call>(access.base)) {
    return call->callee == "config" && call->args.empty();
  }
  const auto* base = ast::dyn_cast<ast::Builtin>(access.base);
  return base != nullptr &&
         find_variable(base->name) == BuiltinVariable::Config;
}

Type TypeChecker::check_config_field(const ast::FieldAccess& access) {
  std::optional<ConfigValue> value =
      config_value(checked_.config, access.field);
  if (!value) {
    std::string keys;
    for (const std::string& key : readable_config_keys()) {
      keys += (keys.empty() ? "" : ", ") + key;
    }
    error(diag::Kind::ConfigKeyUnreadable, access.field_range,
          {access.field, keys});
    return Type::none();
  }
  if (value->is_text) {
    checked_.constant_strings[&access] = value->text;
    return Type::string(value->text.size() + 1);
  }
  checked_.constants[&access] = value->number;
  return Type::u64();
}

Type TypeChecker::check_typeof_value(const ast::Typeof& node) {
  error(diag::Kind::TypeofNotValue, node.range());
  return Type::none();
}

} // namespace sonde::sema
