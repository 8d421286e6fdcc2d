// SPDX-License-Identifier: Apache-2.0
// Composite values and type-level expressions: tuples, indexing,
// dereference, casts, sizeof/offsetof and blocks with a value. Values that
// live in memory (Type::in_memory) are pointers to stack buffers.
#include "codegen/lowering.h"
#include "sema/config_values.h"

namespace sonde::codegen {

llvm::Value* ProbeLowering::tuple(const ast::Tuple& node) {
  return composite(program_.type_of(&node), node.elements);
}

llvm::Value* ProbeLowering::record(const ast::Record& node) {
  std::vector<ast::Expr*> values;
  for (const ast::RecordField& field : node.fields) {
    values.push_back(field.value);
  }
  return composite(program_.type_of(&node), values);
}

llvm::Value* ProbeLowering::typeinfo(const ast::Typeinfo& node) {
  const Type& type = program_.type_of(&node);
  const sema::TypeInfoText& text = program_.typeinfos.at(&node);
  llvm::Value* slot = memory_slot(type.size(), "typeinfo");
  zero(slot, type.size());
  const std::string* strings[] = {&text.base_type, &text.full_type};
  for (size_t i = 0; i < 2; ++i) {
    const types::Field& field = type.fields()[i + 1];
    store_value(
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), slot, field.offset),
        *field.type, string_literal(*strings[i]), *field.type);
  }
  return slot;
}

llvm::Value* ProbeLowering::config_record(const Type& type) {
  llvm::Value* slot = memory_slot(type.size(), "config");
  zero(slot, type.size());
  for (const types::Field& field : type.fields()) {
    std::optional<sema::ConfigValue> value =
        sema::config_value(program_.config, field.name);
    SONDE_CHECK(value.has_value(), "a readable config key");
    llvm::Value* at =
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), slot, field.offset);
    if (value->is_text) {
      store_value(at, *field.type, string_literal(value->text), *field.type);
    } else {
      store_value(at, *field.type, ir_.getInt64(value->number), *field.type,
                  /*packed=*/true);
    }
  }
  return slot;
}

llvm::Value* ProbeLowering::composite(const Type& type,
                                      const std::vector<ast::Expr*>& values) {
  llvm::Value* slot = memory_slot(type.size(), "tuple");
  zero(slot, type.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const types::Field& field = type.fields()[i];
    store_expr(values[i], slot, {*field.type, field.offset}, /*packed=*/true);
  }
  return slot;
}

llvm::Value* ProbeLowering::load_from(llvm::Value* address, const Type& type) {
  if (type.in_memory()) {
    return address;
  }
  uint32_t bits = type.is_pointer() ? 64 : type.size() * 8;
  llvm::Value* raw = ir_.CreateLoad(ir_.getIntNTy(bits), address);
  return type.is_signed() ? ir_.CreateSExt(raw, ir_.getInt64Ty())
                          : ir_.CreateZExt(raw, ir_.getInt64Ty());
}

llvm::Value* ProbeLowering::tuple_access(const ast::TupleAccess& node) {
  llvm::Value* base = expr(node.base);
  const types::Field& field =
      program_.type_of(node.base).fields().at(node.index);
  return load_from(
      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), base, field.offset),
      *field.type);
}

llvm::Value* ProbeLowering::index(const ast::Index& node) {
  const Type& base_type = program_.type_of(node.base);
  const Type& type = program_.type_of(&node);
  if (base_type.is_pointer() ||
      (base_type.is_array() && has_address(node.base))) {
    // An element of memory the program does not hold: read just it.
    return read_at(*address_of(&node), type);
  }
  llvm::Value* base = expr(node.base);
  if (base_type.is_tuple()) {
    const types::Field& field =
        base_type.fields().at(program_.constants.at(node.index));
    return load_from(
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), base, field.offset),
        *field.type);
  }
  llvm::Value* position = expr(node.index);
  llvm::Value* offset = ir_.CreateMul(position, ir_.getInt64(type.size()));
  // Strings and arrays on the stack: an index past the end reads zero
  // (the verifier needs the bound checked anyway).
  const uint32_t count =
      base_type.is_string() ? base_type.size() : base_type.element_count();
  llvm::Value* result = memory_slot(slot_size(type), "element");
  zero(result, slot_size(type));
  llvm::BasicBlock* inside = block("index.inside");
  llvm::BasicBlock* done = block("index.done");
  ir_.CreateCondBr(ir_.CreateICmpULT(position, ir_.getInt64(count)), inside,
                   done);
  ir_.SetInsertPoint(inside);
  copy(result, ir_.CreateInBoundsGEP(ir_.getInt8Ty(), base, offset),
       type.size());
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  return load_from(result, type);
}

llvm::Value* ProbeLowering::read_memory(llvm::Value* address,
                                        const Type& type,
                                        types::AddressSpace space) {
  llvm::Value* slot = memory_slot(slot_size(type), "read");
  zero(slot, slot_size(type));
  if (space == types::AddressSpace::None) {
    space = default_address_space();
  }
  uint32_t helper_id = space == types::AddressSpace::User
                           ? BPF_FUNC_probe_read_user
                           : BPF_FUNC_probe_read_kernel;
  builder_.call_helper(ir_, helper_id,
                       {slot, ir_.getInt64(type.size()), address});
  return load_from(slot, type);
}

