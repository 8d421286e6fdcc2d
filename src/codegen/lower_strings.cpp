// SPDX-License-Identifier: Apache-2.0
// String and byte functions: strncmp, strcontains and buf.
#include "codegen/lowering.h"

namespace sonde::codegen {

llvm::Value* ProbeLowering::string_function(const ast::Call& node,
                                            sema::BuiltinFunction function) {
  switch (function) {
  case sema::BuiltinFunction::Strncmp: {
    // 0 when the first n characters match, 1 otherwise (bpftrace's).
    const Type& a = program_.type_of(node.args[0]);
    const Type& b = program_.type_of(node.args[1]);
    llvm::Value* lhs = expr(node.args[0]);
    llvm::Value* rhs = expr(node.args[1]);
    uint64_t limit = program_.constants.at(&node);
    llvm::Value* equal = strings_equal(
        lhs, a.size(), rhs, b.size(),
        static_cast<uint32_t>(std::min<uint64_t>(limit, UINT32_MAX)));
    return ir_.CreateZExt(ir_.CreateNot(equal), ir_.getInt64Ty());
  }
  case sema::BuiltinFunction::Strcontains: {
    const Type& a = program_.type_of(node.args[0]);
    const Type& b = program_.type_of(node.args[1]);
    llvm::Value* haystack = expr(node.args[0]);
    llvm::Value* needle = expr(node.args[1]);
    return string_contains(haystack, a.size(), needle, b.size());
  }
  case sema::BuiltinFunction::Buf:
    return read_buffer(node);
  default:
    SONDE_CHECK(false, "not a string function");
  }
  return nullptr;
}

llvm::Value* ProbeLowering::string_contains(llvm::Value* haystack,
                                            uint32_t haystack_size,
                                            llvm::Value* needle,
                                            uint32_t needle_size) {
  // for (i = 0; i < haystack_size && haystack[i]; ++i): compare the needle
  // at i, unrolled over its (constant) size. A bounded loop the verifier
  // walks once per position.
  llvm::BasicBlock* before = ir_.GetInsertBlock();
  llvm::BasicBlock* head = block("contains.head");
  llvm::BasicBlock* body = block("contains.body");
  llvm::BasicBlock* next = block("contains.next");
  llvm::BasicBlock* found = block("contains.found");
  llvm::BasicBlock* missing = block("contains.missing");
  llvm::BasicBlock* done = block("contains.done");
  ir_.CreateBr(head);
  ir_.SetInsertPoint(head);
  llvm::PHINode* i = ir_.CreatePHI(ir_.getInt64Ty(), 2, "i");
  i->addIncoming(ir_.getInt64(0), before);
  ir_.CreateCondBr(ir_.CreateICmpULT(i, ir_.getInt64(haystack_size)), body,
                   missing);
  ir_.SetInsertPoint(body);
  for (uint32_t j = 0; j < needle_size; ++j) {
    llvm::Value* wanted = ir_.CreateLoad(
        ir_.getInt8Ty(),
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), needle, j));
    llvm::BasicBlock* compare = block("contains.compare");
    ir_.CreateCondBr(ir_.CreateICmpEQ(wanted, ir_.getInt8(0)), found, compare);
    ir_.SetInsertPoint(compare);
    llvm::Value* at = ir_.CreateAdd(i, ir_.getInt64(j));
    llvm::BasicBlock* inside = block("contains.inside");
    ir_.CreateCondBr(ir_.CreateICmpULT(at, ir_.getInt64(haystack_size)), inside,
                     missing);
    ir_.SetInsertPoint(inside);
    llvm::Value* got = ir_.CreateLoad(
        ir_.getInt8Ty(), ir_.CreateInBoundsGEP(ir_.getInt8Ty(), haystack, at));
    llvm::BasicBlock* same = block("contains.same");
    // The haystack ended before the needle did: no later position can
    // match either.
    llvm::BasicBlock* differs = block("contains.differs");
    ir_.CreateCondBr(ir_.CreateICmpEQ(got, wanted), same, differs);
    ir_.SetInsertPoint(differs);
    ir_.CreateCondBr(ir_.CreateICmpEQ(got, ir_.getInt8(0)), missing, next);
    ir_.SetInsertPoint(same);
  }
  // The needle filled its whole buffer without a NUL and matched.
  ir_.CreateBr(found);
  ir_.SetInsertPoint(next);
  i->addIncoming(ir_.CreateAdd(i, ir_.getInt64(1)), next);
  ir_.CreateBr(head);
  ir_.SetInsertPoint(found);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(missing);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  llvm::PHINode* result = ir_.CreatePHI(ir_.getInt64Ty(), 2);
  result->addIncoming(ir_.getInt64(1), found);
  result->addIncoming(ir_.getInt64(0), missing);
  return result;
}

llvm::Value* ProbeLowering::read_buffer(const ast::Call& node) {
  const Type& type = program_.type_of(&node);
  const Type& source = program_.type_of(node.args[0]);
  const uint32_t capacity = type.element_count();
  llvm::Value* slot = memory_slot(type.size(), "buf");
  zero(slot, type.size());
  llvm::Value* data = ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), slot, 4);
  llvm::Value* length = ir_.getInt64(capacity);
  if (node.args.size() > 1) {
    llvm::Value* wanted = expr(node.args[1]);
    length =
        ir_.CreateSelect(ir_.CreateICmpULT(wanted, length), wanted, length);
  }
  llvm::Value* from = expr(node.args[0]);
  if (source.in_memory()) {
    // A string or array the program holds: its first `capacity` bytes.
    copy(data, from, capacity);
  } else {
    types::AddressSpace space =
        source.is_pointer() ? source.address_space() : default_address_space();
    uint32_t helper_id = space == types::AddressSpace::User
                             ? BPF_FUNC_probe_read_user
                             : BPF_FUNC_probe_read_kernel;
    // The verifier needs the size bounded by the buffer: mask it too.
    llvm::Value* bounded = ir_.CreateAnd(length, ir_.getInt64(0xffff));
    bounded =
        ir_.CreateSelect(ir_.CreateICmpULE(bounded, ir_.getInt64(capacity)),
                         bounded, ir_.getInt64(capacity));
    builder_.call_helper(ir_, helper_id, {data, bounded, from});
  }
  ir_.CreateStore(ir_.CreateTrunc(length, ir_.getInt32Ty()), slot);
  return slot;
}

} // namespace sonde::codegen
