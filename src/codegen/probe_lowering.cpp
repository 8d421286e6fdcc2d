// SPDX-License-Identifier: Apache-2.0
#include "codegen/lowering.h"

namespace sonde::codegen {

ProbeLowering::ProbeLowering(ModuleBuilder& builder,
                             const ModuleResources& resources,
                             const sema::ProbeInstance& instance)
    : builder_(builder), resources_(resources), program_(resources.program),
      instance_(instance), ir_(builder.context()),
      entry_ir_(builder.context()) {}

llvm::Value* ProbeLowering::helper(uint32_t id) {
  return builder_.call_helper(ir_, id, {});
}

types::AddressSpace ProbeLowering::default_address_space() const {
  probes::ProbeKind kind = instance_.targets.front().kind;
  return kind == probes::ProbeKind::Uprobe ||
                 kind == probes::ProbeKind::Uretprobe ||
                 kind == probes::ProbeKind::Usdt
             ? types::AddressSpace::User
             : types::AddressSpace::Kernel;
}

llvm::Value* ProbeLowering::truth(llvm::Value* value) {
  return ir_.CreateICmpNE(value, ir_.getInt64(0));
}

llvm::BasicBlock* ProbeLowering::block(const char* name) {
  return llvm::BasicBlock::Create(builder_.context(), name, function_);
}

void ProbeLowering::branch_to(llvm::BasicBlock* target) {
  if (ir_.GetInsertBlock()->getTerminator() == nullptr) {
    ir_.CreateBr(target);
  }
}

llvm::Value* ProbeLowering::stack_slot(uint32_t size, const char* name) {
  auto* type = llvm::ArrayType::get(ir_.getInt8Ty(), (size + 7) & ~7u);
  llvm::AllocaInst* slot = entry_ir_.CreateAlloca(type, nullptr, name);
  slot->setAlignment(llvm::Align(8));
  return slot;
}

void ProbeLowering::zero(llvm::Value* slot, uint32_t size) {
  ir_.CreateMemSet(slot, ir_.getInt8(0), size, llvm::MaybeAlign(1));
}

llvm::Value* ProbeLowering::variable_slot(const std::string& name,
                                          const Type& type) {
  auto found = variables_.find(name);
  if (found != variables_.end()) {
    return found->second;
  }
  llvm::Value* slot =
      stack_slot(type.in_memory() ? type.size() : 8, ("var." + name).c_str());
  variables_[name] = slot;
  return slot;
}

uint32_t ProbeLowering::line_of(SourceRange range) const {
  return resources_.source->line_column(range.begin).line;
}

void ProbeLowering::set_location(SourceRange range) {
  LineColumn at = resources_.source->line_column(range.begin);
  ir_.SetCurrentDebugLocation(builder_.location(function_, at.line, at.column));
}

void lower_probe(ModuleBuilder& builder,
                 const ModuleResources& resources,
                 const sema::ProbeInstance& instance) {
  ProbeLowering(builder, resources, instance).lower();
}

} // namespace sonde::codegen
