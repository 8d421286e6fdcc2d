// SPDX-License-Identifier: Apache-2.0
// Maps: keys, stores, aggregations, reads that merge CPUs, map functions.
#include "codegen/lowering.h"

namespace sonde::codegen {

void ProbeLowering::assign_map(const ast::AssignMap& assign) {
  const ast::MapAccess& target = *assign.target;
  uint32_t index = program_.map_index(target.name);
  const MapMeta& map = resources_.metadata.maps[index];
  llvm::GlobalVariable* global = resources_.maps[index];

  if (map.shape.kind == MapValueKind::Plain && assign.compound) {
    // `@m[k] OP= v`: a missing key reads as 0.
    llvm::Value* value = pointer_step(map.shape.value_type, *assign.compound,
                                      expr(assign.value));
    llvm::Value* old = map_read(target);
    const Type& value_type = program_.type_of(assign.value);
    bool is_signed = map.shape.value_type.is_signed();
    store_map(global, map, target,
              arithmetic(*assign.compound, old, value,
                         is_signed && value_type.is_signed(), is_signed,
                         assign));
    return;
  }
  if (map.shape.kind == MapValueKind::Plain) {
    llvm::Value* value = expr(assign.value);
    llvm::Value* key = map_key(target, map);
    llvm::Value* slot = memory_slot(map.value_size, "value");
    store_value(slot, map.shape.value_type, value,
                program_.type_of(assign.value));
    overwrite_map(global, key, slot, map.value_size);
    return;
  }

  const auto& call = static_cast<const ast::Call&>(*assign.value);
  llvm::Value* argument =
      call.args.empty() ? ir_.getInt64(1) : expr(call.args[0]);
  bool is_signed = map.shape.value_type.is_signed();
  llvm::Value* key = map_key(target, map);
  switch (map.shape.kind) {
  case MapValueKind::Count:
  case MapValueKind::Sum:
    add_to_aggregate(global, key, argument);
    return;
  case MapValueKind::Hist:
  case MapValueKind::Lhist: {
    llvm::Value* bucket = map.shape.kind == MapValueKind::Hist
                              ? hist_bucket(argument, map.shape.hist.bits)
                              : lhist_bucket(argument, map.shape.lhist);
    ir_.CreateStore(bucket, ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), key,
                                                           map.key_size - 8));
    add_to_aggregate(global, key, ir_.getInt64(1));
    return;
  }
  case MapValueKind::Min:
  case MapValueKind::Max: {
    bool is_min = map.shape.kind == MapValueKind::Min;
    update_aggregate(
        global, key, sizeof(MinMaxValue),
        [&](llvm::Value* value) {
          llvm::Value* set_at = field_at(value, offsetof(MinMaxValue, set));
          llvm::Value* current = ir_.CreateLoad(ir_.getInt64Ty(), value);
          llvm::Value* unset = ir_.CreateICmpEQ(
              ir_.CreateLoad(ir_.getInt64Ty(), set_at), ir_.getInt64(0));
          using P = llvm::CmpInst::Predicate;
          P predicate = is_min ? (is_signed ? P::ICMP_SLT : P::ICMP_ULT)
                               : (is_signed ? P::ICMP_SGT : P::ICMP_UGT);
          llvm::Value* better =
              ir_.CreateOr(unset, ir_.CreateICmp(predicate, argument, current));
          ir_.CreateStore(ir_.CreateSelect(better, argument, current), value);
          ir_.CreateStore(ir_.getInt64(1), set_at);
        },
        [&](llvm::Value* value) {
          ir_.CreateStore(argument, value);
          ir_.CreateStore(ir_.getInt64(1),
                          field_at(value, offsetof(MinMaxValue, set)));
        });
    return;
  }
  case MapValueKind::Avg:
  case MapValueKind::Stats:
    update_aggregate(
        global, key, sizeof(AvgValue),
        [&](llvm::Value* value) {
          llvm::Value* total = field_at(value, offsetof(AvgValue, total));
          ir_.CreateStore(ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), value),
                                        ir_.getInt64(1)),
                          value);
          ir_.CreateStore(
              ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), total), argument),
              total);
        },
        [&](llvm::Value* value) {
          ir_.CreateStore(ir_.getInt64(1), value);
          ir_.CreateStore(argument, field_at(value, offsetof(AvgValue, total)));
        });
    return;
  case MapValueKind::Tseries:
    update_tseries(global, key, map, argument);
    return;
  case MapValueKind::Plain:
    break;
  }
  SONDE_CHECK(false, "unhandled aggregation");
}

