// SPDX-License-Identifier: Apache-2.0
// path(p[, size]): the kernel's bpf_d_path into a string buffer.
#include "codegen/lowering.h"

#include <linux/bpf.h>

namespace sonde::codegen {

std::pair<llvm::Value*, uint64_t>
ProbeLowering::object_and_offset(const ast::Expr* node) {
  // The kernel wants the BTF pointer it handed out, moved by a constant
  // offset to the member: `file->f_path` is (file, offsetof(f_path)).
  if (program_.type_of(node).is_pointer()) {
    return {expr(node), 0};
  }
  if (const auto* access = ast::dyn_cast<ast::FieldAccess>(node)) {
    const uint64_t offset = program_.fields.at(access).offset;
    if (program_.type_of(access->base).is_pointer()) {
      return {expr(access->base), offset};
    }
    auto [object, inner] = object_and_offset(access->base);
    return {object, inner + offset};
  }
  const auto& deref = static_cast<const ast::Unary&>(*node);
  SONDE_CHECK(deref.op == ast::UnaryOp::Deref, "sema checked path()'s object");
  return {expr(deref.operand), 0};
}

llvm::Value* ProbeLowering::kernel_path(const ast::Call& node) {
  const uint32_t size = program_.type_of(&node).size();
  llvm::Value* slot = memory_slot(size, "path");
  zero(slot, size);
  auto [object, offset] = object_and_offset(node.args[0]);
  // A null object (the iterator's last call) gives an empty string; the
  // check also makes the verifier see the pointer as non-null.
  llvm::BasicBlock* present = block("path.present");
  llvm::BasicBlock* failed = block("path.failed");
  llvm::BasicBlock* done = block("path.done");
  ir_.CreateCondBr(ir_.CreateICmpNE(object, ir_.getInt64(0)), present, done);
  ir_.SetInsertPoint(present);
  llvm::Value* path = ir_.CreateAdd(object, ir_.getInt64(offset));
  llvm::Value* length = builder_.call_helper(ir_, BPF_FUNC_d_path,
                                             {path, slot, ir_.getInt64(size)});
  ir_.CreateCondBr(ir_.CreateICmpSLT(length, ir_.getInt64(0)), failed, done);
  // On an error (a path longer than the buffer) the kernel may have left
  // a partial name at the end of the buffer.
  ir_.SetInsertPoint(failed);
  zero(slot, size);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  return slot;
}

} // namespace sonde::codegen
