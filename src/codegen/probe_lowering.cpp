// SPDX-License-Identifier: Apache-2.0
#include "codegen/probe_lowering.h"

#include "base/check.h"
#include "sema/builtins.h"

#include <linux/bpf.h>

namespace sonde::codegen {

namespace {

using types::Type;

// x86_64 struct pt_regs offsets: the System V argument registers (rdi, rsi,
// rdx, rcx, r8, r9) and the return register (rax).
constexpr uint32_t kArgumentRegisters[sema::kRegisterArguments] = {
    112, 104, 96, 88, 72, 64};
constexpr uint32_t kReturnRegister = 80;

class ProbeLowering {
public:
  ProbeLowering(ModuleBuilder& builder,
                const ModuleResources& resources,
                const sema::ProbeInstance& instance)
      : builder_(builder), resources_(resources), program_(resources.program),
        instance_(instance), ir_(builder.context()),
        entry_ir_(builder.context()) {}

  void lower() {
    const ast::Probe& probe = *instance_.probe;
    uint32_t line = line_of(probe.range());
    function_ = builder_.add_probe_function(instance_.function_name,
                                            instance_.section_name, line);
    ctx_ = function_->getArg(0);
    llvm::BasicBlock* entry =
        llvm::BasicBlock::Create(builder_.context(), "entry", function_);
    entry_ir_.SetInsertPoint(entry);
    llvm::BasicBlock* body =
        llvm::BasicBlock::Create(builder_.context(), "body", function_);
    ir_.SetInsertPoint(body);
    set_location(probe.range());

    if (probe.predicate != nullptr) {
      set_location(probe.predicate->range());
      llvm::Value* pass = truth(expr(probe.predicate));
      llvm::BasicBlock* run = block("run");
      llvm::BasicBlock* skip = block("skip");
      ir_.CreateCondBr(pass, run, skip);
      ir_.SetInsertPoint(skip);
      ir_.CreateRet(ir_.getInt32(0));
      ir_.SetInsertPoint(run);
    }
    lower_block(*probe.body);
    if (ir_.GetInsertBlock()->getTerminator() == nullptr) {
      ir_.CreateRet(ir_.getInt32(0));
    }
    // Stack slots are created in the entry block, which then falls through
    // to the body.
    entry_ir_.SetCurrentDebugLocation(ir_.getCurrentDebugLocation());
    entry_ir_.CreateBr(body);
  }

private:
  // ---- Statements ---------------------------------------------------------

  void lower_block(const ast::Block& block) {
    for (const ast::Stmt* stmt : block.stmts) {
      if (ir_.GetInsertBlock()->getTerminator() != nullptr) {
        // Code after exit() never runs.
        return;
      }
      set_location(stmt->range());
      lower_stmt(*stmt);
    }
  }

  void lower_stmt(const ast::Stmt& stmt) {
    switch (stmt.kind()) {
    case ast::NodeKind::ExprStmt:
      expr(static_cast<const ast::ExprStmt&>(stmt).expr);
      return;
    case ast::NodeKind::AssignVar:
      assign_var(static_cast<const ast::AssignVar&>(stmt));
      return;
    case ast::NodeKind::AssignMap:
      assign_map(static_cast<const ast::AssignMap&>(stmt));
      return;
    case ast::NodeKind::If:
      lower_if(static_cast<const ast::If&>(stmt));
      return;
    case ast::NodeKind::VarDecl: {
      const auto& decl = static_cast<const ast::VarDecl&>(stmt);
      const Type& type = program_.type_of(decl.var);
      llvm::Value* slot = variable_slot(decl.var->name, type);
      if (decl.init == nullptr) {
        zero(slot, type.is_string() ? type.size() : 8);
      } else {
        store_value(slot, type, expr(decl.init), program_.type_of(decl.init));
      }
      return;
    }
    case ast::NodeKind::Discard:
      expr(static_cast<const ast::Discard&>(stmt).expr);
      return;
    case ast::NodeKind::BlockStmt:
      lower_block(*static_cast<const ast::BlockStmt&>(stmt).block);
      return;
    case ast::NodeKind::While:
      lower_while(static_cast<const ast::While&>(stmt));
      return;
    case ast::NodeKind::ForRange:
      lower_for_range(static_cast<const ast::ForRange&>(stmt));
      return;
    case ast::NodeKind::Unroll: {
      // unroll(N) repeats the body N times; sema checked N.
      const auto& unroll = static_cast<const ast::Unroll&>(stmt);
      int64_t count = static_cast<const ast::IntLiteral*>(unroll.count)->value;
      for (int64_t i = 0; i < count; ++i) {
        lower_block(*unroll.body);
      }
      return;
    }
    case ast::NodeKind::Break:
      ir_.CreateBr(loops_.back().second);
      return;
    case ast::NodeKind::Continue:
      ir_.CreateBr(loops_.back().first);
      return;
    case ast::NodeKind::Return:
      ir_.CreateRet(ir_.getInt32(0));
      return;
    default:
      SONDE_CHECK(false, "unexpected statement kind");
    }
  }

  // The verifier accepts loops whose termination it can prove by
  // exploring them (kernels since 5.3).
  void lower_while(const ast::While& loop) {
    llvm::BasicBlock* head = block("while.cond");
    llvm::BasicBlock* body = block("while.body");
    llvm::BasicBlock* done = block("while.end");
    ir_.CreateBr(head);
    ir_.SetInsertPoint(head);
    ir_.CreateCondBr(truth(expr(loop.cond)), body, done);
    ir_.SetInsertPoint(body);
    loops_.push_back({head, done});
    lower_block(*loop.body);
    loops_.pop_back();
    branch_to(head);
    ir_.SetInsertPoint(done);
  }

