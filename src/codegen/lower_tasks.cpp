// SPDX-License-Identifier: Apache-2.0
// task_from_pid(pid): the task with a pid in the initial pid namespace, or
// 0, through the kernel's bpf_task_from_pid and bpf_task_release kfuncs.
#include "codegen/lowering.h"

namespace sonde::codegen {

llvm::Value* ProbeLowering::task_from_pid(const ast::Call& node) {
  llvm::Function* from_pid =
      builder_.kernel_function("bpf_task_from_pid", "PS", {"I"});
  llvm::Function* release =
      builder_.kernel_function("bpf_task_release", "V", {"PS"});
  llvm::Value* pid = ir_.CreateTrunc(expr(node.args[0]), ir_.getInt32Ty());
  llvm::Value* task = ir_.CreateCall(from_pid, {pid}, "task");
  llvm::BasicBlock* found = block("task.found");
  llvm::BasicBlock* done = block("task.done");
  ir_.CreateCondBr(ir_.CreateIsNotNull(task), found, done);
  // The reference is dropped at once: the verifier wants it released
  // before the program ends, and the address stays good until then. The
  // program runs inside an RCU read-side section (tracepoint, perf-event
  // and tracing programs all do), and a task found by its pid is freed
  // only after a grace period that waits for this program, so reads
  // through the address (bpf_probe_read_kernel) see the live task.
  ir_.SetInsertPoint(found);
  ir_.CreateCall(release, {task});
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  return ir_.CreatePtrToInt(task, ir_.getInt64Ty());
}

} // namespace sonde::codegen