llvm::Value* ProbeLowering::field_at(llvm::Value* base, uint32_t offset) {
  return ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), base, offset);
}

llvm::Value* ProbeLowering::hist_bucket(llvm::Value* value, unsigned bits) {
  llvm::Value* msb = most_significant_bit(value);
  llvm::Value* k = ir_.getInt64(bits);
  llvm::Value* shift = ir_.CreateSelect(ir_.CreateICmpUGE(msb, k),
                                        ir_.CreateSub(msb, k), ir_.getInt64(0));
  llvm::Value* sub_bucket = ir_.CreateAnd(ir_.CreateLShr(value, shift),
                                          ir_.getInt64((1u << bits) - 1));
  llvm::Value* large = ir_.CreateAdd(
      ir_.getInt64(1),
      ir_.CreateAdd(
          ir_.CreateShl(ir_.CreateAdd(ir_.CreateSub(msb, k), ir_.getInt64(1)),
                        k),
          sub_bucket));
  llvm::Value* small = ir_.CreateAdd(value, ir_.getInt64(1));
  llvm::Value* bucket = ir_.CreateSelect(
      ir_.CreateICmpSLT(value, ir_.getInt64(int64_t(1) << bits)), small, large);
  return ir_.CreateSelect(ir_.CreateICmpSLT(value, ir_.getInt64(0)),
                          ir_.getInt64(0), bucket);
}

llvm::Value* ProbeLowering::most_significant_bit(llvm::Value* value) {
  llvm::Value* msb = ir_.getInt64(0);
  for (unsigned width : {32u, 16u, 8u, 4u, 2u, 1u}) {
    llvm::Value* high =
        ir_.CreateICmpUGE(value, ir_.getInt64(uint64_t(1) << width));
    value = ir_.CreateSelect(high, ir_.CreateLShr(value, width), value);
    msb = ir_.CreateSelect(high, ir_.CreateAdd(msb, ir_.getInt64(width)), msb);
  }
  return msb;
}

llvm::Value* ProbeLowering::lhist_bucket(llvm::Value* value,
                                         const types::LhistArguments& lhist) {
  int64_t overflow = 1 + (lhist.max - lhist.min) / lhist.step;
  llvm::Value* offset = ir_.CreateSub(value, ir_.getInt64(lhist.min));
  // Only reached when value >= min, so unsigned division is exact.
  llvm::Value* inside = ir_.CreateAdd(
      ir_.getInt64(1), ir_.CreateUDiv(offset, ir_.getInt64(lhist.step)));
  llvm::Value* bucket =
      ir_.CreateSelect(ir_.CreateICmpSGE(value, ir_.getInt64(lhist.max)),
                       ir_.getInt64(overflow), inside);
  return ir_.CreateSelect(ir_.CreateICmpSLT(value, ir_.getInt64(lhist.min)),
                          ir_.getInt64(0), bucket);
}

llvm::Value* ProbeLowering::map_key(const ast::MapAccess& access,
                                    const MapMeta& map) {
  llvm::Value* key = memory_slot(map.key_size, "key");
  // `@[comm]`: the helper fills the whole key, padding included.
  if (access.keys.size() == 1 &&
      fill_string(access.keys[0], key, map.key_size)) {
    return key;
  }
  zero(key, map.key_size);
  store_keys(access.keys, key, map);
  return key;
}

void ProbeLowering::store_keys(const std::vector<ast::Expr*>& keys,
                               llvm::Value* key,
                               const MapMeta& map) {
  const std::vector<Type>& key_types = map.shape.key_types;
  if (keys.size() == key_types.size()) {
    for (size_t i = 0; i < keys.size(); ++i) {
      store_expr(keys[i], key, map.key_field(i));
    }
    return;
  }
  if (keys.size() == 1) {
    // One tuple for the map's several keys: element by element.
    const Type& from = program_.type_of(keys[0]);
    llvm::Value* tuple = expr(keys[0]);
    for (size_t i = 0; i < key_types.size(); ++i) {
      const types::Field& part = from.fields()[i];
      ValueLayout to = map.key_field(i);
      store_value(
          ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), key, to.offset),
          to.type,
          load_from(ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), tuple,
                                                   part.offset),
                    *part.type),
          *part.type);
    }
    return;
  }
  // Several keys for the map's tuple key: each into its field.
  ValueLayout whole = map.key_field(0);
  for (size_t i = 0; i < keys.size(); ++i) {
    const types::Field& field = whole.type.fields()[i];
    store_expr(keys[i], key, {*field.type, whole.offset + field.offset},
               /*packed=*/true);
  }
}

