// SPDX-License-Identifier: Apache-2.0
// Expressions: literals, operators, fields, strings.
#include "codegen/lowering.h"

namespace sonde::codegen {

bool ProbeLowering::fill_string(const ast::Expr* node,
                                llvm::Value* dest,
                                uint32_t size) {
  if (const auto* builtin = ast::dyn_cast<ast::Builtin>(node);
      builtin != nullptr && builtin->name == "comm" && size == 16) {
    // The kernel pads the rest of the buffer with NULs.
    builder_.call_helper(ir_, BPF_FUNC_get_current_comm,
                         {dest, ir_.getInt64(16)});
    return true;
  }
  const auto* call = ast::dyn_cast<ast::Call>(node);
  if (call == nullptr || call->callee != "str" ||
      program_.positional_strings.contains(call) ||
      program_.type_of(call->args[0]).is_string() ||
      program_.type_of(call).size() > size) {
    return false;
  }
  zero(dest, size);
  read_string_into(*call, dest, program_.type_of(call).size());
  return true;
}

llvm::Value* ProbeLowering::expr(const ast::Expr* node) {
  switch (node->kind()) {
  case ast::NodeKind::IntLiteral:
    return ir_.getInt64(static_cast<const ast::IntLiteral*>(node)->value);
  case ast::NodeKind::StringLiteral:
    return string_literal(static_cast<const ast::StringLiteral*>(node)->value);
  case ast::NodeKind::Builtin:
    if (auto constant = program_.constants.find(node);
        constant != program_.constants.end()) {
      return ir_.getInt64(constant->second); // An enumerator, safe_mode...
    }
    if (auto text = program_.constant_strings.find(node);
        text != program_.constant_strings.end()) {
      return string_literal(text->second); // arch
    }
    return builtin(*static_cast<const ast::Builtin*>(node));
  case ast::NodeKind::Variable: {
    const auto* var = static_cast<const ast::Variable*>(node);
    const Type& type = program_.type_of(node);
    llvm::Value* slot = variable_slot(var->name, type);
    return type.in_memory() ? slot : ir_.CreateLoad(ir_.getInt64Ty(), slot);
  }
  case ast::NodeKind::MapAccess:
    return map_read(*static_cast<const ast::MapAccess*>(node));
  case ast::NodeKind::Binary:
    return binary(*static_cast<const ast::Binary*>(node));
  case ast::NodeKind::Unary:
    return unary(*static_cast<const ast::Unary*>(node));
  case ast::NodeKind::Call:
    return call(*static_cast<const ast::Call*>(node));
  case ast::NodeKind::FieldAccess:
    // config.KEY
    if (auto constant = program_.constants.find(node);
        constant != program_.constants.end()) {
      return ir_.getInt64(constant->second);
    }
    if (auto text = program_.constant_strings.find(node);
        text != program_.constant_strings.end()) {
      return string_literal(text->second);
    }
    return field(*static_cast<const ast::FieldAccess*>(node));
  case ast::NodeKind::BoolLiteral:
    return ir_.getInt64(static_cast<const ast::BoolLiteral*>(node)->value);
  case ast::NodeKind::Positional: {
    uint64_t index = static_cast<const ast::Positional*>(node)->index;
    const std::vector<std::string>& params = program_.positional;
    std::string text =
        index >= 1 && index <= params.size() ? params[index - 1] : "";
    if (program_.type_of(node).is_string()) {
      return string_literal(text);
    }
    return ir_.getInt64(std::strtoll(text.c_str(), nullptr, 10));
  }
  case ast::NodeKind::PositionalCount:
    return ir_.getInt64(program_.positional.size());
  case ast::NodeKind::Ternary:
    return ternary(*static_cast<const ast::Ternary*>(node));
  case ast::NodeKind::IncDec:
    return inc_dec(*static_cast<const ast::IncDec*>(node));
  case ast::NodeKind::Tuple:
    return tuple(*static_cast<const ast::Tuple*>(node));
  case ast::NodeKind::Record:
    return record(*static_cast<const ast::Record*>(node));
  case ast::NodeKind::TupleAccess:
    return tuple_access(*static_cast<const ast::TupleAccess*>(node));
  case ast::NodeKind::Index:
    return index(*static_cast<const ast::Index*>(node));
  case ast::NodeKind::Cast:
    return cast(*static_cast<const ast::Cast*>(node));
  case ast::NodeKind::Sizeof:
  case ast::NodeKind::Offsetof:
  case ast::NodeKind::Comptime:
    return ir_.getInt64(program_.constants.at(node));
  case ast::NodeKind::Typeinfo:
    return typeinfo(*static_cast<const ast::Typeinfo*>(node));
  case ast::NodeKind::IfExpr:
    return if_expr(*static_cast<const ast::IfExpr*>(node));
  case ast::NodeKind::BlockExpr:
    return block_expr(*static_cast<const ast::BlockExpr*>(node));
  default:
    SONDE_CHECK(false, "unexpected expression kind");
  }
}

llvm::Value* ProbeLowering::string_literal(const std::string& text) {
  auto size = static_cast<uint32_t>(text.size() + 1);
  llvm::Value* slot = memory_slot(size, "str");
  store_constant_string(slot, text, size);
  return slot;
}

void ProbeLowering::store_constant_string(llvm::Value* slot,
                                          std::string_view text,
                                          uint32_t size) {
  auto byte_at = [&](uint32_t i) -> uint8_t {
    return i < text.size() && i + 1 < size ? static_cast<uint8_t>(text[i]) : 0;
  };
  // Eight bytes per store: a long literal as single bytes costs LLVM
  // seconds and the verifier eight times the instructions.
  uint32_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word = 0;
    for (uint32_t b = 0; b < 8; ++b) {
      word |= uint64_t(byte_at(i + b)) << (8 * b);
    }
    ir_.CreateAlignedStore(ir_.getInt64(word), field_at(slot, i),
                           llvm::Align(1));
  }
  for (; i < size; ++i) {
    ir_.CreateStore(ir_.getInt8(byte_at(i)), field_at(slot, i));
  }
}

