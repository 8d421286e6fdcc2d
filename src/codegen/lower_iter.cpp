// SPDX-License-Identifier: Apache-2.0
// The program's context as `ctx`: the iterator's in iter probes (`ctx.task`,
// `ctx.file->f_path`), the sample's in perf-event probes
// (`ctx.sample_period`, `ctx.regs.ip`).
#include "codegen/lowering.h"

#include <llvm/IR/InlineAsm.h>

namespace sonde::codegen {

llvm::Value* ProbeLowering::iter_context_field(const ast::FieldAccess& node) {
  // A direct load from the context: the verifier then knows a pointer
  // member as a trusted BTF pointer (what bpf_d_path needs), which a
  // probe-read copy would lose. Every member takes a u64 slot.
  const types::Field& field = program_.fields.at(&node);
  const Type& type = *field.type;
  llvm::Value* at =
      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), ctx_, field.offset);
  if (type.is_pointer()) {
    return null_checked_pointer(ir_.CreateLoad(ir_.getInt64Ty(), at));
  }
  if (type.in_memory()) {
    // A struct member (a perf event's `regs`): copied 8 bytes at a time,
    // each an aligned context load the verifier accepts.
    llvm::Value* slot = memory_slot(type.size(), "ctx.member");
    zero(slot, type.size());
    for (uint32_t offset = 0; offset + 8 <= type.size(); offset += 8) {
      ir_.CreateStore(
          ir_.CreateLoad(ir_.getInt64Ty(), ir_.CreateConstInBoundsGEP1_32(
                                               ir_.getInt8Ty(), at, offset)),
          ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), slot, offset));
    }
    return slot;
  }
  llvm::Value* raw = ir_.CreateLoad(ir_.getIntNTy(type.size() * 8), at);
  return type.is_signed() ? ir_.CreateSExt(raw, ir_.getInt64Ty())
                          : ir_.CreateZExt(raw, ir_.getInt64Ty());
}

llvm::Value* ProbeLowering::null_checked_pointer(llvm::Value* pointer) {
  // The verifier refuses arithmetic on a pointer that may be null (the
  // iterator's last call passes NULL objects), so each use goes through a
  // null check: a non-null pointer stays a trusted BTF pointer, a null one
  // becomes the number 0, which reads through as zeros. The copy is opaque
  // so that LLVM cannot merge `p ? p : 0` back into `p`.
  llvm::BasicBlock* from = ir_.GetInsertBlock();
  llvm::BasicBlock* present = block("ctx.nonnull");
  llvm::BasicBlock* done = block("ctx.checked");
  ir_.CreateCondBr(ir_.CreateICmpNE(pointer, ir_.getInt64(0)), present, done);
  ir_.SetInsertPoint(present);
  auto* copy_type =
      llvm::FunctionType::get(ir_.getInt64Ty(), {ir_.getInt64Ty()}, false);
  llvm::Value* copy = ir_.CreateCall(
      copy_type, llvm::InlineAsm::get(copy_type, "$0 = $1", "=r,r", true),
      {pointer});
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  llvm::PHINode* checked = ir_.CreatePHI(ir_.getInt64Ty(), 2);
  checked->addIncoming(copy, present);
  checked->addIncoming(ir_.getInt64(0), from);
  return checked;
}

} // namespace sonde::codegen