llvm::Value* ProbeLowering::map_read(const ast::MapAccess& access) {
  uint32_t index = program_.map_index(access.name);
  const MapMeta& map = resources_.metadata.maps[index];
  llvm::Value* key = map_key(access, map);
  if (map.shape.is_aggregation()) {
    return read_aggregate(resources_.maps[index], key, map);
  }
  llvm::Value* found = builder_.call_helper(
      ir_, BPF_FUNC_map_lookup_elem, {resources_.maps[index], key}, "found");
  llvm::Value* pointer = ir_.CreateIntToPtr(found, ir_.getPtrTy());
  llvm::BasicBlock* hit = block("map.hit");
  llvm::BasicBlock* done = block("map.done");
  llvm::BasicBlock* miss = ir_.GetInsertBlock();
  if (map.shape.value_type.in_memory()) {
    // A missing key reads as the empty string (or a zeroed tuple).
    llvm::Value* slot = memory_slot(map.value_size, "map.value");
    zero(slot, map.value_size);
    ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), hit, done);
    ir_.SetInsertPoint(hit);
    copy(slot, pointer, map.shape.value_type.size());
    ir_.CreateBr(done);
    ir_.SetInsertPoint(done);
    return slot;
  }
  // A missing key reads as zero.
  ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), hit, done);
  ir_.SetInsertPoint(hit);
  llvm::Value* loaded = ir_.CreateLoad(ir_.getInt64Ty(), pointer);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  llvm::PHINode* value = ir_.CreatePHI(ir_.getInt64Ty(), 2);
  value->addIncoming(loaded, hit);
  value->addIncoming(ir_.getInt64(0), miss);
  return value;
}

llvm::Value* ProbeLowering::map_value_address(const ast::MapAccess& access) {
  uint32_t index = program_.map_index(access.name);
  const MapMeta& map = resources_.metadata.maps[index];
  llvm::GlobalVariable* global = resources_.maps[index];
  llvm::Value* key = map_key(access, map);
  llvm::Value* found = builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem,
                                            {global, key}, "found");
  llvm::Value* result = stack_slot(8, "address");
  ir_.CreateStore(found, result);
  llvm::BasicBlock* insert = block("address.insert");
  llvm::BasicBlock* done = block("address.done");
  ir_.CreateCondBr(ir_.CreateICmpEQ(found, ir_.getInt64(0)), insert, done);
  ir_.SetInsertPoint(insert);
  llvm::Value* initial = stack_slot(map.value_size, "address.zero");
  zero(initial, map.value_size);
  update_map(global, key, initial);
  ir_.CreateStore(builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem,
                                       {global, key}, "inserted"),
                  result);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  return ir_.CreateLoad(ir_.getInt64Ty(), result);
}

llvm::Value* ProbeLowering::delete_key(const ast::Call& node) {
  const auto& access = static_cast<const ast::MapAccess&>(*node.args[0]);
  uint32_t index = program_.map_index(access.name);
  const MapMeta& map = resources_.metadata.maps[index];
  llvm::Value* key = nullptr;
  if (node.args.size() == 2) {
    key = memory_slot(map.key_size, "key");
    zero(key, map.key_size);
    store_keys({node.args[1]}, key, map);
  } else {
    key = map_key(access, map);
  }
  llvm::Value* result = builder_.call_helper(ir_, BPF_FUNC_map_delete_elem,
                                             {resources_.maps[index], key});
  return ir_.CreateZExt(ir_.CreateICmpEQ(result, ir_.getInt64(0)),
                        ir_.getInt64Ty());
}