llvm::Value* ProbeLowering::args_field(const ast::FieldAccess& node) {
  if (!instance_.args_registers.empty()) {
    return register_args_field(node);
  }
  // Tracepoint `args` is the probe context; the field's offset comes from
  // this instance's own tracepoint.
  llvm::Value* base = expr(node.base);
  const types::Field* field = instance_.args_type.field(node.field);
  SONDE_CHECK(field != nullptr, "args field missing in instance");
  const Type& type = *field->type;
  llvm::Value* at =
      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), base, field->offset);
  if (field->data_loc) {
    // (length << 16 | offset) of the string within the record.
    llvm::Value* loc = ir_.CreateLoad(ir_.getInt32Ty(), at);
    llvm::Value* offset =
        ir_.CreateZExt(ir_.CreateAnd(loc, 0xffff), ir_.getInt64Ty());
    llvm::Value* data = ir_.CreateInBoundsGEP(ir_.getInt8Ty(), base, offset);
    llvm::Value* slot = memory_slot(type.size(), "data_loc");
    zero(slot, type.size());
    builder_.call_helper(ir_, BPF_FUNC_probe_read_kernel_str,
                         {slot, ir_.getInt64(type.size()), data});
    return slot;
  }
  if (type.is_string()) {
    llvm::Value* slot = memory_slot(type.size(), "field");
    zero(slot, type.size());
    builder_.call_helper(ir_, BPF_FUNC_probe_read_kernel,
                         {slot, ir_.getInt64(type.size() - 1), at});
    return slot;
  }
  uint32_t bits = type.is_pointer() ? 64 : type.size() * 8;
  llvm::Value* raw = ir_.CreateLoad(ir_.getIntNTy(bits), at);
  return type.is_signed() ? ir_.CreateSExt(raw, ir_.getInt64Ty())
                          : ir_.CreateZExt(raw, ir_.getInt64Ty());
}

