// SPDX-License-Identifier: Apache-2.0
// `for ($kv : @map) { body }`: the body becomes a static callback called by
// bpf_for_each_map_elem for every element. The probe's variables stay in
// the probe's frame; the callback reaches them through a context array of
// pointers to their slots. Range loops run by bpf_loop
// (lower_range_loop.cpp) share the machinery.
#include "codegen/lowering.h"

#include <functional>
#include <utility>

namespace sonde::codegen {

void ProbeLowering::lower_for_map(const ast::ForMap& loop) {
  uint32_t index = program_.map_index(loop.map->name);
  const MapMeta& map = resources_.metadata.maps[index];
  llvm::GlobalVariable* global = resources_.maps[index];
  CallbackLoop context = callback_loop_context(loop.var->name, 0);
  llvm::Function* callback = builder_.add_callback_function(
      instance_.function_name + "_loop" + std::to_string(++callbacks_),
      line_of(loop.range()));
  // $kv = (key, value).
  auto prologue = [&](llvm::Value*) {
    llvm::Value* key = callback->getArg(1);
    llvm::Value* value = callback->getArg(2);
    const Type& pair = program_.type_of(loop.var);
    llvm::Value* kv = variable_slot(loop.var->name, pair);
    zero(kv, pair.size());
    const types::Field& key_field = pair.fields()[0];
    const types::Field& value_field = pair.fields()[1];
    llvm::Value* key_at =
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), kv, key_field.offset);
    const std::vector<Type>& keys = map.shape.key_types;
    if (keys.size() == 1) {
      store_value(key_at, *key_field.type, load_from(key, keys[0]), keys[0],
                  /*packed=*/true);
    } else {
      // Several keys: the map's key layout to the tuple's.
      for (size_t i = 0; i < keys.size(); ++i) {
        ValueLayout part = map.key_field(i);
        const types::Field& element = key_field.type->fields()[i];
        store_value(ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), key_at,
                                                   element.offset),
                    *element.type,
                    load_from(ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(),
                                                             key, part.offset),
                              part.type),
                    part.type, /*packed=*/true);
      }
    }
    llvm::Value* element_value = map.shape.is_aggregation()
                                     ? read_aggregate(global, key, map)
                                     : load_from(value, map.shape.value_type);
    store_value(
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), kv, value_field.offset),
        *value_field.type, element_value, *value_field.type, /*packed=*/true);
  };
  lower_callback_body(context, callback, callback->getArg(3), loop.range(),
                      prologue, *loop.body);
  builder_.call_helper(ir_, BPF_FUNC_for_each_map_elem,
                       {global, callback, context.context, ir_.getInt64(0)});
  leave_if_returned(context);
}

ProbeLowering::CallbackLoop
ProbeLowering::callback_loop_context(const std::string& loop_var,
                                     uint32_t extra_size) {
  CallbackLoop loop;
  // The context: one pointer per variable slot of the probe.
  for (const auto& [name, type] : program_.variables.at(instance_.probe)) {
    if (name != loop_var && !type.is_none()) {
      loop.shared.push_back({name, type});
    }
  }
  // After the pointers, the flag a `return` in the body sets, the probe's
  // context (for args, argN, ...), then the loop's own values.
  const uint32_t pointers = 8 * loop.shared.size();
  loop.context =
      stack_slot(pointers + 16 + ((extra_size + 7) & ~7u), "loop.ctx");
  loop.returned =
      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), loop.context, pointers);
  loop.extra = ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), loop.context,
                                              pointers + 16);
  ir_.CreateStore(ir_.getInt64(0), loop.returned);
  ir_.CreateStore(ctx_, ir_.CreateConstInBoundsGEP1_32(
                            ir_.getInt8Ty(), loop.context, pointers + 8));
  for (size_t i = 0; i < loop.shared.size(); ++i) {
    ir_.CreateStore(
        variable_slot(loop.shared[i].first, loop.shared[i].second),
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), loop.context, 8 * i));
  }
  return loop;
}