void ProbeLowering::map_operation(const ast::Call& node, EventKind kind) {
  const auto& access = static_cast<const ast::MapAccess&>(*node.args[0]);
  uint32_t index = program_.map_index(access.name);
  uint32_t size = sizeof(EventHeader) + sizeof(MapOperation);
  llvm::Value* record = memory_slot(size, "map.op");
  store_header(record, kind, ir_.getInt32(index));
  auto layout = program_.hist_layout_ids.find(&node);
  bool bcc = layout != program_.hist_layout_ids.end();
  llvm::Value* top =
      node.args.size() > 1 && !bcc ? expr(node.args[1]) : ir_.getInt64(0);
  llvm::Value* div =
      node.args.size() > 2 && !bcc ? expr(node.args[2]) : ir_.getInt64(1);
  ir_.CreateStore(
      ir_.getInt64(bcc ? layout->second + 1 : 0),
      field_at(record, sizeof(EventHeader) + offsetof(MapOperation, layout)));
  ir_.CreateStore(
      top, field_at(record, sizeof(EventHeader) + offsetof(MapOperation, top)));
  ir_.CreateStore(
      div, field_at(record, sizeof(EventHeader) + offsetof(MapOperation, div)));
  output(record, size, 0);
}

void ProbeLowering::store_map(llvm::GlobalVariable* global,
                              const MapMeta& map,
                              const ast::MapAccess& access,
                              llvm::Value* value) {
  llvm::Value* key = map_key(access, map);
  llvm::Value* slot = memory_slot(8, "value");
  ir_.CreateStore(value, slot);
  overwrite_map(global, key, slot, 8);
}

void ProbeLowering::overwrite_map(llvm::GlobalVariable* global,
                                  llvm::Value* key,
                                  llvm::Value* value,
                                  uint32_t size) {
  // An existing value is written in place: a hash map update would put a
  // new element in its place and leave `&@m` pointing at the old one.
  llvm::Value* found = builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem,
                                            {global, key}, "found");
  llvm::BasicBlock* in_place = block("store.in_place");
  llvm::BasicBlock* insert = block("store.insert");
  llvm::BasicBlock* done = block("store.done");
  ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), in_place, insert);
  ir_.SetInsertPoint(in_place);
  copy(ir_.CreateIntToPtr(found, ir_.getPtrTy()), value, size);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(insert);
  update_map(global, key, value);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
}

void ProbeLowering::add_to_aggregate(llvm::GlobalVariable* global,
                                     llvm::Value* key,
                                     llvm::Value* amount) {
  update_aggregate(
      global, key, 8,
      [&](llvm::Value* value) {
        llvm::Value* old = ir_.CreateLoad(ir_.getInt64Ty(), value);
        ir_.CreateStore(ir_.CreateAdd(old, amount), value);
      },
      [&](llvm::Value* value) { ir_.CreateStore(amount, value); });
}

void ProbeLowering::update_aggregate(
    llvm::GlobalVariable* global,
    llvm::Value* key,
    uint32_t value_size,
    llvm::function_ref<void(llvm::Value*)> update,
    llvm::function_ref<void(llvm::Value*)> initial) {
  llvm::Value* found = builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem,
                                            {global, key}, "found");
  llvm::Value* pointer = ir_.CreateIntToPtr(found, ir_.getPtrTy());
  llvm::BasicBlock* update_block = block("agg.update");
  llvm::BasicBlock* insert_block = block("agg.insert");
  llvm::BasicBlock* done = block("agg.done");
  ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), update_block,
                   insert_block);

  ir_.SetInsertPoint(update_block);
  update(pointer);
  ir_.CreateBr(done);

  ir_.SetInsertPoint(insert_block);
  llvm::Value* first = memory_slot(value_size, "initial");
  zero(first, value_size);
  initial(first);
  update_map(global, key, first);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
}

