// SPDX-License-Identifier: Apache-2.0
// path(struct path *[, size]): the kernel's bpf_d_path, which it allows in
// tracing programs: iterators, and fentry/fexit probes on the functions it
// lists.
#include "sema/type_checker.h"

namespace sonde::sema {

namespace {

// bpf_d_path writes into a buffer on the 512-byte BPF stack: the same bound
// as max_strlen.
constexpr int64_t kMaxPathSize = 4096;

bool is_struct_path(const Type& type) {
  return type.is_record() && type.name() == "struct path";
}

// A `struct path` that lives in kernel memory, so its address can be
// given to the kernel: a member reached through a pointer (`file->f_path`,
// `task->fs->root`) or `*p`.
bool has_kernel_address(const ast::Expr* node, const CheckedProgram& checked) {
  if (const auto* access = ast::dyn_cast<ast::FieldAccess>(node)) {
    if (access->base->kind() == ast::NodeKind::Builtin) {
      return false; // a member of `args`/`ctx` is a value, not memory
    }
    const Type& base = checked.type_of(access->base);
    return base.is_pointer() || has_kernel_address(access->base, checked);
  }
  const auto* unary = ast::dyn_cast<ast::Unary>(node);
  return unary != nullptr && unary->op == ast::UnaryOp::Deref;
}

} // namespace

Type TypeChecker::check_path(const ast::Call& call,
                             const std::vector<Type>& args) {
  if (!all_providers(
          [](const probes::ProbeType& type, const probes::AttachTarget&) {
            return type.program_type() == probes::ProgramType::Tracing;
          })) {
    error(diag::Kind::PathNotAllowed, call.callee_range, {current_kind()});
    return Type::none();
  }
  const Type& object = args[0];
  if (object.is_none()) {
    return Type::none();
  }
  const bool pointer = object.is_pointer() &&
                       object.address_space() != types::AddressSpace::User &&
                       is_struct_path(object.pointee());
  if (!pointer &&
      !(is_struct_path(object) && has_kernel_address(call.args[0], checked_))) {
    error(diag::Kind::WrongArgumentType, call.args[0]->range(),
          {"1", call.callee,
           "a 'struct path' in kernel memory or a pointer to one",
           object.name()});
    return Type::none();
  }
  int64_t size = checked_.config.max_strlen;
  if (call.args.size() > 1) {
    std::optional<int64_t> value = constant_value(call.args[1]);
    if (!value) {
      error(diag::Kind::ArgumentNotLiteral, call.args[1]->range(),
            {"2", call.callee, "an integer"});
      return Type::none();
    }
    size = *value;
  }
  if (size < 1 || size > kMaxPathSize) {
    error(diag::Kind::PathSizeRange,
          call.args.size() > 1 ? call.args[1]->range() : call.range(),
          {std::to_string(kMaxPathSize), std::to_string(size)});
    return Type::none();
  }
  return Type::string(static_cast<uint32_t>(size));
}

} // namespace sonde::sema
