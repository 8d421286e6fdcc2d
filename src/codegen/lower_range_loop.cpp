// SPDX-License-Identifier: Apache-2.0
// `for ($i : start..end)` whose count the verifier cannot bound (a bound
// read at run time) or would walk too long (a large constant count): the
// body becomes a static callback that bpf_loop calls once per value, with
// the probe's variables reached as in a map loop (lower_map_loop.cpp).
#include "codegen/lowering.h"

namespace sonde::codegen {

namespace {

// bpf_loop takes a u32 count; it refuses more than 1 << 23 and runs none.
constexpr uint64_t kMaxLoopCount = UINT32_MAX;

} // namespace

void ProbeLowering::lower_range_callback(const ast::ForRange& loop) {
  const Type& type = program_.type_of(loop.var);
  llvm::Value* first = expr(loop.start);
  llvm::Value* end = expr(loop.end);
  CallbackLoop context = callback_loop_context(loop.var->name, 8);
  ir_.CreateStore(first, context.extra);
  // end - start values when end is past start, none otherwise.
  llvm::Value* some = type.is_signed() ? ir_.CreateICmpSLT(first, end)
                                       : ir_.CreateICmpULT(first, end);
  llvm::Value* count =
      ir_.CreateSelect(some, ir_.CreateSub(end, first), ir_.getInt64(0));
  count =
      ir_.CreateSelect(ir_.CreateICmpUGT(count, ir_.getInt64(kMaxLoopCount)),
                       ir_.getInt64(kMaxLoopCount), count);

  llvm::Function* callback = builder_.add_loop_callback_function(
      instance_.function_name + "_loop" + std::to_string(++callbacks_),
      line_of(loop.range()));
  // $i = start + index.
  auto prologue = [&](llvm::Value* extra) {
    llvm::Value* counter = variable_slot(loop.var->name, type);
    ir_.CreateStore(ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), extra),
                                  ir_.CreatePtrToInt(callback->getArg(0),
                                                     ir_.getInt64Ty())),
                    counter);
  };
  lower_callback_body(context, callback, callback->getArg(1), loop.range(),
                      prologue, *loop.body);
  builder_.call_helper(ir_, BPF_FUNC_loop,
                       {count, callback, context.context, ir_.getInt64(0)});
  leave_if_returned(context);
}

} // namespace sonde::codegen
