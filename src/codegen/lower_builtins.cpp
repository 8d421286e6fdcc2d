// SPDX-License-Identifier: Apache-2.0
// Builtin variables and calls, and the records they send to user space.
#include "base/check.h"
#include "codegen/lowering.h"
#include "sema/builtins.h"

#include <linux/bpf.h>

namespace sonde::codegen {

llvm::Value* ProbeLowering::builtin(const ast::Builtin& node) {
  if (std::optional<unsigned> index = sema::register_argument(node.name)) {
    const probes::AttachTarget& target = instance_.targets.front();
    switch (probes::argument_source(target.kind)) {
    case probes::ArgumentSource::Usdt:
      return usdt_argument(target.usdt_arguments.at(*index));
    case probes::ArgumentSource::RawTracepoint:
      // The context is the tracepoint's arguments, one u64 each.
      return register_value(*index * 8);
    case probes::ArgumentSource::Registers:
    case probes::ArgumentSource::None:
      break;
    }
    return register_value(kArgumentRegisters[*index]);
  }
  std::optional<sema::BuiltinVariable> variable =
      sema::find_variable(node.name);
  SONDE_CHECK(variable.has_value(), "unknown builtin after sema");
  switch (*variable) {
  case sema::BuiltinVariable::Pid:
    return pid_in(sema::PidNamespace::Current, /*thread=*/false);
  case sema::BuiltinVariable::Tid:
    return pid_in(sema::PidNamespace::Current, /*thread=*/true);
  case sema::BuiltinVariable::Uid:
    return ir_.CreateAnd(helper(BPF_FUNC_get_current_uid_gid), 0xffffffff);
  case sema::BuiltinVariable::Gid:
    return ir_.CreateLShr(helper(BPF_FUNC_get_current_uid_gid), 32);
  case sema::BuiltinVariable::Nsecs:
    return clock_nanoseconds(sema::ClockMode::Boot);
  case sema::BuiltinVariable::Cpu:
    return helper(BPF_FUNC_get_smp_processor_id);
  case sema::BuiltinVariable::Comm: {
    // The kernel pads the buffer with NULs: no zeroing needed.
    llvm::Value* slot = memory_slot(16, "comm");
    builder_.call_helper(ir_, BPF_FUNC_get_current_comm,
                         {slot, ir_.getInt64(16)});
    return slot;
  }
  case sema::BuiltinVariable::Args:
    return instance_.args_registers.empty() ? ctx_ : register_args_record();
  case sema::BuiltinVariable::Ctx:
    return ctx_;
  case sema::BuiltinVariable::Retval:
    return retval();
  case sema::BuiltinVariable::Cpid:
    return ir_.getInt64(program_.child_pid);
  case sema::BuiltinVariable::Curtask:
    return helper(BPF_FUNC_get_current_task);
  case sema::BuiltinVariable::Kstack:
  case sema::BuiltinVariable::Ustack:
  case sema::BuiltinVariable::Elapsed:
  case sema::BuiltinVariable::Jiffies:
  case sema::BuiltinVariable::Rand:
  case sema::BuiltinVariable::Cgroup:
  case sema::BuiltinVariable::Numaid:
  case sema::BuiltinVariable::Ncpus:
  case sema::BuiltinVariable::Usermode:
  case sema::BuiltinVariable::Func:
  case sema::BuiltinVariable::Probe:
  case sema::BuiltinVariable::Probetype:
  case sema::BuiltinVariable::Username:
    return builtin_variable(node, *variable);
  case sema::BuiltinVariable::Config:
    return config_record(program_.type_of(&node));
  case sema::BuiltinVariable::DefaultStrLength:
  case sema::BuiltinVariable::Arch:
  case sema::BuiltinVariable::SafeMode:
    // Compile-time constants, lowered from the program's constant tables.
    SONDE_CHECK(false, "constant builtin without a value");
  }
  return nullptr;
}

llvm::Value* ProbeLowering::retval() {
  if (probes::retval_source(instance_.targets.front().kind) !=
      probes::RetvalSource::FunctionReturn) {
    return register_value(kReturnRegister);
  }
  // fexit: the value sits after the arguments in the context, whose count
  // only BTF knows; bpf_get_func_ret finds it.
  llvm::Value* slot = memory_slot(8, "retval");
  ir_.CreateStore(ir_.getInt64(0), slot);
  builder_.call_helper(ir_, BPF_FUNC_get_func_ret, {ctx_, slot});
  return ir_.CreateLoad(ir_.getInt64Ty(), slot);
}

llvm::Value* ProbeLowering::register_value(uint32_t offset) {
  return ir_.CreateLoad(ir_.getInt64Ty(), field_at(ctx_, offset));
}

llvm::Value*
ProbeLowering::usdt_argument(const probes::UsdtArgument& argument) {
  using Kind = probes::UsdtArgument::Kind;
  llvm::Value* raw = nullptr;
  switch (argument.kind) {
  case Kind::Constant:
    return ir_.getInt64(argument.value);
  case Kind::Register:
    raw = ir_.CreateLShr(register_value(argument.base_offset), argument.shift);
    break;
  case Kind::Memory: {
    llvm::Value* address = ir_.CreateAdd(register_value(argument.base_offset),
                                         ir_.getInt64(argument.value));
    if (argument.has_index) {
      address = ir_.CreateAdd(
          address, ir_.CreateMul(register_value(argument.index_offset),
                                 ir_.getInt64(argument.scale)));
    }
    llvm::Value* slot = memory_slot(8, "usdt.arg");
    ir_.CreateStore(ir_.getInt64(0), slot);
    builder_.call_helper(ir_, BPF_FUNC_probe_read_user,
                         {slot, ir_.getInt64(argument.size),
                          ir_.CreateIntToPtr(address, ir_.getPtrTy())});
    raw = ir_.CreateLoad(ir_.getInt64Ty(), slot);
    break;
  }
  case Kind::Unsupported:
    SONDE_CHECK(false, "sema rejects unsupported USDT arguments");
  }
  if (argument.size >= 8) {
    return raw;
  }
  llvm::Value* narrow = ir_.CreateTrunc(raw, ir_.getIntNTy(argument.size * 8));
  return argument.is_signed ? ir_.CreateSExt(narrow, ir_.getInt64Ty())
                            : ir_.CreateZExt(narrow, ir_.getInt64Ty());
}

llvm::Value* ProbeLowering::call(const ast::Call& node) {
  std::optional<sema::FunctionSignature> signature =
      sema::find_function(node.callee);
  SONDE_CHECK(signature.has_value(), "unknown function after sema");
  switch (signature->function) {
  case sema::BuiltinFunction::Printf:
    emit_printf(node);
    return nullptr;
  case sema::BuiltinFunction::Str:
    return read_string(node);
  case sema::BuiltinFunction::Exit: {
    llvm::Value* code =
        node.args.empty() ? ir_.getInt64(0) : expr(node.args[0]);
    emit_exit(code);
    return nullptr;
  }
  case sema::BuiltinFunction::Delete:
    return delete_key(node);
  case sema::BuiltinFunction::Clear:
    map_operation(node, EventKind::MapClear);
    return nullptr;
  case sema::BuiltinFunction::Zero:
    map_operation(node, EventKind::MapZero);
    return nullptr;
  case sema::BuiltinFunction::Print:
    if (program_.print_value_ids.count(&node) != 0) {
      print_value(node);
    } else {
      map_operation(node, EventKind::MapPrint);
    }
    return nullptr;
    // The aggregations (types/map_kinds.def) are lowered by assign_map; a
    // bare call was rejected by sema.
#define AGGREGATION(Enum, Name) case sema::BuiltinFunction::Enum:
#include "types/map_kinds.def"
    SONDE_CHECK(false, "aggregation outside a map assignment");
  case sema::BuiltinFunction::Len:
    // len(@m) leaves its map untyped; len(kstack) types its stack.
    if (auto arg = program_.expr_types.find(node.args[0]);
        arg != program_.expr_types.end() && arg->second.is_stack()) {
      return stack_length(node);
    }
    return builtin_call(node, signature->function);
  case sema::BuiltinFunction::HasKey:
  case sema::BuiltinFunction::Kstack:
  case sema::BuiltinFunction::Ustack:
  case sema::BuiltinFunction::Ksym:
  case sema::BuiltinFunction::Usym:
  case sema::BuiltinFunction::Ntop:
  case sema::BuiltinFunction::Macaddr:
  case sema::BuiltinFunction::Strftime:
  case sema::BuiltinFunction::CgroupPath:
  case sema::BuiltinFunction::Time:
  case sema::BuiltinFunction::Cat:
  case sema::BuiltinFunction::System:
  case sema::BuiltinFunction::Errorf:
  case sema::BuiltinFunction::Warnf:
  case sema::BuiltinFunction::Join:
  case sema::BuiltinFunction::Kaddr:
  case sema::BuiltinFunction::Uaddr:
  case sema::BuiltinFunction::Pton:
  case sema::BuiltinFunction::Cgroupid:
  case sema::BuiltinFunction::Reg:
  case sema::BuiltinFunction::Bswap:
  case sema::BuiltinFunction::Kptr:
  case sema::BuiltinFunction::Uptr:
  case sema::BuiltinFunction::Signal:
  case sema::BuiltinFunction::Override:
    return builtin_call(node, signature->function);
  case sema::BuiltinFunction::Strncmp:
  case sema::BuiltinFunction::Buf:
    return string_function(node, signature->function);
  case sema::BuiltinFunction::Path:
    return kernel_path(node);
  case sema::BuiltinFunction::Strerror:
  case sema::BuiltinFunction::SignalName:
  case sema::BuiltinFunction::SyscallName:
  case sema::BuiltinFunction::Getopt:
  case sema::BuiltinFunction::Fail:
  case sema::BuiltinFunction::StaticAssert:
  case sema::BuiltinFunction::Assert:
  case sema::BuiltinFunction::Debugf:
  case sema::BuiltinFunction::SignalThread:
  case sema::BuiltinFunction::WriteUser:
  case sema::BuiltinFunction::Unwatch:
  case sema::BuiltinFunction::PercpuKaddr:
  case sema::BuiltinFunction::SocketCookie:
    return control_function(node, signature->function);
  case sema::BuiltinFunction::Strlen:
  case sema::BuiltinFunction::Strstr:
  case sema::BuiltinFunction::Memcmp:
  case sema::BuiltinFunction::StrConcat:
  case sema::BuiltinFunction::Strcap:
  case sema::BuiltinFunction::AssertStr:
  case sema::BuiltinFunction::IsStr:
  case sema::BuiltinFunction::IsPtr:
  case sema::BuiltinFunction::IsArray:
  case sema::BuiltinFunction::IsInteger:
  case sema::BuiltinFunction::IsUnsignedInteger:
  case sema::BuiltinFunction::IsLiteral:
  case sema::BuiltinFunction::ConfigRecord:
  case sema::BuiltinFunction::ContainerOf:
    return more_string_function(node, signature->function);
  case sema::BuiltinFunction::NsecsOf:
  case sema::BuiltinFunction::PidOf:
  case sema::BuiltinFunction::TidOf:
    return variable_with_mode(node, signature->function);
  case sema::BuiltinFunction::TaskFromPid:
    return task_from_pid(node);
  }
  return nullptr;
}

void ProbeLowering::print_value(const ast::Call& node) {
  uint32_t id = program_.print_value_ids.at(&node);
  const PrintValueMeta& meta = resources_.metadata.print_values[id];
  uint32_t size = sizeof(EventHeader) + slot_size(meta.type);
  llvm::Value* record = memory_slot(size, "print");
  store_header(record, EventKind::PrintValue, ir_.getInt32(id));
  store_expr(node.args[0], record, {meta.type, sizeof(EventHeader)});
  output(record, size, 0);
}

llvm::Value* ProbeLowering::read_string(const ast::Call& node) {
  const Type& type = program_.type_of(&node);
  if (auto text = program_.positional_strings.find(&node);
      text != program_.positional_strings.end()) {
    return string_literal(text->second);
  }
  if (program_.type_of(node.args[0]).is_string()) {
    return expr(node.args[0]);
  }
  llvm::Value* slot = memory_slot(type.size(), "str");
  zero(slot, type.size());
  read_string_into(node, slot, type.size());
  return slot;
}

void ProbeLowering::read_string_into(const ast::Call& node,
                                     llvm::Value* dest,
                                     uint32_t bound) {
  const Type& source_type = program_.type_of(node.args[0]);
  llvm::Value* address = expr(node.args[0]);
  llvm::Value* size = ir_.getInt64(bound);
  // Whether the bound, not str(p, n)'s n, limits the string.
  llvm::Value* bounded = ir_.getTrue();
  if (node.args.size() > 1) {
    // str(p, n) copies at most n - 1 characters and a NUL, within the
    // string bound.
    llvm::Value* limit = expr(node.args[1]);
    bounded = ir_.CreateICmpUGT(limit, size);
    size = ir_.CreateSelect(bounded, size, limit);
  }
  // A pointer knows its address space; a plain integer (arg0 in a
  // uprobe) points where the probe runs.
  types::AddressSpace space = source_type.is_pointer()
                                  ? source_type.address_space()
                                  : default_address_space();
  const bool user = space == types::AddressSpace::User;
  llvm::Value* source = ir_.CreateIntToPtr(address, ir_.getPtrTy());
  llvm::Value* copied = builder_.call_helper(
      ir_, user ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str,
      {dest, size, source});
  if (bound == 0) {
    return;
  }
  // The kernel keeps the buffer's last byte for the NUL. A string that
  // reached it gets the source's byte there instead: a string as long as
  // the bound then fills it, with no NUL, and one longer is cut short,
  // which output marks with str_trunc_trailer. The byte is the NUL itself
  // when the string has exactly bound - 1 characters.
  llvm::BasicBlock* last = block("str.last");
  llvm::BasicBlock* done = block("str.done");
  ir_.CreateCondBr(
      ir_.CreateAnd(ir_.CreateICmpEQ(copied, ir_.getInt64(bound)), bounded),
      last, done);
  ir_.SetInsertPoint(last);
  builder_.call_helper(
      ir_, user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel,
      {ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), dest, bound - 1),
       ir_.getInt64(1),
       ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), source, bound - 1)});
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
}