llvm::Value* ProbeLowering::read_aggregate(llvm::GlobalVariable* global,
                                           llvm::Value* key,
                                           const MapMeta& map) {
  bool is_signed = map.shape.value_type.is_signed();
  llvm::Value* first = memory_slot(8, "agg.first");
  llvm::Value* second = memory_slot(8, "agg.second");
  llvm::Value* any = memory_slot(8, "agg.any");
  llvm::Value* cpu_slot = memory_slot(8, "agg.cpu");
  for (llvm::Value* slot : {first, second, any, cpu_slot}) {
    ir_.CreateStore(ir_.getInt64(0), slot);
  }
  llvm::BasicBlock* loop = block("agg.loop");
  llvm::BasicBlock* found_block = block("agg.found");
  llvm::BasicBlock* next = block("agg.next");
  llvm::BasicBlock* done = block("agg.read");
  ir_.CreateBr(loop);

  // The loop's bound is a constant, so the verifier accepts it.
  ir_.SetInsertPoint(loop);
  llvm::Value* cpu = ir_.CreateLoad(ir_.getInt64Ty(), cpu_slot);
  llvm::Value* found = builder_.call_helper(
      ir_, BPF_FUNC_map_lookup_percpu_elem, {global, key, cpu});
  ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), found_block, next);

  ir_.SetInsertPoint(found_block);
  llvm::Value* value = ir_.CreateIntToPtr(found, ir_.getPtrTy());
  llvm::Value* head = ir_.CreateLoad(ir_.getInt64Ty(), value);
  llvm::Value* tail = ir_.CreateLoad(ir_.getInt64Ty(), field_at(value, 8));
  llvm::Value* old_first = ir_.CreateLoad(ir_.getInt64Ty(), first);
  llvm::Value* old_second = ir_.CreateLoad(ir_.getInt64Ty(), second);
  // avg() and stats() read as total / count.
  bool average = false;
  switch (map.shape.kind) {
  case MapValueKind::Min:
  case MapValueKind::Max: {
    // {value, set}: take set values only.
    using P = llvm::CmpInst::Predicate;
    bool is_min = map.shape.kind == MapValueKind::Min;
    P predicate = is_min ? (is_signed ? P::ICMP_SLT : P::ICMP_ULT)
                         : (is_signed ? P::ICMP_SGT : P::ICMP_UGT);
    llvm::Value* had = ir_.CreateICmpNE(ir_.CreateLoad(ir_.getInt64Ty(), any),
                                        ir_.getInt64(0));
    llvm::Value* set = ir_.CreateICmpNE(tail, ir_.getInt64(0));
    llvm::Value* better = ir_.CreateOr(
        ir_.CreateNot(had), ir_.CreateICmp(predicate, head, old_first));
    ir_.CreateStore(
        ir_.CreateSelect(ir_.CreateAnd(set, better), head, old_first), first);
    ir_.CreateStore(ir_.CreateSelect(set, ir_.getInt64(1),
                                     ir_.CreateLoad(ir_.getInt64Ty(), any)),
                    any);
    break;
  }
  case MapValueKind::Avg:
  case MapValueKind::Stats:
    // {count, total}.
    average = true;
    ir_.CreateStore(ir_.CreateAdd(old_first, head), first);
    ir_.CreateStore(ir_.CreateAdd(old_second, tail), second);
    break;
  case MapValueKind::Count:
  case MapValueKind::Sum:
  // Not reached: plain maps are not per-CPU, and sema refuses reads of
  // histograms and time series.
  case MapValueKind::Plain:
  case MapValueKind::Hist:
  case MapValueKind::Lhist:
  case MapValueKind::Tseries:
    ir_.CreateStore(ir_.CreateAdd(old_first, head), first);
    break;
  }
  ir_.CreateBr(next);

  ir_.SetInsertPoint(next);
  llvm::Value* following = ir_.CreateAdd(cpu, ir_.getInt64(1));
  ir_.CreateStore(following, cpu_slot);
  ir_.CreateCondBr(
      ir_.CreateICmpULT(following, ir_.getInt64(resources_.possible_cpus)),
      loop, done);

  ir_.SetInsertPoint(done);
  llvm::Value* result = ir_.CreateLoad(ir_.getInt64Ty(), first);
  if (average) {
    llvm::Value* count = result;
    llvm::Value* total = ir_.CreateLoad(ir_.getInt64Ty(), second);
    // No calls yet reads as 0.
    result = divide(ast::BinaryOp::Div, total, count, is_signed, nullptr);
  }
  return result;
}

