// SPDX-License-Identifier: Apache-2.0
#include "codegen/lowering.h"

#include <linux/bpf.h>

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
  return probes::traits(instance_.targets.front().kind).space;
}

void ProbeLowering::emit_probe_guards() {
  probes::ProbeKind kind = instance_.targets.front().kind;
  llvm::Value* skip_if = nullptr;
  // Kernel probes fire for every process; with `-p` they are limited to
  // the traced one, as bpftrace does. Iterators are not guarded (their Pid
  // is None): the body also runs on the call that ends the iteration,
  // whose objects are null (`if (ctx.task)`), as in bpftrace.
  if (program_.target_pid > 0 &&
      probes::traits(kind).pid == probes::PidFilter::Guard) {
    llvm::Value* pid =
        ir_.CreateLShr(helper(BPF_FUNC_get_current_pid_tgid), 32);
    skip_if = ir_.CreateICmpNE(pid, ir_.getInt64(program_.target_pid));
  }
  if (skip_if == nullptr) {
    return;
  }
  llvm::BasicBlock* run = block("guard.run");
  llvm::BasicBlock* skip = block("guard.skip");
  ir_.CreateCondBr(skip_if, skip, run);
  ir_.SetInsertPoint(skip);
  ir_.CreateRet(ir_.getInt32(0));
  ir_.SetInsertPoint(run);
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

// Clears and copies up to this size become inline stores; the BPF backend
// cannot expand larger ones, which become one helper call instead.
constexpr uint32_t kInlineMemoryBytes = 128;

void ProbeLowering::zero(llvm::Value* slot, uint32_t size) {
  zero_with(ir_, slot, size);
}

void ProbeLowering::zero_with(llvm::IRBuilder<>& at,
                              llvm::Value* slot,
                              uint32_t size) {
  if (size <= kInlineMemoryBytes) {
    at.CreateMemSet(slot, at.getInt8(0), size, llvm::MaybeAlign(1));
    return;
  }
  // bpf_probe_read_kernel clears its destination when the source cannot
  // be read, and address 0 never can.
  builder_.call_helper(
      at, BPF_FUNC_probe_read_kernel,
      {slot, at.getInt64(size), llvm::ConstantPointerNull::get(at.getPtrTy())});
}

void ProbeLowering::copy(llvm::Value* to, llvm::Value* from, uint32_t size) {
  if (size <= kInlineMemoryBytes) {
    ir_.CreateMemCpy(to, llvm::MaybeAlign(1), from, llvm::MaybeAlign(1), size);
    return;
  }
  builder_.call_helper(ir_, BPF_FUNC_probe_read_kernel,
                       {to, ir_.getInt64(size), from});
}

llvm::Value* ProbeLowering::variable_slot(const std::string& name,
                                          const Type& type) {
  auto found = variables_.find(name);
  if (found != variables_.end()) {
    return found->second;
  }
  const uint32_t size = type.in_memory() ? (type.size() + 7) & ~7u : 8;
  llvm::Value* slot = nullptr;
  if (variables_base_ != nullptr) {
    // Right after the base is found, which dominates the whole body: the
    // first use may be in a branch, and later uses outside it.
    auto* base = llvm::cast<llvm::Instruction>(variables_base_);
    llvm::IRBuilder<> at(base->getParent(), ++base->getIterator());
    slot = at.CreateConstInBoundsGEP1_32(at.getInt8Ty(), variables_base_,
                                         variables_used_);
    variables_used_ += size;
    SONDE_CHECK(variables_used_ <= variables_size_, "variables fit");
  } else {
    slot = memory_slot(size, ("var." + name).c_str());
    // A variable reads as zero until assigned, on every run: cleared where
    // its slot is made, which runs before anything else in the function.
    auto* made = llvm::dyn_cast<llvm::Instruction>(slot);
    llvm::IRBuilder<> at(made != nullptr && !llvm::isa<llvm::AllocaInst>(made)
                             ? made->getParent()
                             : entry_ir_.GetInsertBlock());
    at.SetCurrentDebugLocation(ir_.getCurrentDebugLocation());
    zero_with(at, slot, size);
  }
  variables_[name] = slot;
  return slot;
}

namespace {

// A map loop, or a range loop run by bpf_loop: a loop whose body is a
// callback.
bool contains_callback_loop(const sema::CheckedProgram& program,
                            ast::Node* node) {
  if (node->kind() == ast::NodeKind::ForMap ||
      (node->kind() == ast::NodeKind::ForRange &&
       program.callback_range_loops.contains(
           static_cast<const ast::ForRange*>(node)))) {
    return true;
  }
  std::vector<ast::Node*> children;
  ast::collect_children(node, children);
  for (ast::Node* child : children) {
    if (contains_callback_loop(program, child)) {
      return true;
    }
  }
  return false;
}

} // namespace

void ProbeLowering::place_variables_in_scratch_map() {
  // A loop's callback reaches the probe's variables through pointers. On
  // the stack, the verifier tracks their exact values through every
  // iteration and never converges; in a per-CPU map value it does not.
  if (!contains_callback_loop(program_,
                              const_cast<ast::Probe*>(instance_.probe))) {
    return;
  }
  variables_size_ = 0;
  for (const auto& [name, type] : program_.variables.at(instance_.probe)) {
    variables_size_ += type.in_memory() ? (type.size() + 7) & ~7u : 8;
  }
  if (variables_size_ == 0) {
    return;
  }
  llvm::GlobalVariable* scratch =
      builder_.add_map(instance_.function_name + "_vars",
                       BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4, variables_size_);
  llvm::Value* key = stack_slot(4, "vars.key");
  ir_.CreateStore(ir_.getInt32(0), key);
  llvm::Value* found =
      builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem, {scratch, key});
  llvm::BasicBlock* ready = block("vars.ready");
  llvm::BasicBlock* missing = block("vars.missing");
  ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), ready, missing);
  ir_.SetInsertPoint(missing);
  ir_.CreateRet(ir_.getInt32(0));
  ir_.SetInsertPoint(ready);
  variables_base_ = ir_.CreateIntToPtr(found, ir_.getPtrTy());
  // Variables read as zero until assigned, on every run of the probe.
  zero(variables_base_, variables_size_);
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
