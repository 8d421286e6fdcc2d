// SPDX-License-Identifier: Apache-2.0
// strerror, signal_name, syscall_name (numbers named in user space),
// getopt (constants), assert, debugf, signal_thread, write_user, unwatch,
// percpu_kaddr and socket_cookie. fail() and static_assert() are compile
// time only.
#include "base/check.h"
#include "codegen/lowering.h"
#include "sema/builtins.h"

#include <linux/bpf.h>

namespace sonde::codegen {

llvm::Value* ProbeLowering::control_function(const ast::Call& node,
                                             sema::BuiltinFunction function) {
  switch (function) {
  case sema::BuiltinFunction::Strerror:
  case sema::BuiltinFunction::SignalName:
  case sema::BuiltinFunction::SyscallName:
    // The number itself; output/names.cpp names it.
    return expr(node.args[0]);
  case sema::BuiltinFunction::Getopt:
    if (auto text = program_.getopt_strings.find(&node);
        text != program_.getopt_strings.end()) {
      return string_literal(text->second);
    }
    return ir_.getInt64(program_.constants.at(&node));
  case sema::BuiltinFunction::Fail:
  case sema::BuiltinFunction::StaticAssert:
    return nullptr;
  case sema::BuiltinFunction::Assert:
    return lower_assert(node);
  case sema::BuiltinFunction::Debugf:
    return lower_debugf(node);
  case sema::BuiltinFunction::SignalThread: {
    llvm::Value* number = nullptr;
    if (const auto* literal = ast::dyn_cast<ast::StringLiteral>(node.args[0])) {
      number = ir_.getInt64(*sema::signal_number(literal->value));
    } else {
      number = expr(node.args[0]);
    }
    builder_.call_helper(ir_, BPF_FUNC_send_signal_thread,
                         {ir_.CreateTrunc(number, ir_.getInt32Ty())});
    return nullptr;
  }
  case sema::BuiltinFunction::WriteUser:
    return lower_write_user(node);
  case sema::BuiltinFunction::Unwatch: {
    // The runtime detaches the watchpoints on this address.
    uint32_t size = sizeof(EventHeader) + 8;
    llvm::Value* record = memory_slot(size, "unwatch");
    store_header(record, EventKind::Unwatch, ir_.getInt32(0));
    ir_.CreateStore(expr(node.args[0]), field_at(record, sizeof(EventHeader)));
    output(record, size, 0);
    return nullptr;
  }
  case sema::BuiltinFunction::PercpuKaddr:
    return lower_percpu_kaddr(node);
  case sema::BuiltinFunction::SocketCookie:
    // The kernel checks that the argument is a BTF-typed socket pointer
    // (an fentry argument).
    return builder_.call_helper(ir_, BPF_FUNC_get_socket_cookie,
                                {expr(node.args[0])});
  default:
    SONDE_CHECK(false, "control_function called for another builtin");
  }
  return nullptr;
}

llvm::Value* ProbeLowering::lower_assert(const ast::Call& node) {
  llvm::Value* holds = expr(node.args[0]);
  llvm::BasicBlock* failed = block("assert.failed");
  llvm::BasicBlock* done = block("assert.done");
  ir_.CreateCondBr(ir_.CreateICmpNE(holds, ir_.getInt64(0)), done, failed);
  ir_.SetInsertPoint(failed);
  // An error with the script location, then exit(1).
  emit_printf(node, EventKind::Errorf);
  if (ir_.GetInsertBlock()->getParent()->getReturnType()->isIntegerTy(32)) {
    emit_exit(ir_.getInt64(1));
  } else {
    // In a map loop's callback: the same exit record, and 1 stops the
    // iteration.
    send_exit(ir_.getInt64(1));
    ir_.CreateRet(ir_.getInt64(1));
  }
  ir_.SetInsertPoint(done);
  return nullptr;
}

llvm::Value* ProbeLowering::lower_debugf(const ast::Call& node) {
  const auto* format = static_cast<const ast::StringLiteral*>(node.args[0]);
  std::vector<llvm::Value*> args = {string_literal(format->value),
                                    ir_.getInt64(format->value.size() + 1)};
  // Integers as 64-bit values; strings as the address of their bytes,
  // which the kernel reads for %s.
  for (size_t i = 1; i < node.args.size(); ++i) {
    llvm::Value* value = expr(node.args[i]);
    args.push_back(program_.type_of(node.args[i]).in_memory()
                       ? ir_.CreatePtrToInt(value, ir_.getInt64Ty())
                       : value);
  }
  builder_.call_helper(ir_, BPF_FUNC_trace_printk, args);
  return nullptr;
}

llvm::Value* ProbeLowering::lower_write_user(const ast::Call& node) {
  llvm::Value* destination =
      ir_.CreateIntToPtr(expr(node.args[0]), ir_.getPtrTy());
  const Type& source_type = program_.type_of(node.args[1]);
  llvm::Value* source = expr(node.args[1]);
  if (!source_type.in_memory()) {
    llvm::Value* slot = memory_slot(8, "write_user.src");
    ir_.CreateStore(source, slot);
    source = slot;
  } else if (source_type.is_buffer()) {
    source = field_at(source, 4); // After the u32 length.
  }
  uint64_t length = program_.constants.at(node.args[2]);
  llvm::Value* result =
      builder_.call_helper(ir_, BPF_FUNC_probe_write_user,
                           {destination, source, ir_.getInt64(length)});
  return ir_.CreateZExt(ir_.CreateICmpEQ(result, ir_.getInt64(0)),
                        ir_.getInt64Ty());
}

llvm::Value* ProbeLowering::lower_percpu_kaddr(const ast::Call& node) {
  const auto* name = static_cast<const ast::StringLiteral*>(node.args[0]);
  llvm::GlobalVariable* variable =
      builder_.module().getNamedGlobal(name->value);
  if (variable == nullptr) {
    variable = builder_.add_kernel_variable(name->value,
                                            program_.percpu_shapes.at(&node));
  }
  if (node.args.size() == 1) {
    return builder_.call_helper(ir_, BPF_FUNC_this_cpu_ptr, {variable});
  }
  // NULL when the CPU does not exist.
  return builder_.call_helper(
      ir_, BPF_FUNC_per_cpu_ptr,
      {variable, ir_.CreateTrunc(expr(node.args[1]), ir_.getInt32Ty())});
}

} // namespace sonde::codegen