void ProbeLowering::update_tseries(llvm::GlobalVariable* global,
                                   llvm::Value* key,
                                   const MapMeta& map,
                                   llvm::Value* argument) {
  using Aggregation = types::TseriesAggregation;
  llvm::Value* now = helper(BPF_FUNC_ktime_get_boot_ns);
  llvm::Value* epoch =
      ir_.CreateUDiv(now, ir_.getInt64(map.shape.tseries.interval_ns));
  // The verifier does not bound a remainder, and LLVM would drop an
  // explicit check of one: a volatile round trip hides what LLVM knows.
  llvm::Value* index_slot = stack_slot(8, "tseries.index");
  ir_.CreateStore(
      ir_.CreateURem(epoch, ir_.getInt64(map.shape.tseries.intervals)),
      index_slot, /*isVolatile=*/true);
  llvm::Value* index =
      ir_.CreateLoad(ir_.getInt64Ty(), index_slot, /*isVolatile=*/true);

  llvm::BasicBlock* insert = block("tseries.insert");
  llvm::BasicBlock* lookup = block("tseries.lookup");
  llvm::BasicBlock* found_block = block("tseries.found");
  llvm::BasicBlock* done = block("tseries.done");
  llvm::Value* existing =
      builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem, {global, key});
  ir_.CreateCondBr(ir_.CreateICmpNE(existing, ir_.getInt64(0)), lookup, insert);

  // A key this CPU has not seen starts from the zero map's value.
  ir_.SetInsertPoint(insert);
  llvm::Value* zero_key = stack_slot(4, "tseries.zero.key");
  ir_.CreateStore(ir_.getInt32(0), zero_key);
  llvm::Value* zeros = builder_.call_helper(
      ir_, BPF_FUNC_map_lookup_elem, {resources_.tseries_zero, zero_key});
  llvm::BasicBlock* copy = block("tseries.copy");
  ir_.CreateCondBr(ir_.CreateICmpNE(zeros, ir_.getInt64(0)), copy, done);
  ir_.SetInsertPoint(copy);
  update_map(global, key, ir_.CreateIntToPtr(zeros, ir_.getPtrTy()));
  ir_.CreateBr(lookup);

  ir_.SetInsertPoint(lookup);
  llvm::Value* found =
      builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem, {global, key});
  ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), found_block, done);

  ir_.SetInsertPoint(found_block);
  llvm::BasicBlock* update = block("tseries.update");
  ir_.CreateCondBr(
      ir_.CreateICmpULT(index, ir_.getInt64(map.shape.tseries.intervals)),
      update, done);
  ir_.SetInsertPoint(update);
  llvm::Value* slot =
      ir_.CreateGEP(ir_.getInt8Ty(), ir_.CreateIntToPtr(found, ir_.getPtrTy()),
                    ir_.CreateMul(index, ir_.getInt64(sizeof(TseriesSlot))));
  llvm::Value* epoch_at = field_at(slot, offsetof(TseriesSlot, epoch));
  llvm::Value* value_at = field_at(slot, offsetof(TseriesSlot, value));
  llvm::Value* count_at = field_at(slot, offsetof(TseriesSlot, count));
  llvm::Value* time_at = field_at(slot, offsetof(TseriesSlot, time));
  llvm::Value* old_count = ir_.CreateLoad(ir_.getInt64Ty(), count_at);
  llvm::Value* old_value = ir_.CreateLoad(ir_.getInt64Ty(), value_at);
  // The slot holds an older interval (or none): this value starts it.
  llvm::Value* fresh = ir_.CreateOr(
      ir_.CreateICmpNE(ir_.CreateLoad(ir_.getInt64Ty(), epoch_at), epoch),
      ir_.CreateICmpEQ(old_count, ir_.getInt64(0)));
  bool is_signed = map.shape.value_type.is_signed();
  llvm::Value* combined = argument;
  switch (map.shape.tseries.aggregation) {
  case Aggregation::Last:
    break;
  case Aggregation::Avg:
  case Aggregation::Sum:
    combined = ir_.CreateAdd(old_value, argument);
    break;
  case Aggregation::Min:
  case Aggregation::Max: {
    using P = llvm::CmpInst::Predicate;
    bool is_min = map.shape.tseries.aggregation == Aggregation::Min;
    P predicate = is_min ? (is_signed ? P::ICMP_SLT : P::ICMP_ULT)
                         : (is_signed ? P::ICMP_SGT : P::ICMP_UGT);
    combined = ir_.CreateSelect(ir_.CreateICmp(predicate, argument, old_value),
                                argument, old_value);
    break;
  }
  }
  ir_.CreateStore(epoch, epoch_at);
  ir_.CreateStore(ir_.CreateSelect(fresh, argument, combined), value_at);
  ir_.CreateStore(ir_.CreateSelect(fresh, ir_.getInt64(1),
                                   ir_.CreateAdd(old_count, ir_.getInt64(1))),
                  count_at);
  ir_.CreateStore(now, time_at);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
}

} // namespace sonde::codegen
