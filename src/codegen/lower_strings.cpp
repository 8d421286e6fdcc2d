// SPDX-License-Identifier: Apache-2.0
// String and byte functions: strncmp and buf.
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
  case sema::BuiltinFunction::Buf:
    return read_buffer(node);
  default:
    SONDE_CHECK(false, "not a string function");
  }
  return nullptr;
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