llvm::Value* ProbeLowering::deref(const ast::Unary& node) {
  const Type& pointer = program_.type_of(node.operand);
  return read_memory(expr(node.operand), program_.type_of(&node),
                     pointer.address_space());
}

llvm::Value* ProbeLowering::address_of_operand(const ast::Unary& node) {
  if (const auto* access = ast::dyn_cast<ast::MapAccess>(node.operand)) {
    return map_value_address(*access);
  }
  const auto& var = static_cast<const ast::Variable&>(*node.operand);
  llvm::Value* slot = variable_slot(var.name, program_.type_of(node.operand));
  return ir_.CreatePtrToInt(slot, ir_.getInt64Ty());
}

llvm::Value* ProbeLowering::cast(const ast::Cast& node) {
  const Type& to = program_.type_of(&node);
  const Type& from = program_.type_of(node.expr);
  llvm::Value* value = expr(node.expr);
  if (to.is_string() && !(to == from)) {
    llvm::Value* slot = memory_slot(to.size(), "cast");
    store_value(slot, to, value, from);
    return slot;
  }
  if (to.in_memory() && to == from) {
    return value;
  }
  if (to.is_array() && from.in_memory()) {
    // A string's or an array's bytes, of the same size.
    return value;
  }
  if (to.is_array()) {
    // An integer's bytes, as an array.
    llvm::Value* slot = memory_slot(8, "cast");
    ir_.CreateStore(value, slot);
    return slot;
  }
  if (from.is_array()) {
    return load_from(value, to);
  }
  if (to.is_bool() && !from.is_bool()) {
    return ir_.CreateZExt(truth(value), ir_.getInt64Ty());
  }
  if (to.is_integer() && to.size() < 8) {
    llvm::Value* narrow = ir_.CreateTrunc(value, ir_.getIntNTy(to.size() * 8));
    return to.is_signed() ? ir_.CreateSExt(narrow, ir_.getInt64Ty())
                          : ir_.CreateZExt(narrow, ir_.getInt64Ty());
  }
  return value;
}

llvm::Value* ProbeLowering::value_block(const ast::Block& block,
                                        llvm::Value* result,
                                        const Type& type) {
  if (type.is_none()) {
    // Run for its effect: no value to keep.
    lower_block(block);
    return nullptr;
  }
  for (size_t i = 0; i + 1 < block.stmts.size(); ++i) {
    lower_stmt(*block.stmts[i]);
  }
  const ast::Expr* last =
      static_cast<const ast::ExprStmt*>(block.stmts.back())->expr;
  store_value(result, type, expr(last), program_.type_of(last));
  return result;
}

llvm::Value* ProbeLowering::if_expr(const ast::IfExpr& node) {
  const Type& type = program_.type_of(&node);
  llvm::Value* result =
      type.is_none() ? nullptr : memory_slot(slot_size(type), "if");
  llvm::BasicBlock* then_block = block("if.then");
  llvm::BasicBlock* else_block = block("if.else");
  llvm::BasicBlock* done = block("if.end");
  ir_.CreateCondBr(truth(expr(node.cond)), then_block, else_block);
  ir_.SetInsertPoint(then_block);
  value_block(*node.then_block, result, type);
  branch_to(done);
  ir_.SetInsertPoint(else_block);
  value_block(*node.else_block, result, type);
  branch_to(done);
  ir_.SetInsertPoint(done);
  return result != nullptr ? load_from(result, type) : nullptr;
}

llvm::Value* ProbeLowering::block_expr(const ast::BlockExpr& node) {
  const Type& type = program_.type_of(&node);
  if (!node.function_body && type.is_none()) {
    return value_block(*node.block, nullptr, type);
  }
  llvm::Value* result = memory_slot(std::max(8u, slot_size(type)), "block");
  if (!node.function_body) {
    value_block(*node.block, result, type);
    return load_from(result, type);
  }
  // An inlined `fn`: `return` stores its value and jumps to the end.
  zero(result, std::max(8u, slot_size(type)));
  llvm::BasicBlock* done = block("fn.done");
  function_returns_.push_back({result, type, done});
  lower_block(*node.block);
  function_returns_.pop_back();
  branch_to(done);
  ir_.SetInsertPoint(done);
  return type.is_none() ? ir_.getInt64(0) : load_from(result, type);
}

void ProbeLowering::leave_probe() {
  if (loop_returned_ == nullptr) {
    ir_.CreateRet(ir_.getInt32(0));
    return;
  }
  ir_.CreateStore(ir_.getInt64(1), loop_returned_);
  ir_.CreateRet(ir_.getInt64(1));
}

void ProbeLowering::lower_return(const ast::Return& ret) {
  if (function_returns_.empty()) {
    // A probe's `return value;` evaluates the value and leaves.
    if (ret.value != nullptr) {
      expr(ret.value);
    }
    leave_probe();
    return;
  }
  const FunctionReturn& target = function_returns_.back();
  if (ret.value != nullptr) {
    store_value(target.slot, target.type, expr(ret.value),
                program_.type_of(ret.value));
  }
  ir_.CreateBr(target.done);
}

} // namespace sonde::codegen
