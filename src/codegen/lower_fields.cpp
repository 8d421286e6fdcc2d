// SPDX-License-Identifier: Apache-2.0
// Field access on structs and unions through pointers (`p->a.b`), on
// records held by value, and indexing of arrays inside them. Chains of
// `.`/`->`/`[]` compute one address and read only the final value, so
// walking a big kernel struct never copies it.
#include "codegen/lowering.h"

namespace sonde::codegen {

namespace {

// `args` and `ctx` are the program's context: their members are read with
// direct loads, not through an address. So are those of `ctx` cast to its
// struct's pointer type, as scripts of perf-event probes write it.
bool is_context(const ast::Expr* node) {
  if (const auto* cast = ast::dyn_cast<ast::Cast>(node)) {
    const auto* operand = ast::dyn_cast<ast::Builtin>(cast->expr);
    return operand != nullptr && operand->name == "ctx";
  }
  const auto* builtin = ast::dyn_cast<ast::Builtin>(node);
  return builtin != nullptr &&
         (builtin->name == "args" || builtin->name == "ctx");
}

} // namespace

bool ProbeLowering::has_address(const ast::Expr* node) const {
  if (const auto* access = ast::dyn_cast<ast::FieldAccess>(node)) {
    return !is_context(access->base);
  }
  if (const auto* unary = ast::dyn_cast<ast::Unary>(node)) {
    return unary->op == ast::UnaryOp::Deref;
  }
  if (const auto* index = ast::dyn_cast<ast::Index>(node)) {
    const Type& base_type = program_.type_of(index->base);
    return base_type.is_pointer() ||
           (base_type.is_array() && has_address(index->base));
  }
  return false;
}

ProbeLowering::Address ProbeLowering::offset_address(const Address& base,
                                                     llvm::Value* offset) {
  if (base.on_stack) {
    return {ir_.CreateInBoundsGEP(ir_.getInt8Ty(), base.at, offset), base.space,
            true};
  }
  return {ir_.CreateAdd(base.at, offset), base.space, false};
}

std::optional<ProbeLowering::Address>
ProbeLowering::address_of(const ast::Expr* node) {
  const Type& type = program_.type_of(node);
  if (const auto* access = ast::dyn_cast<ast::FieldAccess>(node)) {
    if (is_context(access->base)) {
      return std::nullopt;
    }
    const Type& base_type = program_.type_of(access->base);
    std::optional<Address> base;
    if (base_type.is_pointer()) {
      base = Address{expr(access->base), base_type.address_space(), false};
    } else {
      base = address_of(access->base);
      if (!base) {
        // A record value on the stack.
        base = Address{expr(access->base), types::AddressSpace::None, true};
      }
    }
    const types::Field& field = program_.fields.at(access);
    return offset_address(*base, ir_.getInt64(field.offset));
  }
  if (const auto* unary = ast::dyn_cast<ast::Unary>(node);
      unary != nullptr && unary->op == ast::UnaryOp::Deref) {
    const Type& pointer = program_.type_of(unary->operand);
    return Address{expr(unary->operand), pointer.address_space(), false};
  }
  if (const auto* index = ast::dyn_cast<ast::Index>(node)) {
    const Type& base_type = program_.type_of(index->base);
    std::optional<Address> base;
    if (base_type.is_pointer()) {
      base = Address{expr(index->base), base_type.address_space(), false};
    } else if (base_type.is_array()) {
      base = address_of(index->base);
    }
    if (!base) {
      return std::nullopt;
    }
    llvm::Value* offset =
        ir_.CreateMul(expr(index->index), ir_.getInt64(type.size()));
    return offset_address(*base, offset);
  }
  return std::nullopt;
}

llvm::Value* ProbeLowering::read_at(const Address& address,
                                    const Type& type,
                                    const types::Field* bitfield) {
  llvm::Value* value = address.on_stack
                           ? load_from(address.at, type)
                           : read_memory(address.at, type, address.space);
  if (bitfield == nullptr || bitfield->bit_size == 0) {
    return value;
  }
  // The storage unit is loaded whole: shift the field to the top, then
  // back down, sign-extending for signed types.
  const unsigned unit_bits = type.size() * 8;
  llvm::Value* top = ir_.CreateShl(
      value,
      64 - unit_bits + (unit_bits - bitfield->bit_offset - bitfield->bit_size));
  return type.is_signed() ? ir_.CreateAShr(top, 64 - bitfield->bit_size)
                          : ir_.CreateLShr(top, 64 - bitfield->bit_size);
}

llvm::Value* ProbeLowering::field(const ast::FieldAccess& node) {
  if (is_context(node.base)) {
    const auto* args = ast::dyn_cast<ast::Builtin>(node.base);
    return args != nullptr && args->name == "args" ? args_field(node)
                                                   : iter_context_field(node);
  }
  std::optional<Address> address = address_of(&node);
  SONDE_CHECK(address.has_value(), "a field has an address");
  return read_at(*address, program_.type_of(&node), &program_.fields.at(&node));
}

} // namespace sonde::codegen