void ProbeLowering::emit_printf(const ast::Call& node, EventKind kind) {
  uint32_t id = program_.printf_ids.at(&node);
  const PrintfMeta& meta = resources_.metadata.printfs[id];
  llvm::Value* record = memory_slot(meta.record_size, "printf");
  store_header(record, kind, ir_.getInt32(id));
  for (size_t i = 0; i < meta.args.size(); ++i) {
    const ast::Expr* arg = node.args[i + 1];
    llvm::Value* value = expr(arg);
    llvm::Value* at = ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), record,
                                                     meta.args[i].offset);
    store_value(at, meta.args[i].type, value, program_.type_of(arg));
  }
  output(record, meta.record_size, 0);
}

void ProbeLowering::emit_exit(llvm::Value* code) {
  send_exit(code);
  // In a loop's callback, the probe ends after the loop's helper returns.
  leave_probe();
}

void ProbeLowering::send_exit(llvm::Value* code) {
  llvm::Value* code32 = ir_.CreateTrunc(code, ir_.getInt32Ty());
  if (resources_.exit_status != nullptr) {
    llvm::Value* key = memory_slot(4, "exit.key");
    ir_.CreateStore(ir_.getInt32(0), key);
    llvm::Value* status = builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem,
                                               {resources_.exit_status, key});
    llvm::BasicBlock* store = block("exit.store");
    llvm::BasicBlock* send = block("exit.send");
    ir_.CreateCondBr(ir_.CreateICmpNE(status, ir_.getInt64(0)), store, send);
    ir_.SetInsertPoint(store);
    ir_.CreateStore(ir_.CreateOr(ir_.CreateZExt(code32, ir_.getInt64Ty()),
                                 ir_.getInt64(uint64_t(1) << 32)),
                    ir_.CreateIntToPtr(status, ir_.getPtrTy()));
    ir_.CreateBr(send);
    ir_.SetInsertPoint(send);
  }
  llvm::Value* record = memory_slot(sizeof(EventHeader), "exit");
  store_header(record, EventKind::Exit, code32);
  // The runtime must see exit() at once, not at the next batch wakeup.
  output(record, sizeof(EventHeader), BPF_RB_FORCE_WAKEUP);
}