llvm::Value* ProbeLowering::ternary(const ast::Ternary& node) {
  const Type& type = program_.type_of(&node);
  llvm::Value* cond = expr(node.cond);
  llvm::BasicBlock* then_block = block("cond.then");
  llvm::BasicBlock* else_block = block("cond.else");
  llvm::BasicBlock* done = block("cond.end");
  // Strings go through a buffer of the result's size; integers merge.
  // Branches without a value (actions) only run.
  llvm::Value* result =
      type.is_none() ? nullptr : memory_slot(slot_size(type), "cond");
  ir_.CreateCondBr(truth(cond), then_block, else_block);
  auto arm = [&](llvm::BasicBlock* at, const ast::Expr* value,
                 llvm::Value* fallback) {
    ir_.SetInsertPoint(at);
    llvm::Value* computed = value != nullptr ? expr(value) : fallback;
    const Type& from = value != nullptr ? program_.type_of(value)
                                        : program_.type_of(node.cond);
    if (result != nullptr) {
      store_value(result, type, computed, from);
    }
    branch_to(done);
  };
  arm(then_block, node.then_expr, cond);
  arm(else_block, node.else_expr, nullptr);
  ir_.SetInsertPoint(done);
  if (result == nullptr) {
    return nullptr;
  }
  return type.in_memory() ? result : ir_.CreateLoad(ir_.getInt64Ty(), result);
}

llvm::Value* ProbeLowering::inc_dec(const ast::IncDec& node) {
  llvm::Value* step = ir_.getInt64(node.increment ? 1 : -1);
  if (const auto* var = ast::dyn_cast<ast::Variable>(node.operand)) {
    const Type& type = program_.type_of(node.operand);
    llvm::Value* slot = variable_slot(var->name, type);
    llvm::Value* old = ir_.CreateLoad(ir_.getInt64Ty(), slot);
    store_value(slot, type, ir_.CreateAdd(old, step), type);
    llvm::Value* updated = ir_.CreateLoad(ir_.getInt64Ty(), slot);
    return node.prefix ? updated : old;
  }
  const auto& access = static_cast<const ast::MapAccess&>(*node.operand);
  uint32_t index = program_.map_index(access.name);
  const MapMeta& map = resources_.metadata.maps[index];
  llvm::Value* old = map_read(access);
  llvm::Value* updated = ir_.CreateAdd(old, step);
  store_map(resources_.maps[index], map, access, updated);
  return node.prefix ? updated : old;
}

llvm::Value* ProbeLowering::unary(const ast::Unary& node) {
  if (node.op == ast::UnaryOp::Deref) {
    return deref(node);
  }
  if (node.op == ast::UnaryOp::AddressOf) {
    return address_of_operand(node);
  }
  llvm::Value* operand = expr(node.operand);
  switch (node.op) {
  case ast::UnaryOp::Neg:
    return ir_.CreateNeg(operand);
  case ast::UnaryOp::LogicalNot:
    return ir_.CreateZExt(ir_.CreateICmpEQ(operand, ir_.getInt64(0)),
                          ir_.getInt64Ty());
  case ast::UnaryOp::BitNot:
    return ir_.CreateNot(operand);
  case ast::UnaryOp::Deref:
  case ast::UnaryOp::AddressOf:
    SONDE_CHECK(false, "'*' and '&' are lowered before the switch");
  }
  return nullptr;
}

llvm::Value* ProbeLowering::binary(const ast::Binary& node) {
  if (node.op == ast::BinaryOp::LogicalAnd ||
      node.op == ast::BinaryOp::LogicalOr) {
    return short_circuit(node);
  }
  const Type& lhs_type = program_.type_of(node.lhs);
  const Type& rhs_type = program_.type_of(node.rhs);
  llvm::Value* lhs = expr(node.lhs);
  llvm::Value* rhs = expr(node.rhs);
  if (lhs_type.is_string() || lhs_type.is_tuple()) {
    llvm::Value* equal =
        lhs_type.is_tuple()
            ? tuples_equal(lhs, lhs_type, rhs, rhs_type)
            : strings_equal(lhs, lhs_type.size(), rhs, rhs_type.size());
    if (node.op == ast::BinaryOp::Ne) {
      equal = ir_.CreateNot(equal);
    }
    return ir_.CreateZExt(equal, ir_.getInt64Ty());
  }
  // Pointer arithmetic moves by whole elements, as in C.
  const Type& result = program_.type_of(&node);
  if (result.is_pointer() && result.pointee().size() > 1) {
    llvm::Value* scale = ir_.getInt64(result.pointee().size());
    if (lhs_type.is_pointer()) {
      rhs = ir_.CreateMul(rhs, scale);
    } else {
      lhs = ir_.CreateMul(lhs, scale);
    }
  }
  return arithmetic(node.op, lhs, rhs,
                    lhs_type.is_signed() && rhs_type.is_signed(),
                    lhs_type.is_signed(), node);
}

