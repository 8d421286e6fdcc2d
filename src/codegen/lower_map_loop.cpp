// SPDX-License-Identifier: Apache-2.0
// `for ($kv : @map) { body }`: the body becomes a static callback called by
// bpf_for_each_map_elem for every element. The probe's variables stay in
// the probe's stack frame; the callback reaches them through a context
// array of pointers to their slots.
#include "codegen/lowering.h"

#include <utility>

namespace sonde::codegen {

void ProbeLowering::lower_for_map(const ast::ForMap& loop) {
  uint32_t index = program_.map_index(loop.map->name);
  const MapMeta& map = resources_.metadata.maps[index];
  llvm::GlobalVariable* global = resources_.maps[index];

  // The context: one pointer per variable slot of the probe.
  std::vector<std::pair<std::string, Type>> shared;
  for (const auto& [name, type] : program_.variables.at(instance_.probe)) {
    if (name != loop.var->name && !type.is_none()) {
      shared.push_back({name, type});
    }
  }
  // After the pointers, the flag a `return` in the body sets.
  llvm::Value* context = stack_slot(8 * (shared.size() + 1), "loop.ctx");
  llvm::Value* returned = ir_.CreateConstInBoundsGEP1_32(
      ir_.getInt8Ty(), context, 8 * shared.size());
  ir_.CreateStore(ir_.getInt64(0), returned);
  for (size_t i = 0; i < shared.size(); ++i) {
    ir_.CreateStore(
        variable_slot(shared[i].first, shared[i].second),
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), context, 8 * i));
  }

  // The callback, lowered with this object's state pointed at it.
  llvm::Function* callback = builder_.add_callback_function(
      instance_.function_name + "_loop" + std::to_string(++callbacks_),
      line_of(loop.range()));
  llvm::Function* saved_function = function_;
  llvm::BasicBlock* saved_block = ir_.GetInsertBlock();
  llvm::DebugLoc saved_location = ir_.getCurrentDebugLocation();
  llvm::BasicBlock* saved_entry = entry_ir_.GetInsertBlock();
  llvm::DebugLoc saved_entry_location = entry_ir_.getCurrentDebugLocation();
  std::map<std::string, llvm::Value*> saved_variables = std::move(variables_);
  auto saved_loops = std::move(loops_);
  // The callback's own variables ($kv) live on its stack.
  llvm::Value* saved_base = std::exchange(variables_base_, nullptr);
  ScratchFrame saved_scratch = std::exchange(scratch_frame_, {});
  variables_.clear();
  loops_.clear();
  llvm::Value* saved_returned = loop_returned_;

  function_ = callback;
  llvm::BasicBlock* entry = block("entry");
  llvm::BasicBlock* body = block("body");
  entry_ir_.SetInsertPoint(entry);
  ir_.SetInsertPoint(body);
  set_location(loop.range());
  entry_ir_.SetCurrentDebugLocation(ir_.getCurrentDebugLocation());
  llvm::Value* key = callback->getArg(1);
  llvm::Value* value = callback->getArg(2);
  llvm::Value* shared_context = callback->getArg(3);
  for (size_t i = 0; i < shared.size(); ++i) {
    variables_[shared[i].first] = ir_.CreateLoad(
        ir_.getPtrTy(),
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), shared_context, 8 * i));
  }
  loop_returned_ = ir_.CreateConstInBoundsGEP1_32(
      ir_.getInt8Ty(), shared_context, 8 * shared.size());

  // $kv = (key, value).
  const Type& pair = program_.type_of(loop.var);
  llvm::Value* kv = variable_slot(loop.var->name, pair);
  zero(kv, pair.size());
  const types::Field& key_field = pair.fields()[0];
  const types::Field& value_field = pair.fields()[1];
  llvm::Value* key_at =
      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), kv, key_field.offset);
  const std::vector<Type>& keys = map.shape.key_types;
  if (keys.size() == 1) {
    store_value(key_at, *key_field.type, load_from(key, keys[0]), keys[0]);
  } else {
    // Several keys: the map's key layout to the tuple's.
    for (size_t i = 0; i < keys.size(); ++i) {
      ValueLayout part = map.key_field(i);
      const types::Field& element = key_field.type->fields()[i];
      store_value(ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), key_at,
                                                 element.offset),
                  *element.type,
                  load_from(ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), key,
                                                           part.offset),
                            part.type),
                  part.type);
    }
  }
  llvm::Value* element_value = map.shape.is_aggregation()
                                   ? read_aggregate(global, key, map)
                                   : load_from(value, map.shape.value_type);
  store_value(
      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), kv, value_field.offset),
      *value_field.type, element_value, *value_field.type);

  // continue: next element (return 0); break: stop (return 1).
  llvm::BasicBlock* next = block("loop.next");
  llvm::BasicBlock* stop = block("loop.stop");
  loops_.push_back({next, stop});
  lower_block(*loop.body);
  branch_to(next);
  ir_.SetInsertPoint(next);
  ir_.CreateRet(ir_.getInt64(0));
  ir_.SetInsertPoint(stop);
  ir_.CreateRet(ir_.getInt64(1));
  entry_ir_.SetCurrentDebugLocation(ir_.getCurrentDebugLocation());
  entry_ir_.CreateBr(close_scratch_frame(body));

  function_ = saved_function;
  scratch_frame_ = saved_scratch;
  variables_ = std::move(saved_variables);
  loops_ = std::move(saved_loops);
  variables_base_ = saved_base;
  loop_returned_ = saved_returned;
  entry_ir_.SetInsertPoint(saved_entry);
  entry_ir_.SetCurrentDebugLocation(saved_entry_location);
  ir_.SetInsertPoint(saved_block);
  ir_.SetCurrentDebugLocation(saved_location);

  builder_.call_helper(ir_, BPF_FUNC_for_each_map_elem,
                       {global, callback, context, ir_.getInt64(0)});
  // A `return` in the body leaves the probe.
  llvm::BasicBlock* leave = block("loop.return");
  llvm::BasicBlock* after = block("loop.after");
  ir_.CreateCondBr(ir_.CreateICmpNE(ir_.CreateLoad(ir_.getInt64Ty(), returned),
                                    ir_.getInt64(0)),
                   leave, after);
  ir_.SetInsertPoint(leave);
  leave_probe();
  ir_.SetInsertPoint(after);
}

} // namespace sonde::codegen