  // `for ($i : start..end)`: both bounds evaluated once, end excluded.
  void lower_for_range(const ast::ForRange& loop) {
    const Type& type = program_.type_of(loop.var);
    llvm::Value* counter = variable_slot(loop.var->name, type);
    ir_.CreateStore(expr(loop.start), counter);
    llvm::Value* end = expr(loop.end);
    llvm::BasicBlock* head = block("for.cond");
    llvm::BasicBlock* body = block("for.body");
    llvm::BasicBlock* step = block("for.step");
    llvm::BasicBlock* done = block("for.end");
    ir_.CreateBr(head);
    ir_.SetInsertPoint(head);
    llvm::Value* current = ir_.CreateLoad(ir_.getInt64Ty(), counter);
    ir_.CreateCondBr(type.is_signed() ? ir_.CreateICmpSLT(current, end)
                                      : ir_.CreateICmpULT(current, end),
                     body, done);
    ir_.SetInsertPoint(body);
    loops_.push_back({step, done});
    lower_block(*loop.body);
    loops_.pop_back();
    branch_to(step);
    ir_.SetInsertPoint(step);
    ir_.CreateStore(ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), counter),
                                  ir_.getInt64(1)),
                    counter);
    ir_.CreateBr(head);
    ir_.SetInsertPoint(done);
  }

  void lower_if(const ast::If& stmt) {
    llvm::Value* cond = truth(expr(stmt.cond));
    llvm::BasicBlock* then_block = block("then");
    llvm::BasicBlock* else_block =
        stmt.else_block != nullptr ? block("else") : nullptr;
    llvm::BasicBlock* done = block("endif");
    ir_.CreateCondBr(cond, then_block, else_block ? else_block : done);
    ir_.SetInsertPoint(then_block);
    lower_block(*stmt.then_block);
    branch_to(done);
    if (else_block != nullptr) {
      ir_.SetInsertPoint(else_block);
      lower_block(*stmt.else_block);
      branch_to(done);
    }
    ir_.SetInsertPoint(done);
  }

  void assign_var(const ast::AssignVar& assign) {
    const Type& type = program_.type_of(assign.target);
    llvm::Value* value = expr(assign.value);
    llvm::Value* slot = variable_slot(assign.target->name, type);
    if (assign.compound) {
      llvm::Value* old = ir_.CreateLoad(ir_.getInt64Ty(), slot);
      const Type& value_type = program_.type_of(assign.value);
      ir_.CreateStore(arithmetic(*assign.compound, old, value,
                                 type.is_signed() && value_type.is_signed(),
                                 type.is_signed()),
                      slot);
      return;
    }
    store_value(slot, type, value, program_.type_of(assign.value));
  }

  void assign_map(const ast::AssignMap& assign) {
    const ast::MapAccess& target = *assign.target;
    uint32_t index = program_.map_index(target.name);
    const MapMeta& map = resources_.metadata.maps[index];
    llvm::GlobalVariable* global = resources_.maps[index];

    if (map.value_kind == MapValueKind::Plain && assign.compound) {
      // `@m[k] OP= v`: a missing key reads as 0.
      llvm::Value* value = expr(assign.value);
      llvm::Value* old = map_read(target);
      const Type& value_type = program_.type_of(assign.value);
      bool is_signed = map.value_type.is_signed();
      store_map(global, map, target,
                arithmetic(*assign.compound, old, value,
                           is_signed && value_type.is_signed(), is_signed));
      return;
    }
    if (map.value_kind == MapValueKind::Plain) {
      llvm::Value* value = expr(assign.value);
      llvm::Value* key = map_key(target, map);
      llvm::Value* slot = stack_slot(map.value_size, "value");
      store_value(slot, map.value_type, value, program_.type_of(assign.value));
      builder_.call_helper(ir_, BPF_FUNC_map_update_elem,
                           {global, key, slot, ir_.getInt64(BPF_ANY)});
      return;
    }

    const auto& call = static_cast<const ast::Call&>(*assign.value);
    llvm::Value* argument =
        call.args.empty() ? ir_.getInt64(1) : expr(call.args[0]);
    bool is_signed = map.value_type.is_signed();
    llvm::Value* key = map_key(target, map);
    switch (map.value_kind) {
    case MapValueKind::Count:
    case MapValueKind::Sum:
      add_to_aggregate(global, key, argument);
      return;
    case MapValueKind::Hist:
    case MapValueKind::Lhist: {
      llvm::Value* bucket = map.value_kind == MapValueKind::Hist
                                ? hist_bucket(argument, map.hist_bits)
                                : lhist_bucket(argument, map);
      ir_.CreateStore(bucket, ir_.CreateConstInBoundsGEP1_32(
                                  ir_.getInt8Ty(), key, map.key_size - 8));
      add_to_aggregate(global, key, ir_.getInt64(1));
      return;
    }
    case MapValueKind::Min:
    case MapValueKind::Max: {
      bool is_min = map.value_kind == MapValueKind::Min;
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
            llvm::Value* better = ir_.CreateOr(
                unset, ir_.CreateICmp(predicate, argument, current));
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
            ir_.CreateStore(
                ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), value),
                              ir_.getInt64(1)),
                value);
            ir_.CreateStore(
                ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), total),
                              argument),
                total);
          },
          [&](llvm::Value* value) {
            ir_.CreateStore(ir_.getInt64(1), value);
            ir_.CreateStore(argument,
                            field_at(value, offsetof(AvgValue, total)));
          });
      return;
    case MapValueKind::Plain:
      break;
    }
    SONDE_CHECK(false, "unhandled aggregation");
  }

  // Writes an integer `value` to @m[keys of `access`].
  void store_map(llvm::GlobalVariable* global,
                 const MapMeta& map,
                 const ast::MapAccess& access,
                 llvm::Value* value) {
    llvm::Value* key = map_key(access, map);
    llvm::Value* slot = stack_slot(8, "value");
    ir_.CreateStore(value, slot);
    builder_.call_helper(ir_, BPF_FUNC_map_update_elem,
                         {global, key, slot, ir_.getInt64(BPF_ANY)});
  }

  llvm::Value* field_at(llvm::Value* base, uint32_t offset) {
    return ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), base, offset);
  }

  // count(), sum() and histogram buckets: this CPU's u64 grows by `amount`.
  void add_to_aggregate(llvm::GlobalVariable* global,
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

  // Aggregation values are per-CPU, so updating this CPU's value in place
  // needs no atomics. A key this CPU has not seen is created with
  // `initial`; the update sets this CPU's value and zeroes the others.
  void update_aggregate(llvm::GlobalVariable* global,
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
    llvm::Value* first = stack_slot(value_size, "initial");
    zero(first, value_size);
    initial(first);
    builder_.call_helper(ir_, BPF_FUNC_map_update_elem,
                         {global, key, first, ir_.getInt64(BPF_ANY)});
    ir_.CreateBr(done);
    ir_.SetInsertPoint(done);
  }

  // The log2 histogram bucket of `value` with 2^bits sub-buckets per power
  // of two: negative values go to bucket 0, values below 2^bits to
  // value + 1, and others to 1 + ((msb - bits + 1) << bits) plus the `bits`
  // bits after the most significant one.
  llvm::Value* hist_bucket(llvm::Value* value, unsigned bits) {
    llvm::Value* msb = most_significant_bit(value);
    llvm::Value* k = ir_.getInt64(bits);
    llvm::Value* shift = ir_.CreateSelect(
        ir_.CreateICmpUGE(msb, k), ir_.CreateSub(msb, k), ir_.getInt64(0));
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
        ir_.CreateICmpSLT(value, ir_.getInt64(int64_t(1) << bits)), small,
        large);
    return ir_.CreateSelect(ir_.CreateICmpSLT(value, ir_.getInt64(0)),
                            ir_.getInt64(0), bucket);
  }

  // The index of the highest set bit (0 for 0 and 1), by binary search:
  // BPF has no count-leading-zeros instruction.
  llvm::Value* most_significant_bit(llvm::Value* value) {
    llvm::Value* msb = ir_.getInt64(0);
    for (unsigned width : {32u, 16u, 8u, 4u, 2u, 1u}) {
      llvm::Value* high =
          ir_.CreateICmpUGE(value, ir_.getInt64(uint64_t(1) << width));
      value = ir_.CreateSelect(high, ir_.CreateLShr(value, width), value);
      msb =
          ir_.CreateSelect(high, ir_.CreateAdd(msb, ir_.getInt64(width)), msb);
    }
    return msb;
  }

  // The lhist bucket: 0 below min, 1 + (max - min) / step at or above max,
  // else 1 + (value - min) / step.
  llvm::Value* lhist_bucket(llvm::Value* value, const MapMeta& map) {
    int64_t overflow = 1 + (map.lhist_max - map.lhist_min) / map.lhist_step;
    llvm::Value* offset = ir_.CreateSub(value, ir_.getInt64(map.lhist_min));
    // Only reached when value >= min, so unsigned division is exact.
    llvm::Value* inside = ir_.CreateAdd(
        ir_.getInt64(1), ir_.CreateUDiv(offset, ir_.getInt64(map.lhist_step)));
    llvm::Value* bucket =
        ir_.CreateSelect(ir_.CreateICmpSGE(value, ir_.getInt64(map.lhist_max)),
                         ir_.getInt64(overflow), inside);
    return ir_.CreateSelect(
        ir_.CreateICmpSLT(value, ir_.getInt64(map.lhist_min)), ir_.getInt64(0),
        bucket);
  }

  // Builds a zeroed key buffer for `access`; maps without keys use the
  // single key 0.
  llvm::Value* map_key(const ast::MapAccess& access, const MapMeta& map) {
    llvm::Value* key = stack_slot(map.key_size, "key");
    // `@[comm]`: the helper fills the whole key, padding included.
    if (access.keys.size() == 1 &&
        fill_string(access.keys[0], key, map.key_size)) {
      return key;
    }
    zero(key, map.key_size);
    for (size_t i = 0; i < access.keys.size(); ++i) {
      store_expr(access.keys[i], key, map.key_fields[i]);
    }
    return key;
  }

  // Evaluates `node` straight into `base + field.offset`; strings are
  // written in place when they can be, saving a copy.
  void store_expr(const ast::Expr* node,
                  llvm::Value* base,
                  const ValueLayout& field) {
    llvm::Value* at =
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), base, field.offset);
    if (field.type.is_string() &&
        fill_string(node, at, slot_size(field.type))) {
      return;
    }
    store_value(at, field.type, expr(node), program_.type_of(node));
  }

  // Writes the string `node` (comm, or str() of a pointer) directly into
  // `dest` of `size` bytes, NUL-padded. Returns false for other strings,
  // which are built in their own buffer and copied.
  bool fill_string(const ast::Expr* node, llvm::Value* dest, uint32_t size) {
    if (const auto* builtin = ast::dyn_cast<ast::Builtin>(node);
        builtin != nullptr && builtin->name == "comm" && size == 16) {
      // The kernel pads the rest of the buffer with NULs.
      builder_.call_helper(ir_, BPF_FUNC_get_current_comm,
                           {dest, ir_.getInt64(16)});
      return true;
    }
    const auto* call = ast::dyn_cast<ast::Call>(node);
    if (call == nullptr || call->callee != "str" ||
        program_.type_of(call->args[0]).is_string() ||
        program_.type_of(call).size() > size) {
      return false;
    }
    zero(dest, size);
    read_string_into(*call, dest, program_.type_of(call).size());
    return true;
  }

  // Stores `value` (of type `from`) into memory laid out as `to`.
  void store_value(llvm::Value* slot,
                   const Type& to,
                   llvm::Value* value,
                   const Type& from) {
    if (to.is_string()) {
      zero(slot, to.size());
      ir_.CreateMemCpy(slot, llvm::MaybeAlign(1), value, llvm::MaybeAlign(1),
                       std::min(to.size(), from.size()));
      return;
    }
    ir_.CreateStore(value, slot);
  }

  // ---- Expressions --------------------------------------------------------

  llvm::Value* expr(const ast::Expr* node) {
    switch (node->kind()) {
    case ast::NodeKind::IntLiteral:
      return ir_.getInt64(static_cast<const ast::IntLiteral*>(node)->value);
    case ast::NodeKind::StringLiteral:
      return string_literal(
          static_cast<const ast::StringLiteral*>(node)->value);
    case ast::NodeKind::Builtin:
      return builtin(*static_cast<const ast::Builtin*>(node));
    case ast::NodeKind::Variable: {
      const auto* var = static_cast<const ast::Variable*>(node);
      const Type& type = program_.type_of(node);
      llvm::Value* slot = variable_slot(var->name, type);
      return type.is_string() ? slot : ir_.CreateLoad(ir_.getInt64Ty(), slot);
    }
    case ast::NodeKind::MapAccess:
      return map_read(*static_cast<const ast::MapAccess*>(node));
    case ast::NodeKind::Binary:
      return binary(*static_cast<const ast::Binary*>(node));
    case ast::NodeKind::Unary:
      return unary(*static_cast<const ast::Unary*>(node));
    case ast::NodeKind::Call:
      return call(*static_cast<const ast::Call*>(node));
    case ast::NodeKind::FieldAccess:
      return field(*static_cast<const ast::FieldAccess*>(node));
    case ast::NodeKind::BoolLiteral:
      return ir_.getInt64(static_cast<const ast::BoolLiteral*>(node)->value);
    case ast::NodeKind::Positional: {
      uint64_t index = static_cast<const ast::Positional*>(node)->index;
      const std::vector<std::string>& params = program_.positional;
      std::string text =
          index >= 1 && index <= params.size() ? params[index - 1] : "";
      if (program_.type_of(node).is_string()) {
        return string_literal(text);
      }
      return ir_.getInt64(std::strtoll(text.c_str(), nullptr, 10));
    }
    case ast::NodeKind::PositionalCount:
      return ir_.getInt64(program_.positional.size());
    case ast::NodeKind::Ternary:
      return ternary(*static_cast<const ast::Ternary*>(node));
    case ast::NodeKind::IncDec:
      return inc_dec(*static_cast<const ast::IncDec*>(node));
    default:
      SONDE_CHECK(false, "unexpected expression kind");
    }
  }

  llvm::Value* string_literal(const std::string& text) {
    uint32_t size = text.size() + 1;
    llvm::Value* slot = stack_slot(size, "str");
    for (uint32_t i = 0; i < size; ++i) {
      char c = i < text.size() ? text[i] : 0;
      ir_.CreateStore(ir_.getInt8(c),
                      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), slot, i));
    }
    return slot;
  }

  llvm::Value* builtin(const ast::Builtin& node) {
    if (std::optional<unsigned> index = sema::register_argument(node.name)) {
      const probes::AttachTarget& target = instance_.targets.front();
      if (target.kind == probes::ProbeKind::Usdt) {
        return usdt_argument(target.usdt_arguments.at(*index));
      }
      return register_value(kArgumentRegisters[*index]);
    }
    std::optional<sema::BuiltinVariable> variable =
        sema::find_variable(node.name);
    SONDE_CHECK(variable.has_value(), "unknown builtin after sema");
    switch (*variable) {
    case sema::BuiltinVariable::Pid:
      return ir_.CreateLShr(helper(BPF_FUNC_get_current_pid_tgid), 32);
    case sema::BuiltinVariable::Tid:
      return ir_.CreateAnd(helper(BPF_FUNC_get_current_pid_tgid), 0xffffffff);
    case sema::BuiltinVariable::Uid:
      return ir_.CreateAnd(helper(BPF_FUNC_get_current_uid_gid), 0xffffffff);
    case sema::BuiltinVariable::Gid:
      return ir_.CreateLShr(helper(BPF_FUNC_get_current_uid_gid), 32);
    case sema::BuiltinVariable::Nsecs:
      return helper(BPF_FUNC_ktime_get_boot_ns);
    case sema::BuiltinVariable::Cpu:
      return helper(BPF_FUNC_get_smp_processor_id);
    case sema::BuiltinVariable::Comm: {
      // The kernel pads the buffer with NULs: no zeroing needed.
      llvm::Value* slot = stack_slot(16, "comm");
      builder_.call_helper(ir_, BPF_FUNC_get_current_comm,
                           {slot, ir_.getInt64(16)});
      return slot;
    }
    case sema::BuiltinVariable::Args:
      return ctx_;
    case sema::BuiltinVariable::Retval:
      return register_value(kReturnRegister);
    case sema::BuiltinVariable::Cpid:
      return ir_.getInt64(program_.child_pid);
    }
    return nullptr;
  }

  // A register of the probed task, from the pt_regs context of kprobe and
  // uprobe programs.
  llvm::Value* register_value(uint32_t offset) {
    return ir_.CreateLoad(ir_.getInt64Ty(), field_at(ctx_, offset));
  }

  // A USDT argument where the probe site's note says it is, widened to 64
  // bits by its size and signedness.
  llvm::Value* usdt_argument(const probes::UsdtArgument& argument) {
    using Kind = probes::UsdtArgument::Kind;
    llvm::Value* raw = nullptr;
    switch (argument.kind) {
    case Kind::Constant:
      return ir_.getInt64(argument.value);
    case Kind::Register:
      raw =
          ir_.CreateLShr(register_value(argument.base_offset), argument.shift);
      break;
    case Kind::Memory: {
      llvm::Value* address = ir_.CreateAdd(register_value(argument.base_offset),
                                           ir_.getInt64(argument.value));
      if (argument.has_index) {
        address = ir_.CreateAdd(
            address, ir_.CreateMul(register_value(argument.index_offset),
                                   ir_.getInt64(argument.scale)));
      }
      llvm::Value* slot = stack_slot(8, "usdt.arg");
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
    llvm::Value* narrow =
        ir_.CreateTrunc(raw, ir_.getIntNTy(argument.size * 8));
    return argument.is_signed ? ir_.CreateSExt(narrow, ir_.getInt64Ty())
                              : ir_.CreateZExt(narrow, ir_.getInt64Ty());
  }

  llvm::Value* field(const ast::FieldAccess& node) {
    // The only records so far are tracepoint `args`: the probe context.
    // The field's offset comes from this instance's own tracepoint.
    llvm::Value* base = expr(node.base);
    const types::Field* field = instance_.args_type.field(node.field);
    SONDE_CHECK(field != nullptr, "args field missing in instance");
    const Type& type = *field->type;
    llvm::Value* at =
        ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), base, field->offset);
    if (field->data_loc) {
      // (length << 16 | offset) of the string within the record.
      llvm::Value* loc = ir_.CreateLoad(ir_.getInt32Ty(), at);
      llvm::Value* offset =
          ir_.CreateZExt(ir_.CreateAnd(loc, 0xffff), ir_.getInt64Ty());
      llvm::Value* data = ir_.CreateInBoundsGEP(ir_.getInt8Ty(), base, offset);
      llvm::Value* slot = stack_slot(type.size(), "data_loc");
      zero(slot, type.size());
      builder_.call_helper(ir_, BPF_FUNC_probe_read_kernel_str,
                           {slot, ir_.getInt64(type.size()), data});
      return slot;
    }
    if (type.is_string()) {
      llvm::Value* slot = stack_slot(type.size(), "field");
      zero(slot, type.size());
      builder_.call_helper(ir_, BPF_FUNC_probe_read_kernel,
                           {slot, ir_.getInt64(type.size() - 1), at});
      return slot;
    }
    uint32_t bits = type.is_pointer() ? 64 : type.size() * 8;
    llvm::Value* raw = ir_.CreateLoad(ir_.getIntNTy(bits), at);
    return type.is_signed() ? ir_.CreateSExt(raw, ir_.getInt64Ty())
                            : ir_.CreateZExt(raw, ir_.getInt64Ty());
  }

  llvm::Value* map_read(const ast::MapAccess& access) {
    uint32_t index = program_.map_index(access.name);
    const MapMeta& map = resources_.metadata.maps[index];
    llvm::Value* key = map_key(access, map);
    if (map.per_cpu) {
      return read_aggregate(resources_.maps[index], key, map);
    }
    llvm::Value* found = builder_.call_helper(
        ir_, BPF_FUNC_map_lookup_elem, {resources_.maps[index], key}, "found");
    llvm::Value* pointer = ir_.CreateIntToPtr(found, ir_.getPtrTy());
    llvm::BasicBlock* hit = block("map.hit");
    llvm::BasicBlock* done = block("map.done");
    llvm::BasicBlock* miss = ir_.GetInsertBlock();
    if (map.value_type.is_string()) {
      // A missing key reads as the empty string.
      llvm::Value* slot = stack_slot(map.value_size, "map.value");
      zero(slot, map.value_size);
      ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), hit, done);
      ir_.SetInsertPoint(hit);
      ir_.CreateMemCpy(slot, llvm::MaybeAlign(1), pointer, llvm::MaybeAlign(1),
                       map.value_type.size());
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

  // An aggregation's value, merged over every CPU the way user space
  // merges it: summed, the least or greatest set value, or the average.
  llvm::Value* read_aggregate(llvm::GlobalVariable* global,
                              llvm::Value* key,
                              const MapMeta& map) {
    bool is_signed = map.value_type.is_signed();
    llvm::Value* first = stack_slot(8, "agg.first");
    llvm::Value* second = stack_slot(8, "agg.second");
    llvm::Value* any = stack_slot(8, "agg.any");
    llvm::Value* cpu_slot = stack_slot(8, "agg.cpu");
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
    ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), found_block,
                     next);

    ir_.SetInsertPoint(found_block);
    llvm::Value* value = ir_.CreateIntToPtr(found, ir_.getPtrTy());
    llvm::Value* head = ir_.CreateLoad(ir_.getInt64Ty(), value);
    llvm::Value* tail = ir_.CreateLoad(ir_.getInt64Ty(), field_at(value, 8));
    llvm::Value* old_first = ir_.CreateLoad(ir_.getInt64Ty(), first);
    llvm::Value* old_second = ir_.CreateLoad(ir_.getInt64Ty(), second);
    switch (map.value_kind) {
    case MapValueKind::Min:
    case MapValueKind::Max: {
      // {value, set}: take set values only.
      using P = llvm::CmpInst::Predicate;
      bool is_min = map.value_kind == MapValueKind::Min;
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
      ir_.CreateStore(ir_.CreateAdd(old_first, head), first);
      ir_.CreateStore(ir_.CreateAdd(old_second, tail), second);
      break;
    default:
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
    if (map.value_kind == MapValueKind::Avg ||
        map.value_kind == MapValueKind::Stats) {
      llvm::Value* count = result;
      llvm::Value* total = ir_.CreateLoad(ir_.getInt64Ty(), second);
      // No calls yet reads as 0 (BPF division by zero gives 0 as well).
      result = divide(ast::BinaryOp::Div, total, count, is_signed);
    }
    return result;
  }

  llvm::Value* ternary(const ast::Ternary& node) {
    const Type& type = program_.type_of(&node);
    llvm::Value* cond = expr(node.cond);
    llvm::BasicBlock* then_block = block("cond.then");
    llvm::BasicBlock* else_block = block("cond.else");
    llvm::BasicBlock* done = block("cond.end");
    // Strings go through a buffer of the result's size; integers merge.
    llvm::Value* result = type.is_string() ? stack_slot(type.size(), "cond")
                                           : stack_slot(8, "cond");
    ir_.CreateCondBr(truth(cond), then_block, else_block);
    auto arm = [&](llvm::BasicBlock* at, const ast::Expr* value,
                   llvm::Value* fallback) {
      ir_.SetInsertPoint(at);
      llvm::Value* computed = value != nullptr ? expr(value) : fallback;
      const Type& from = value != nullptr ? program_.type_of(value)
                                          : program_.type_of(node.cond);
      store_value(result, type, computed, from);
      ir_.CreateBr(done);
    };
    arm(then_block, node.then_expr, cond);
    arm(else_block, node.else_expr, nullptr);
    ir_.SetInsertPoint(done);
    return type.is_string() ? result : ir_.CreateLoad(ir_.getInt64Ty(), result);
  }

  // `++`/`--` on a variable or a map element; the value before (postfix)
  // or after (prefix).
  llvm::Value* inc_dec(const ast::IncDec& node) {
    llvm::Value* step = ir_.getInt64(node.increment ? 1 : -1);
    if (const auto* var = ast::dyn_cast<ast::Variable>(node.operand)) {
      llvm::Value* slot =
          variable_slot(var->name, program_.type_of(node.operand));
      llvm::Value* old = ir_.CreateLoad(ir_.getInt64Ty(), slot);
      llvm::Value* updated = ir_.CreateAdd(old, step);
      ir_.CreateStore(updated, slot);
      return node.prefix ? updated : old;
    }
    const auto& access = static_cast<const ast::MapAccess&>(*node.operand);
    uint32_t index = program_.map_index(access.name);
    const MapMeta& map = resources_.metadata.maps[index];
    llvm::Value* old = map_read(access);
    llvm::Value* updated = ir_.CreateAdd(old, step);
    store_map(resources_.maps[index], map, access, updated);
    return node.prefix ? updated : old;
  }

  llvm::Value* unary(const ast::Unary& node) {
    llvm::Value* operand = expr(node.operand);
    switch (node.op) {
    case ast::UnaryOp::Neg:
      return ir_.CreateNeg(operand);
    case ast::UnaryOp::LogicalNot:
      return ir_.CreateZExt(ir_.CreateICmpEQ(operand, ir_.getInt64(0)),
                            ir_.getInt64Ty());
    case ast::UnaryOp::BitNot:
      return ir_.CreateNot(operand);
    case ast::UnaryOp::Deref:
    case ast::UnaryOp::AddressOf:
      SONDE_CHECK(false, "sema rejects '*' and '&'");
    }
    return nullptr;
  }

  llvm::Value* binary(const ast::Binary& node) {
    if (node.op == ast::BinaryOp::LogicalAnd ||
        node.op == ast::BinaryOp::LogicalOr) {
      return short_circuit(node);
    }
    const Type& lhs_type = program_.type_of(node.lhs);
    const Type& rhs_type = program_.type_of(node.rhs);
    llvm::Value* lhs = expr(node.lhs);
    llvm::Value* rhs = expr(node.rhs);
    if (lhs_type.is_string()) {
      llvm::Value* equal =
          strings_equal(lhs, lhs_type.size(), rhs, rhs_type.size());
      if (node.op == ast::BinaryOp::Ne) {
        equal = ir_.CreateNot(equal);
      }
      return ir_.CreateZExt(equal, ir_.getInt64Ty());
    }
    return arithmetic(node.op, lhs, rhs,
                      lhs_type.is_signed() && rhs_type.is_signed(),
                      lhs_type.is_signed());
  }

  // An integer operator on 64-bit values; `is_signed` when both operands
  // are, `lhs_signed` for the shift's kind.
  llvm::Value* arithmetic(ast::BinaryOp op,
                          llvm::Value* lhs,
                          llvm::Value* rhs,
                          bool is_signed,
                          bool lhs_signed) {
    auto compare = [&](llvm::CmpInst::Predicate predicate) {
      return ir_.CreateZExt(ir_.CreateICmp(predicate, lhs, rhs),
                            ir_.getInt64Ty());
    };
    using P = llvm::CmpInst::Predicate;
    switch (op) {
    case ast::BinaryOp::Add:
      return ir_.CreateAdd(lhs, rhs);
    case ast::BinaryOp::Sub:
      return ir_.CreateSub(lhs, rhs);
    case ast::BinaryOp::Mul:
      return ir_.CreateMul(lhs, rhs);
    case ast::BinaryOp::Div:
    case ast::BinaryOp::Mod:
      return divide(op, lhs, rhs, is_signed);
    case ast::BinaryOp::BitAnd:
      return ir_.CreateAnd(lhs, rhs);
    case ast::BinaryOp::BitOr:
      return ir_.CreateOr(lhs, rhs);
    case ast::BinaryOp::BitXor:
      return ir_.CreateXor(lhs, rhs);
    case ast::BinaryOp::Shl:
      return ir_.CreateShl(lhs, rhs);
    case ast::BinaryOp::Shr:
      return lhs_signed ? ir_.CreateAShr(lhs, rhs) : ir_.CreateLShr(lhs, rhs);
    case ast::BinaryOp::Eq:
      return compare(P::ICMP_EQ);
    case ast::BinaryOp::Ne:
      return compare(P::ICMP_NE);
    case ast::BinaryOp::Lt:
      return compare(is_signed ? P::ICMP_SLT : P::ICMP_ULT);
    case ast::BinaryOp::Le:
      return compare(is_signed ? P::ICMP_SLE : P::ICMP_ULE);
    case ast::BinaryOp::Gt:
      return compare(is_signed ? P::ICMP_SGT : P::ICMP_UGT);
    case ast::BinaryOp::Ge:
      return compare(is_signed ? P::ICMP_SGE : P::ICMP_UGE);
    case ast::BinaryOp::LogicalAnd:
    case ast::BinaryOp::LogicalOr:
      break;
    }
    SONDE_CHECK(false, "unhandled binary operator");
  }

  // Division by zero gives zero, as in bpftrace (BPF itself defines it so).
  // Signed division uses `sdiv`/`smod` on BPF v4 and is built from
  // unsigned division of magnitudes before that.
  llvm::Value*
  divide(ast::BinaryOp op, llvm::Value* lhs, llvm::Value* rhs, bool is_signed) {
    bool div = op == ast::BinaryOp::Div;
    if (!is_signed) {
      return div ? ir_.CreateUDiv(lhs, rhs) : ir_.CreateURem(lhs, rhs);
    }
    if (resources_.has_signed_division) {
      return div ? ir_.CreateSDiv(lhs, rhs) : ir_.CreateSRem(lhs, rhs);
    }
    llvm::Value* zero_value = ir_.getInt64(0);
    llvm::Value* lhs_negative = ir_.CreateICmpSLT(lhs, zero_value);
    llvm::Value* rhs_negative = ir_.CreateICmpSLT(rhs, zero_value);
    llvm::Value* lhs_abs =
        ir_.CreateSelect(lhs_negative, ir_.CreateNeg(lhs), lhs);
    llvm::Value* rhs_abs =
        ir_.CreateSelect(rhs_negative, ir_.CreateNeg(rhs), rhs);
    llvm::Value* magnitude = div ? ir_.CreateUDiv(lhs_abs, rhs_abs)
                                 : ir_.CreateURem(lhs_abs, rhs_abs);
    // C semantics: the quotient is negative when the signs differ; the
    // remainder takes the sign of the dividend.
    llvm::Value* negate =
        div ? ir_.CreateXor(lhs_negative, rhs_negative) : lhs_negative;
    return ir_.CreateSelect(negate, ir_.CreateNeg(magnitude), magnitude);
  }

  llvm::Value* short_circuit(const ast::Binary& node) {
    bool is_and = node.op == ast::BinaryOp::LogicalAnd;
    llvm::Value* lhs = truth(expr(node.lhs));
    llvm::BasicBlock* lhs_end = ir_.GetInsertBlock();
    llvm::BasicBlock* rhs_block = block(is_and ? "and.rhs" : "or.rhs");
    llvm::BasicBlock* done = block(is_and ? "and.done" : "or.done");
    if (is_and) {
      ir_.CreateCondBr(lhs, rhs_block, done);
    } else {
      ir_.CreateCondBr(lhs, done, rhs_block);
    }
    ir_.SetInsertPoint(rhs_block);
    llvm::Value* rhs = truth(expr(node.rhs));
    llvm::BasicBlock* rhs_end = ir_.GetInsertBlock();
    ir_.CreateBr(done);
    ir_.SetInsertPoint(done);
    llvm::PHINode* result = ir_.CreatePHI(ir_.getInt1Ty(), 2);
    result->addIncoming(ir_.getInt1(!is_and), lhs_end);
    result->addIncoming(rhs, rhs_end);
    return ir_.CreateZExt(result, ir_.getInt64Ty());
  }

  // C-string equality over buffers of the given sizes: equal up to and
  // including the first NUL, with the shorter buffer's end acting as NUL.
  llvm::Value* strings_equal(llvm::Value* lhs,
                             uint32_t lhs_size,
                             llvm::Value* rhs,
                             uint32_t rhs_size) {
    uint32_t size = std::min(lhs_size, rhs_size);
    llvm::BasicBlock* done = block("streq.done");
    llvm::BasicBlock* not_equal = block("streq.ne");
    llvm::BasicBlock* equal = block("streq.eq");
    for (uint32_t i = 0; i < size; ++i) {
      llvm::Value* a = ir_.CreateLoad(
          ir_.getInt8Ty(),
          ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), lhs, i));
      llvm::Value* b = ir_.CreateLoad(
          ir_.getInt8Ty(),
          ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), rhs, i));
      llvm::BasicBlock* same = block("streq.same");
      ir_.CreateCondBr(ir_.CreateICmpEQ(a, b), same, not_equal);
      ir_.SetInsertPoint(same);
      llvm::BasicBlock* next = block("streq.next");
      ir_.CreateCondBr(ir_.CreateICmpEQ(a, ir_.getInt8(0)), equal, next);
      ir_.SetInsertPoint(next);
    }
    // All compared bytes matched without a NUL: equal only if the longer
    // buffer ends here too.
    llvm::Value* tail_equal = ir_.getTrue();
    if (lhs_size != rhs_size) {
      llvm::Value* longer = lhs_size > rhs_size ? lhs : rhs;
      llvm::Value* next_byte = ir_.CreateLoad(
          ir_.getInt8Ty(),
          ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), longer, size));
      tail_equal = ir_.CreateICmpEQ(next_byte, ir_.getInt8(0));
    }
    llvm::BasicBlock* tail = ir_.GetInsertBlock();
    ir_.CreateBr(done);
    ir_.SetInsertPoint(not_equal);
    ir_.CreateBr(done);
    ir_.SetInsertPoint(equal);
    ir_.CreateBr(done);
    ir_.SetInsertPoint(done);
    llvm::PHINode* result = ir_.CreatePHI(ir_.getInt1Ty(), 3);
    result->addIncoming(tail_equal, tail);
    result->addIncoming(ir_.getFalse(), not_equal);
    result->addIncoming(ir_.getTrue(), equal);
    return result;
  }

  llvm::Value* call(const ast::Call& node) {
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
    case sema::BuiltinFunction::Count:
    case sema::BuiltinFunction::Sum:
    case sema::BuiltinFunction::Min:
    case sema::BuiltinFunction::Max:
    case sema::BuiltinFunction::Avg:
    case sema::BuiltinFunction::Stats:
    case sema::BuiltinFunction::Hist:
    case sema::BuiltinFunction::Lhist:
      // Lowered by assign_map; a bare call was rejected by sema.
      SONDE_CHECK(false, "aggregation outside a map assignment");
    }
    return nullptr;
  }

  // delete(@m[k]) or delete(@m, k): 1 when the key was there, else 0.
  llvm::Value* delete_key(const ast::Call& node) {
    const auto& access = static_cast<const ast::MapAccess&>(*node.args[0]);
    uint32_t index = program_.map_index(access.name);
    const MapMeta& map = resources_.metadata.maps[index];
    llvm::Value* key = nullptr;
    if (node.args.size() == 2) {
      key = stack_slot(map.key_size, "key");
      zero(key, map.key_size);
      store_expr(node.args[1], key, map.key_fields.at(0));
    } else {
      key = map_key(access, map);
    }
    llvm::Value* result = builder_.call_helper(ir_, BPF_FUNC_map_delete_elem,
                                               {resources_.maps[index], key});
    return ir_.CreateZExt(ir_.CreateICmpEQ(result, ir_.getInt64(0)),
                          ir_.getInt64Ty());
  }

  // clear(), zero() and print() of a map happen in user space when the
  // event is read, in order with the probe's other output.
  void map_operation(const ast::Call& node, EventKind kind) {
    const auto& access = static_cast<const ast::MapAccess&>(*node.args[0]);
    uint32_t index = program_.map_index(access.name);
    uint32_t size = sizeof(EventHeader) + sizeof(MapOperation);
    llvm::Value* record = stack_slot(size, "map.op");
    store_header(record, kind, ir_.getInt32(index));
    llvm::Value* top =
        node.args.size() > 1 ? expr(node.args[1]) : ir_.getInt64(0);
    llvm::Value* div =
        node.args.size() > 2 ? expr(node.args[2]) : ir_.getInt64(1);
    ir_.CreateStore(top, field_at(record, sizeof(EventHeader) +
                                              offsetof(MapOperation, top)));
    ir_.CreateStore(div, field_at(record, sizeof(EventHeader) +
                                              offsetof(MapOperation, div)));
    output(record, size, 0);
  }

  void print_value(const ast::Call& node) {
    uint32_t id = program_.print_value_ids.at(&node);
    const PrintValueMeta& meta = resources_.metadata.print_values[id];
    uint32_t size = sizeof(EventHeader) + slot_size(meta.type);
    llvm::Value* record = stack_slot(size, "print");
    store_header(record, EventKind::PrintValue, ir_.getInt32(id));
    store_expr(node.args[0], record, {meta.type, sizeof(EventHeader)});
    output(record, size, 0);
  }

  llvm::Value* read_string(const ast::Call& node) {
    const Type& type = program_.type_of(&node);
    if (program_.type_of(node.args[0]).is_string()) {
      return expr(node.args[0]);
    }
    llvm::Value* slot = stack_slot(type.size(), "str");
    zero(slot, type.size());
    read_string_into(node, slot, type.size());
    return slot;
  }

  // str(p[, n]) into a zeroed buffer of `bound` bytes.
  void
  read_string_into(const ast::Call& node, llvm::Value* dest, uint32_t bound) {
    const Type& source_type = program_.type_of(node.args[0]);
    llvm::Value* address = expr(node.args[0]);
    llvm::Value* size = ir_.getInt64(bound);
    if (node.args.size() > 1) {
      // str(p, n) keeps at most n characters (n + 1 bytes with the NUL,
      // as bpftrace reads), within the string bound.
      llvm::Value* limit = ir_.CreateAdd(expr(node.args[1]), ir_.getInt64(1));
      llvm::Value* too_big = ir_.CreateICmpUGT(limit, size);
      size = ir_.CreateSelect(too_big, size, limit);
    }
    // A pointer knows its address space; a plain integer (arg0 in a
    // uprobe) points where the probe runs.
    types::AddressSpace space = source_type.is_pointer()
                                    ? source_type.address_space()
                                    : default_address_space();
    uint32_t helper_id = space == types::AddressSpace::User
                             ? BPF_FUNC_probe_read_user_str
                             : BPF_FUNC_probe_read_kernel_str;
    builder_.call_helper(
        ir_, helper_id,
        {dest, size, ir_.CreateIntToPtr(address, ir_.getPtrTy())});
  }

  void emit_printf(const ast::Call& node) {
    uint32_t id = program_.printf_ids.at(&node);
    const PrintfMeta& meta = resources_.metadata.printfs[id];
    llvm::Value* record = stack_slot(meta.record_size, "printf");
    store_header(record, EventKind::Printf, ir_.getInt32(id));
    for (size_t i = 0; i < meta.args.size(); ++i) {
      const ast::Expr* arg = node.args[i + 1];
      llvm::Value* value = expr(arg);
      llvm::Value* at = ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), record,
                                                       meta.args[i].offset);
      store_value(at, meta.args[i].type, value, program_.type_of(arg));
    }
    output(record, meta.record_size, 0);
  }

  void emit_exit(llvm::Value* code) {
    llvm::Value* record = stack_slot(sizeof(EventHeader), "exit");
    store_header(record, EventKind::Exit,
                 ir_.CreateTrunc(code, ir_.getInt32Ty()));
    // The runtime must see exit() at once, not at the next batch wakeup.
    output(record, sizeof(EventHeader), BPF_RB_FORCE_WAKEUP);
    ir_.CreateRet(ir_.getInt32(0));
  }

  void store_header(llvm::Value* record, EventKind kind, llvm::Value* id) {
    ir_.CreateStore(ir_.getInt32(static_cast<uint32_t>(kind)), record);
    ir_.CreateStore(id,
                    ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), record, 4));
  }

  // Sends a record to user space; a full ring buffer counts a lost event.
  void output(llvm::Value* record, uint32_t size, uint64_t flags) {
    llvm::Value* result = builder_.call_helper(
        ir_, BPF_FUNC_ringbuf_output,
        {resources_.events, record, ir_.getInt64(size), ir_.getInt64(flags)});
    llvm::BasicBlock* lost = block("output.lost");
    llvm::BasicBlock* done = block("output.done");
    ir_.CreateCondBr(ir_.CreateICmpNE(result, ir_.getInt64(0)), lost, done);
    ir_.SetInsertPoint(lost);
    llvm::Value* key = stack_slot(4, "lost.key");
    ir_.CreateStore(ir_.getInt32(0), key);
    llvm::Value* counter = builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem,
                                                {resources_.lost, key});
    llvm::BasicBlock* count = block("output.count");
    ir_.CreateCondBr(ir_.CreateICmpNE(counter, ir_.getInt64(0)), count, done);
    ir_.SetInsertPoint(count);
    llvm::Value* pointer = ir_.CreateIntToPtr(counter, ir_.getPtrTy());
    ir_.CreateStore(ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), pointer),
                                  ir_.getInt64(1)),
                    pointer);
    ir_.CreateBr(done);
    ir_.SetInsertPoint(done);
  }

  // ---- Helpers ------------------------------------------------------------

  llvm::Value* helper(uint32_t id) { return builder_.call_helper(ir_, id, {}); }

  // User-space probes read user memory by default, the rest kernel memory.
  types::AddressSpace default_address_space() const {
    probes::ProbeKind kind = instance_.targets.front().kind;
    return kind == probes::ProbeKind::Uprobe ||
                   kind == probes::ProbeKind::Uretprobe ||
                   kind == probes::ProbeKind::Usdt
               ? types::AddressSpace::User
               : types::AddressSpace::Kernel;
  }

  llvm::Value* truth(llvm::Value* value) {
    return ir_.CreateICmpNE(value, ir_.getInt64(0));
  }

  llvm::BasicBlock* block(const char* name) {
    return llvm::BasicBlock::Create(builder_.context(), name, function_);
  }

  void branch_to(llvm::BasicBlock* target) {
    if (ir_.GetInsertBlock()->getTerminator() == nullptr) {
      ir_.CreateBr(target);
    }
  }

  // An 8-byte aligned stack buffer, allocated in the entry block.
  llvm::Value* stack_slot(uint32_t size, const char* name) {
    auto* type = llvm::ArrayType::get(ir_.getInt8Ty(), (size + 7) & ~7u);
    llvm::AllocaInst* slot = entry_ir_.CreateAlloca(type, nullptr, name);
    slot->setAlignment(llvm::Align(8));
    return slot;
  }

  void zero(llvm::Value* slot, uint32_t size) {
    ir_.CreateMemSet(slot, ir_.getInt8(0), size, llvm::MaybeAlign(1));
  }

  llvm::Value* variable_slot(const std::string& name, const Type& type) {
    auto found = variables_.find(name);
    if (found != variables_.end()) {
      return found->second;
    }
    llvm::Value* slot =
        stack_slot(type.is_string() ? type.size() : 8, ("var." + name).c_str());
    variables_[name] = slot;
    return slot;
  }

  uint32_t line_of(SourceRange range) const {
    return resources_.source->line_column(range.begin).line;
  }

  void set_location(SourceRange range) {
    LineColumn at = resources_.source->line_column(range.begin);
    ir_.SetCurrentDebugLocation(
        builder_.location(function_, at.line, at.column));
  }

  ModuleBuilder& builder_;
  const ModuleResources& resources_;
  const sema::CheckedProgram& program_;
  const sema::ProbeInstance& instance_;
  llvm::IRBuilder<> ir_;
  llvm::IRBuilder<> entry_ir_;
  llvm::Function* function_ = nullptr;
  llvm::Value* ctx_ = nullptr;
  std::map<std::string, llvm::Value*> variables_;
  // The enclosing loops' continue and break targets.
  std::vector<std::pair<llvm::BasicBlock*, llvm::BasicBlock*>> loops_;
};

} // namespace

void lower_probe(ModuleBuilder& builder,
                 const ModuleResources& resources,
                 const sema::ProbeInstance& instance) {
  ProbeLowering(builder, resources, instance).lower();
}

} // namespace sonde::codegen