llvm::Value* ProbeLowering::divide(ast::BinaryOp op,
                                   llvm::Value* lhs,
                                   llvm::Value* rhs,
                                   bool is_signed,
                                   const ast::Node* site) {
  bool div = op == ast::BinaryOp::Div;
  auto* constant = llvm::dyn_cast<llvm::ConstantInt>(rhs);
  bool may_be_zero = constant == nullptr || constant->isZero();
  bool may_be_minus_one =
      is_signed && (constant == nullptr || constant->isMinusOne());
  llvm::Value* zero = nullptr;
  llvm::Value* minus_one = nullptr;
  if (may_be_zero) {
    zero = ir_.CreateICmpEQ(rhs, ir_.getInt64(0));
    rhs = ir_.CreateSelect(zero, ir_.getInt64(1), rhs);
  }
  if (may_be_minus_one) {
    minus_one = ir_.CreateICmpEQ(rhs, ir_.getInt64(-1));
    rhs = ir_.CreateSelect(minus_one, ir_.getInt64(1), rhs);
  }
  llvm::Value* result = nullptr;
  if (!is_signed) {
    result = div ? ir_.CreateUDiv(lhs, rhs) : ir_.CreateURem(lhs, rhs);
  } else if (resources_.has_signed_division) {
    result = div ? ir_.CreateSDiv(lhs, rhs) : ir_.CreateSRem(lhs, rhs);
  } else {
    result = signed_divide_by_magnitudes(div, lhs, rhs);
  }
  if (minus_one != nullptr) {
    result = ir_.CreateSelect(
        minus_one, div ? ir_.CreateNeg(lhs) : ir_.getInt64(0), result);
  }
  if (zero == nullptr) {
    return result;
  }
  if (site == nullptr) {
    return ir_.CreateSelect(zero, ir_.getInt64(0), result);
  }
  llvm::BasicBlock* warn = block("div.zero");
  llvm::BasicBlock* done = block("div.done");
  ir_.CreateCondBr(zero, warn, done);
  ir_.SetInsertPoint(warn);
  warn_at_runtime(div ? RuntimeWarningMeta::Kind::DivisionByZero
                      : RuntimeWarningMeta::Kind::ModuloByZero,
                  *site);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  return ir_.CreateSelect(zero, ir_.getInt64(1), result);
}

void ProbeLowering::warn_at_runtime(RuntimeWarningMeta::Kind kind,
                                    const ast::Node& site) {
  std::vector<RuntimeWarningMeta>& warnings = *resources_.runtime_warnings;
  auto id = static_cast<uint32_t>(warnings.size());
  warnings.push_back({kind, site.range().begin});
  llvm::Value* record = memory_slot(sizeof(EventHeader), "warning");
  store_header(record, EventKind::RuntimeWarning, ir_.getInt32(id));
  output(record, sizeof(EventHeader), 0);
}

llvm::Value* ProbeLowering::shift(ast::BinaryOp op,
                                  llvm::Value* lhs,
                                  llvm::Value* rhs,
                                  bool lhs_signed) {
  bool arithmetic_shift = op == ast::BinaryOp::Shr && lhs_signed;
  llvm::Value* all_out = ir_.CreateICmpUGE(rhs, ir_.getInt64(64));
  llvm::Value* amount = ir_.CreateAnd(rhs, ir_.getInt64(63));
  llvm::Value* shifted = nullptr;
  llvm::Value* emptied = ir_.getInt64(0);
  if (op == ast::BinaryOp::Shl) {
    shifted = ir_.CreateShl(lhs, amount);
  } else if (arithmetic_shift) {
    shifted = ir_.CreateAShr(lhs, amount);
    emptied = ir_.CreateAShr(lhs, ir_.getInt64(63));
  } else {
    shifted = ir_.CreateLShr(lhs, amount);
  }
  return ir_.CreateSelect(all_out, emptied, shifted);
}