void ProbeLowering::store_header(llvm::Value* record,
                                 EventKind kind,
                                 llvm::Value* id) {
  ir_.CreateStore(ir_.getInt32(static_cast<uint32_t>(kind)), record);
  ir_.CreateStore(id,
                  ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), record, 4));
}

void ProbeLowering::output(llvm::Value* record, uint32_t size, uint64_t flags) {
  llvm::Value* result = builder_.call_helper(
      ir_, BPF_FUNC_ringbuf_output,
      {resources_.events, record, ir_.getInt64(size), ir_.getInt64(flags)});
  llvm::BasicBlock* lost = block("output.lost");
  llvm::BasicBlock* done = block("output.done");
  ir_.CreateCondBr(ir_.CreateICmpNE(result, ir_.getInt64(0)), lost, done);
  ir_.SetInsertPoint(lost);
  count_in(resources_.lost, 0);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
}

void ProbeLowering::count_in(llvm::GlobalVariable* counters, uint32_t index) {
  llvm::Value* key = memory_slot(4, "counter.key");
  ir_.CreateStore(ir_.getInt32(index), key);
  llvm::Value* counter =
      builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem, {counters, key});
  llvm::BasicBlock* count = block("counter.add");
  llvm::BasicBlock* done = block("counter.done");
  ir_.CreateCondBr(ir_.CreateICmpNE(counter, ir_.getInt64(0)), count, done);
  ir_.SetInsertPoint(count);
  llvm::Value* pointer = ir_.CreateIntToPtr(counter, ir_.getPtrTy());
  ir_.CreateStore(
      ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), pointer), ir_.getInt64(1)),
      pointer);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
}

} // namespace sonde::codegen
