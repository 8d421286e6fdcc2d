// SPDX-License-Identifier: Apache-2.0
// Large values (strings, records, printf records) live in a map value, one
// per CPU, instead of on the 512-byte BPF stack. Each probe has its own map,
// so probes that interrupt one another on a CPU never share bytes, and the
// kernel never runs one program twice at once on a CPU.
#include "codegen/lowering.h"

namespace sonde::codegen {

llvm::Value* ProbeLowering::memory_slot(uint32_t size, const char* name) {
  const uint32_t aligned = (size + 7) & ~7u;
  if (aligned <= program_.config.on_stack_limit) {
    return stack_slot(size, name);
  }
  if (scratch_placeholder_ == nullptr) {
    // Replaced by the real map in declare_scratch_map().
    scratch_placeholder_ = new llvm::GlobalVariable(
        builder_.module(), ir_.getInt8Ty(), /*isConstant=*/false,
        llvm::GlobalValue::PrivateLinkage, ir_.getInt8(0),
        instance_.function_name + "_scratch.pending");
  }
  if (scratch_frame_.ready == nullptr) {
    // lookup: find the map value, or end the probe when there is none;
    // ready: every slot's address, computed once.
    scratch_frame_.lookup = block("scratch.lookup");
    scratch_frame_.ready = block("scratch.ready");
    llvm::IRBuilder<> lookup(scratch_frame_.lookup);
    lookup.SetCurrentDebugLocation(ir_.getCurrentDebugLocation());
    // One element per CPU of a plain array: a per-CPU value may not pass
    // 32 KiB, an array element may.
    llvm::Value* key = stack_slot(4, "scratch.key");
    llvm::Value* cpu =
        builder_.call_helper(lookup, BPF_FUNC_get_smp_processor_id, {});
    lookup.CreateStore(lookup.CreateTrunc(cpu, lookup.getInt32Ty()), key);
    llvm::Value* found = builder_.call_helper(lookup, BPF_FUNC_map_lookup_elem,
                                              {scratch_placeholder_, key});
    llvm::BasicBlock* missing = block("scratch.missing");
    lookup.CreateCondBr(lookup.CreateICmpNE(found, lookup.getInt64(0)),
                        scratch_frame_.ready, missing);
    lookup.SetInsertPoint(missing);
    lookup.CreateRet(function_->getReturnType()->isIntegerTy(64)
                         ? lookup.getInt64(0)
                         : lookup.getInt32(0));
    llvm::IRBuilder<> ready(scratch_frame_.ready);
    scratch_frame_.base = ready.CreateIntToPtr(found, ready.getPtrTy());
    // Map values are 8-byte aligned: clears and copies use 8-byte stores.
    ready.CreateAlignmentAssumption(builder_.module().getDataLayout(),
                                    scratch_frame_.base, 8);
  }
  llvm::IRBuilder<> ready(scratch_frame_.ready);
  llvm::Value* slot = ready.CreateConstInBoundsGEP1_32(
      ready.getInt8Ty(), scratch_frame_.base, scratch_used_, name);
  scratch_used_ += aligned;
  return slot;
}

llvm::BasicBlock* ProbeLowering::close_scratch_frame(llvm::BasicBlock* body) {
  ScratchFrame frame = std::exchange(scratch_frame_, {});
  if (frame.ready == nullptr) {
    return body;
  }
  llvm::IRBuilder<> ready(frame.ready);
  ready.SetCurrentDebugLocation(ir_.getCurrentDebugLocation());
  ready.CreateBr(body);
  return frame.lookup;
}

void ProbeLowering::declare_scratch_map() {
  if (scratch_placeholder_ == nullptr) {
    return;
  }
  llvm::GlobalVariable* map =
      builder_.add_map(instance_.function_name + "_scratch", BPF_MAP_TYPE_ARRAY,
                       resources_.possible_cpus, 4, scratch_used_);
  scratch_placeholder_->replaceAllUsesWith(map);
  scratch_placeholder_->eraseFromParent();
  scratch_placeholder_ = nullptr;
}

} // namespace sonde::codegen