llvm::Value* ProbeLowering::signed_divide_by_magnitudes(bool div,
                                                        llvm::Value* lhs,
                                                        llvm::Value* rhs) {
  llvm::Value* zero_value = ir_.getInt64(0);
  llvm::Value* lhs_negative = ir_.CreateICmpSLT(lhs, zero_value);
  llvm::Value* rhs_negative = ir_.CreateICmpSLT(rhs, zero_value);
  llvm::Value* lhs_abs =
      ir_.CreateSelect(lhs_negative, ir_.CreateNeg(lhs), lhs);
  llvm::Value* rhs_abs =
      ir_.CreateSelect(rhs_negative, ir_.CreateNeg(rhs), rhs);
  llvm::Value* magnitude =
      div ? ir_.CreateUDiv(lhs_abs, rhs_abs) : ir_.CreateURem(lhs_abs, rhs_abs);
  // C semantics: the quotient is negative when the signs differ; the
  // remainder takes the sign of the dividend.
  llvm::Value* negate =
      div ? ir_.CreateXor(lhs_negative, rhs_negative) : lhs_negative;
  return ir_.CreateSelect(negate, ir_.CreateNeg(magnitude), magnitude);
}

llvm::Value* ProbeLowering::short_circuit(const ast::Binary& node) {
  bool is_and = node.op == ast::BinaryOp::LogicalAnd;
  llvm::Value* lhs = truth(expr(node.lhs));
  llvm::BasicBlock* lhs_end = ir_.GetInsertBlock();
  llvm::BasicBlock* rhs_block = block(is_and ? "and.rhs" : "or.rhs");
  llvm::BasicBlock* done = block(is_and ? "and.done" : "or.done");
  if (is_and) {
    ir_.CreateCondBr(lhs, rhs_block, done);
  } else {
    ir_.CreateCondBr(lhs, done, rhs_block);
  }
  ir_.SetInsertPoint(rhs_block);
  llvm::Value* rhs = truth(expr(node.rhs));
  llvm::BasicBlock* rhs_end = ir_.GetInsertBlock();
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  llvm::PHINode* result = ir_.CreatePHI(ir_.getInt1Ty(), 2);
  result->addIncoming(ir_.getInt1(!is_and), lhs_end);
  result->addIncoming(rhs, rhs_end);
  return ir_.CreateZExt(result, ir_.getInt64Ty());
}

llvm::Value* ProbeLowering::arithmetic(ast::BinaryOp op,
                                       llvm::Value* lhs,
                                       llvm::Value* rhs,
                                       bool is_signed,
                                       bool lhs_signed,
                                       const ast::Node& site) {
  auto compare = [&](llvm::CmpInst::Predicate predicate) {
    return ir_.CreateZExt(ir_.CreateICmp(predicate, lhs, rhs),
                          ir_.getInt64Ty());
  };
  using P = llvm::CmpInst::Predicate;
  switch (op) {
  case ast::BinaryOp::Add:
    return ir_.CreateAdd(lhs, rhs);
  case ast::BinaryOp::Sub:
    return ir_.CreateSub(lhs, rhs);
  case ast::BinaryOp::Mul:
    return ir_.CreateMul(lhs, rhs);
  case ast::BinaryOp::Div:
  case ast::BinaryOp::Mod:
    return divide(op, lhs, rhs, is_signed, &site);
  case ast::BinaryOp::BitAnd:
    return ir_.CreateAnd(lhs, rhs);
  case ast::BinaryOp::BitOr:
    return ir_.CreateOr(lhs, rhs);
  case ast::BinaryOp::BitXor:
    return ir_.CreateXor(lhs, rhs);
  case ast::BinaryOp::Shl:
  case ast::BinaryOp::Shr:
    return shift(op, lhs, rhs, lhs_signed);
  case ast::BinaryOp::Eq:
    return compare(P::ICMP_EQ);
  case ast::BinaryOp::Ne:
    return compare(P::ICMP_NE);
  case ast::BinaryOp::Lt:
    return compare(is_signed ? P::ICMP_SLT : P::ICMP_ULT);
  case ast::BinaryOp::Le:
    return compare(is_signed ? P::ICMP_SLE : P::ICMP_ULE);
  case ast::BinaryOp::Gt:
    return compare(is_signed ? P::ICMP_SGT : P::ICMP_UGT);
  case ast::BinaryOp::Ge:
    return compare(is_signed ? P::ICMP_SGE : P::ICMP_UGE);
  case ast::BinaryOp::LogicalAnd:
  case ast::BinaryOp::LogicalOr:
    break;
  }
  SONDE_CHECK(false, "unhandled binary operator");
}