void ProbeLowering::lower_callback_body(
    const CallbackLoop& loop,
    llvm::Function* callback,
    llvm::Value* callback_context,
    SourceRange range,
    const std::function<void(llvm::Value*)>& prologue,
    const ast::Block& body) {
  // The callback, lowered with this object's state pointed at it.
  llvm::Function* saved_function = function_;
  llvm::BasicBlock* saved_block = ir_.GetInsertBlock();
  llvm::DebugLoc saved_location = ir_.getCurrentDebugLocation();
  llvm::BasicBlock* saved_entry = entry_ir_.GetInsertBlock();
  llvm::DebugLoc saved_entry_location = entry_ir_.getCurrentDebugLocation();
  std::map<std::string, llvm::Value*> saved_variables = std::move(variables_);
  auto saved_loops = std::move(loops_);
  // The callback's own variables ($kv, $i) live on its stack.
  llvm::Value* saved_base = std::exchange(variables_base_, nullptr);
  ScratchFrame saved_scratch = std::exchange(scratch_frame_, {});
  variables_.clear();
  loops_.clear();
  llvm::Value* saved_returned = loop_returned_;
  llvm::Value* saved_ctx = ctx_;

  function_ = callback;
  llvm::BasicBlock* entry = block("entry");
  llvm::BasicBlock* start = block("body");
  entry_ir_.SetInsertPoint(entry);
  ir_.SetInsertPoint(start);
  set_location(range);
  entry_ir_.SetCurrentDebugLocation(ir_.getCurrentDebugLocation());
  const uint32_t pointers = 8 * loop.shared.size();
  for (size_t i = 0; i < loop.shared.size(); ++i) {
    variables_[loop.shared[i].first] = ir_.CreateLoad(
        ir_.getPtrTy(), ir_.CreateConstInBoundsGEP1_32(
                            ir_.getInt8Ty(), callback_context, 8 * i));
  }
  loop_returned_ = ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(),
                                                  callback_context, pointers);
  ctx_ = ir_.CreateLoad(ir_.getPtrTy(),
                        ir_.CreateConstInBoundsGEP1_32(
                            ir_.getInt8Ty(), callback_context, pointers + 8));
  prologue(ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), callback_context,
                                          pointers + 16));

  // continue: the next iteration (return 0); break: stop (return 1).
  llvm::BasicBlock* next = block("loop.next");
  llvm::BasicBlock* stop = block("loop.stop");
  loops_.push_back({next, stop});
  lower_block(body);
  branch_to(next);
  ir_.SetInsertPoint(next);
  ir_.CreateRet(ir_.getInt64(0));
  ir_.SetInsertPoint(stop);
  ir_.CreateRet(ir_.getInt64(1));
  entry_ir_.SetCurrentDebugLocation(ir_.getCurrentDebugLocation());
  entry_ir_.CreateBr(close_scratch_frame(start));

  function_ = saved_function;
  scratch_frame_ = saved_scratch;
  variables_ = std::move(saved_variables);
  loops_ = std::move(saved_loops);
  variables_base_ = saved_base;
  loop_returned_ = saved_returned;
  ctx_ = saved_ctx;
  entry_ir_.SetInsertPoint(saved_entry);
  entry_ir_.SetCurrentDebugLocation(saved_entry_location);
  ir_.SetInsertPoint(saved_block);
  ir_.SetCurrentDebugLocation(saved_location);
}

void ProbeLowering::leave_if_returned(const CallbackLoop& loop) {
  // A `return` or exit() in the body leaves the probe.
  llvm::BasicBlock* leave = block("loop.return");
  llvm::BasicBlock* after = block("loop.after");
  ir_.CreateCondBr(
      ir_.CreateICmpNE(ir_.CreateLoad(ir_.getInt64Ty(), loop.returned),
                       ir_.getInt64(0)),
      leave, after);
  ir_.SetInsertPoint(leave);
  leave_probe();
  ir_.SetInsertPoint(after);
}

} // namespace sonde::codegen