llvm::Value* ProbeLowering::tuples_equal(llvm::Value* lhs,
                                         const Type& lhs_type,
                                         llvm::Value* rhs,
                                         const Type& rhs_type) {
  llvm::Value* equal = ir_.getTrue();
  for (size_t i = 0; i < lhs_type.fields().size(); ++i) {
    const types::Field& a = lhs_type.fields()[i];
    const types::Field& b = rhs_type.fields()[i];
    llvm::Value* a_value = load_from(
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), lhs, a.offset),
        *a.type);
    llvm::Value* b_value = load_from(
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), rhs, b.offset),
        *b.type);
    llvm::Value* field_equal =
        a.type->is_tuple() ? tuples_equal(a_value, *a.type, b_value, *b.type)
        : a.type->is_string()
            ? strings_equal(a_value, a.type->size(), b_value, b.type->size())
            : ir_.CreateICmpEQ(a_value, b_value);
    equal = ir_.CreateAnd(equal, field_equal);
  }
  return equal;
}

llvm::Value* ProbeLowering::strings_equal(llvm::Value* lhs,
                                          uint32_t lhs_size,
                                          llvm::Value* rhs,
                                          uint32_t rhs_size,
                                          uint32_t limit) {
  uint32_t size = std::min({lhs_size, rhs_size, limit});
  llvm::BasicBlock* done = block("streq.done");
  llvm::BasicBlock* not_equal = block("streq.ne");
  llvm::BasicBlock* equal = block("streq.eq");
  for (uint32_t i = 0; i < size; ++i) {
    llvm::Value* a =
        ir_.CreateLoad(ir_.getInt8Ty(),
                       ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), lhs, i));
    llvm::Value* b =
        ir_.CreateLoad(ir_.getInt8Ty(),
                       ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), rhs, i));
    llvm::BasicBlock* same = block("streq.same");
    ir_.CreateCondBr(ir_.CreateICmpEQ(a, b), same, not_equal);
    ir_.SetInsertPoint(same);
    llvm::BasicBlock* next = block("streq.next");
    ir_.CreateCondBr(ir_.CreateICmpEQ(a, ir_.getInt8(0)), equal, next);
    ir_.SetInsertPoint(next);
  }
  // All compared bytes matched without a NUL: equal only if the longer
  // buffer ends here too.
  llvm::Value* tail_equal = ir_.getTrue();
  if (lhs_size != rhs_size && size < limit) {
    llvm::Value* longer = lhs_size > rhs_size ? lhs : rhs;
    llvm::Value* next_byte = ir_.CreateLoad(
        ir_.getInt8Ty(),
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), longer, size));
    tail_equal = ir_.CreateICmpEQ(next_byte, ir_.getInt8(0));
  }
  llvm::BasicBlock* tail = ir_.GetInsertBlock();
  ir_.CreateBr(done);
  ir_.SetInsertPoint(not_equal);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(equal);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  llvm::PHINode* result = ir_.CreatePHI(ir_.getInt1Ty(), 3);
  result->addIncoming(tail_equal, tail);
  result->addIncoming(ir_.getFalse(), not_equal);
  result->addIncoming(ir_.getTrue(), equal);
  return result;
}

} // namespace sonde::codegen
