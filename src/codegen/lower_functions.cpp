// SPDX-License-Identifier: Apache-2.0
// Builtins beyond the basics: stacks, values formatted in user space,
// user-space actions, registers, unsafe actions, map queries, and the
// map-full accounting of map updates.
#include "base/check.h"
#include "codegen/lowering.h"
#include "sema/builtins.h"

#include "llvm/IR/Intrinsics.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <linux/bpf.h>

namespace sonde::codegen {

namespace {

// `probe` and `probetype` spell begin and end in lower case, as bpftrace
// names them now, whether the script wrote BEGIN or begin.
std::string shown_probe_name(std::string name) {
  if (name == "BEGIN" || name == "END") {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
  }
  return name;
}

} // namespace

namespace {

// x86_64 struct pt_regs: the code segment register, whose low two bits are
// the privilege level the task ran at (3 in user mode).
constexpr uint32_t kCodeSegmentRegister = 136;

} // namespace

llvm::Value* ProbeLowering::builtin_variable(const ast::Builtin& node,
                                             sema::BuiltinVariable variable) {
  const Type& type = program_.type_of(&node);
  switch (variable) {
  case sema::BuiltinVariable::Kstack:
  case sema::BuiltinVariable::Ustack:
    return stack_value(type);
  case sema::BuiltinVariable::Elapsed: {
    llvm::Value* now = helper(BPF_FUNC_ktime_get_boot_ns);
    llvm::Value* key = memory_slot(4, "start.key");
    ir_.CreateStore(ir_.getInt32(0), key);
    llvm::Value* found = builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem,
                                              {resources_.start_time, key});
    llvm::BasicBlock* hit = block("elapsed.hit");
    llvm::BasicBlock* done = block("elapsed.done");
    llvm::BasicBlock* miss = ir_.GetInsertBlock();
    ir_.CreateCondBr(ir_.CreateICmpNE(found, ir_.getInt64(0)), hit, done);
    ir_.SetInsertPoint(hit);
    llvm::Value* start = ir_.CreateLoad(
        ir_.getInt64Ty(), ir_.CreateIntToPtr(found, ir_.getPtrTy()));
    ir_.CreateBr(done);
    ir_.SetInsertPoint(done);
    llvm::PHINode* origin = ir_.CreatePHI(ir_.getInt64Ty(), 2);
    origin->addIncoming(start, hit);
    origin->addIncoming(ir_.getInt64(0), miss);
    return ir_.CreateSub(now, origin);
  }
  case sema::BuiltinVariable::Jiffies:
    return helper(BPF_FUNC_jiffies64);
  case sema::BuiltinVariable::Rand:
    return helper(BPF_FUNC_get_prandom_u32);
  case sema::BuiltinVariable::Cgroup:
    return helper(BPF_FUNC_get_current_cgroup_id);
  case sema::BuiltinVariable::Numaid:
    return helper(BPF_FUNC_get_numa_node_id);
  case sema::BuiltinVariable::Ncpus:
    return ir_.getInt64(resources_.possible_cpus);
  case sema::BuiltinVariable::Usermode: {
    if (!probes::is_attached(
            probes::traits(instance_.targets.front().kind).trigger)) {
      return ir_.getInt64(1);
    }
    llvm::Value* cs = register_value(kCodeSegmentRegister);
    return ir_.CreateZExt(
        ir_.CreateICmpEQ(ir_.CreateAnd(cs, 3), ir_.getInt64(3)),
        ir_.getInt64Ty());
  }
  case sema::BuiltinVariable::Func: {
    // The traced function's address (the probe's breakpoint) and, for
    // user functions, the pid whose maps resolve it.
    if (!type.in_memory()) {
      return builder_.call_helper(ir_, BPF_FUNC_get_func_ip, {ctx_});
    }
    llvm::Value* slot = memory_slot(16, "func");
    ir_.CreateStore(builder_.call_helper(ir_, BPF_FUNC_get_func_ip, {ctx_}),
                    slot);
    ir_.CreateStore(ir_.CreateLShr(helper(BPF_FUNC_get_current_pid_tgid), 32),
                    field_at(slot, 8));
    return slot;
  }
  case sema::BuiltinVariable::Probe:
    return sized_string(shown_probe_name(instance_.targets.front().full_name),
                        type.size());
  case sema::BuiltinVariable::Probetype:
    return sized_string(
        shown_probe_name(probes::kind_spelling(instance_.targets.front().kind)),
        type.size());
  case sema::BuiltinVariable::Username:
    return ir_.CreateAnd(helper(BPF_FUNC_get_current_uid_gid), 0xffffffff);
  default:
    SONDE_CHECK(false, "builtin_variable called for a basic builtin");
  }
  return nullptr;
}

llvm::Value* ProbeLowering::stack_value(const Type& type) {
  bool user = type.is_user_stack();
  uint64_t flags = BPF_F_REUSE_STACKID | (user ? BPF_F_USER_STACK : 0);
  const auto& maps = type.stack_mode() == types::StackMode::BuildId
                         ? resources_.build_id_stack_maps
                         : resources_.stack_maps;
  llvm::Value* id = builder_.call_helper(
      ir_, BPF_FUNC_get_stackid,
      {ctx_, maps.at(type.element_count()), ir_.getInt64(flags)}, "stack.id");
  if (!user) {
    return id;
  }
  // User addresses mean something only in their process: keep its pid.
  llvm::Value* slot = memory_slot(16, "ustack");
  ir_.CreateStore(id, slot);
  ir_.CreateStore(ir_.CreateLShr(helper(BPF_FUNC_get_current_pid_tgid), 32),
                  field_at(slot, 8));
  return slot;
}

llvm::Value* ProbeLowering::sized_string(const std::string& text,
                                         uint32_t size) {
  llvm::Value* slot = memory_slot(size, "str");
  store_constant_string(slot, text, size);
  return slot;
}

llvm::Value* ProbeLowering::builtin_call(const ast::Call& node,
                                         sema::BuiltinFunction function) {
  const Type& type = program_.type_of(&node);
  switch (function) {
  case sema::BuiltinFunction::HasKey:
    return has_key(node);
  case sema::BuiltinFunction::Len:
    return map_length(node);
  case sema::BuiltinFunction::Kstack:
  case sema::BuiltinFunction::Ustack:
    return stack_value(type);
  case sema::BuiltinFunction::Ksym:
  case sema::BuiltinFunction::CgroupPath:
  case sema::BuiltinFunction::Kptr:
  case sema::BuiltinFunction::Uptr:
    return expr(node.args[0]);
  case sema::BuiltinFunction::Usym: {
    llvm::Value* slot = memory_slot(16, "usym");
    ir_.CreateStore(expr(node.args[0]), slot);
    ir_.CreateStore(ir_.CreateLShr(helper(BPF_FUNC_get_current_pid_tgid), 32),
                    field_at(slot, 8));
    return slot;
  }
  case sema::BuiltinFunction::Ntop: {
    // {u64 family, 16 address bytes}.
    llvm::Value* slot = memory_slot(24, "inet");
    zero(slot, 24);
    const ast::Expr* address = node.args.back();
    const Type& address_type = program_.type_of(address);
    llvm::Value* value = expr(address);
    uint64_t family = AF_INET;
    if (address_type.is_array()) {
      family = address_type.element_count() == 16 ? AF_INET6 : AF_INET;
      copy(field_at(slot, 8), value, address_type.element_count());
    } else {
      ir_.CreateStore(ir_.CreateTrunc(value, ir_.getInt32Ty()),
                      field_at(slot, 8));
    }
    ir_.CreateStore(node.args.size() == 2 ? expr(node.args[0])
                                          : ir_.getInt64(family),
                    slot);
    return slot;
  }
  case sema::BuiltinFunction::Macaddr: {
    llvm::Value* slot = memory_slot(16, "macaddr");
    zero(slot, 16);
    copy(slot, expr(node.args[0]), 6);
    return slot;
  }
  case sema::BuiltinFunction::Strftime: {
    llvm::Value* slot = memory_slot(16, "strftime");
    ir_.CreateStore(ir_.getInt64(program_.time_format_ids.at(&node)), slot);
    ir_.CreateStore(expr(node.args[1]), field_at(slot, 8));
    return slot;
  }
  case sema::BuiltinFunction::Time: {
    llvm::Value* record = memory_slot(sizeof(EventHeader), "time");
    store_header(record, EventKind::Time,
                 ir_.getInt32(program_.time_format_ids.at(&node)));
    output(record, sizeof(EventHeader), 0);
    return nullptr;
  }
  case sema::BuiltinFunction::Cat:
    emit_printf(node, EventKind::Cat);
    return nullptr;
  case sema::BuiltinFunction::System:
    emit_printf(node, EventKind::System);
    return nullptr;
  case sema::BuiltinFunction::Errorf:
    emit_printf(node, EventKind::Errorf);
    return nullptr;
  case sema::BuiltinFunction::Warnf:
    emit_printf(node, EventKind::Warnf);
    return nullptr;
  case sema::BuiltinFunction::Join:
    emit_join(node);
    return nullptr;
  case sema::BuiltinFunction::Kaddr:
  case sema::BuiltinFunction::Cgroupid:
    return ir_.getInt64(program_.constants.at(&node));
  case sema::BuiltinFunction::Uaddr: {
    llvm::Value* constant = ir_.getInt64(program_.constants.at(&node));
    if (program_.load_relative.count(&node) == 0) {
      return constant;
    }
    // The probed instruction's run-time address minus its link-time one
    // is the load bias.
    return ir_.CreateAdd(
        builder_.call_helper(ir_, BPF_FUNC_get_func_ip, {ctx_}), constant);
  }
  case sema::BuiltinFunction::Pton: {
    const auto* literal = static_cast<const ast::StringLiteral*>(node.args[0]);
    unsigned char bytes[16] = {};
    uint32_t size = type.element_count();
    inet_pton(size == 16 ? AF_INET6 : AF_INET, literal->value.c_str(), bytes);
    llvm::Value* slot = memory_slot(size, "pton");
    for (uint32_t i = 0; i < size; ++i) {
      ir_.CreateStore(ir_.getInt8(bytes[i]), field_at(slot, i));
    }
    return slot;
  }
  case sema::BuiltinFunction::Reg: {
    const auto* literal = static_cast<const ast::StringLiteral*>(node.args[0]);
    return register_value(*sema::register_offset(literal->value));
  }
  case sema::BuiltinFunction::Bswap: {
    llvm::Value* value = expr(node.args[0]);
    uint32_t bits = type.size() * 8;
    if (bits == 8) {
      return ir_.CreateAnd(value, 0xff);
    }
    llvm::Value* narrow = ir_.CreateTrunc(value, ir_.getIntNTy(bits));
    llvm::Value* swapped =
        ir_.CreateUnaryIntrinsic(llvm::Intrinsic::bswap, narrow);
    return ir_.CreateZExt(swapped, ir_.getInt64Ty());
  }
  case sema::BuiltinFunction::Signal: {
    llvm::Value* number = nullptr;
    if (const auto* literal = ast::dyn_cast<ast::StringLiteral>(node.args[0])) {
      number = ir_.getInt64(*sema::signal_number(literal->value));
    } else {
      number = expr(node.args[0]);
    }
    builder_.call_helper(ir_, BPF_FUNC_send_signal,
                         {ir_.CreateTrunc(number, ir_.getInt32Ty())});
    return nullptr;
  }
  case sema::BuiltinFunction::Override:
    // Error injection: the kprobed function returns `rc` without running.
    builder_.call_helper(ir_, BPF_FUNC_override_return,
                         {ctx_, expr(node.args[0])});
    return nullptr;
  default:
    SONDE_CHECK(false, "builtin_call called for a basic builtin");
  }
  return nullptr;
}

void ProbeLowering::emit_join(const ast::Call& node) {
  uint32_t id = program_.join_ids.at(&node);
  const JoinMeta& meta = resources_.metadata.joins[id];
  const Type& array_type = program_.type_of(node.args[0]);
  llvm::Value* array = expr(node.args[0]);
  const Type& string_pointer =
      array_type.is_pointer() ? array_type.pointee() : array_type.element();
  uint32_t count = meta.max_strings;
  if (array_type.is_array()) {
    count = std::min(count, array_type.element_count());
  }
  types::AddressSpace array_space = array_type.is_pointer()
                                        ? array_type.address_space()
                                        : types::AddressSpace::None;
  if (array_space == types::AddressSpace::None) {
    array_space = default_address_space();
  }
  types::AddressSpace string_space = string_pointer.address_space();
  if (string_space == types::AddressSpace::None) {
    string_space = array_space;
  }

  llvm::Value* reserved = builder_.call_helper(
      ir_, BPF_FUNC_ringbuf_reserve,
      {resources_.events, ir_.getInt64(meta.record_size()), ir_.getInt64(0)});
  llvm::BasicBlock* fill = block("join.fill");
  llvm::BasicBlock* lost = block("join.lost");
  llvm::BasicBlock* submit = block("join.submit");
  llvm::BasicBlock* done = block("join.done");
  ir_.CreateCondBr(ir_.CreateICmpNE(reserved, ir_.getInt64(0)), fill, lost);

  ir_.SetInsertPoint(lost);
  count_in(resources_.lost, 0);
  ir_.CreateBr(done);

  ir_.SetInsertPoint(fill);
  llvm::Value* record = ir_.CreateIntToPtr(reserved, ir_.getPtrTy());
  store_header(record, EventKind::Join, ir_.getInt32(id));
  llvm::Value* count_field = field_at(record, sizeof(EventHeader));
  llvm::Value* pointer_slot = stack_slot(8, "join.pointer");
  uint32_t read_pointer = array_space == types::AddressSpace::User
                              ? BPF_FUNC_probe_read_user
                              : BPF_FUNC_probe_read_kernel;
  uint32_t read_string = string_space == types::AddressSpace::User
                             ? BPF_FUNC_probe_read_user_str
                             : BPF_FUNC_probe_read_kernel_str;
  // Unrolled: the record stores how many strings precede the first NULL
  // pointer, updated before each one so any exit leaves it right.
  for (uint32_t i = 0; i < count; ++i) {
    ir_.CreateStore(ir_.getInt64(i), count_field);
    llvm::Value* pointer = nullptr;
    if (array_type.is_array()) {
      pointer = ir_.CreateLoad(ir_.getInt64Ty(), field_at(array, i * 8));
    } else {
      builder_.call_helper(
          ir_, read_pointer,
          {pointer_slot, ir_.getInt64(8),
           ir_.CreateIntToPtr(ir_.CreateAdd(array, ir_.getInt64(i * 8)),
                              ir_.getPtrTy())});
      pointer = ir_.CreateLoad(ir_.getInt64Ty(), pointer_slot);
    }
    llvm::BasicBlock* read = block("join.read");
    ir_.CreateCondBr(ir_.CreateICmpEQ(pointer, ir_.getInt64(0)), submit, read);
    ir_.SetInsertPoint(read);
    uint32_t offset = sizeof(EventHeader) + 8 + i * meta.string_size;
    builder_.call_helper(ir_, read_string,
                         {field_at(record, offset),
                          ir_.getInt64(meta.string_size),
                          ir_.CreateIntToPtr(pointer, ir_.getPtrTy())});
  }
  ir_.CreateStore(ir_.getInt64(count), count_field);
  ir_.CreateBr(submit);

  ir_.SetInsertPoint(submit);
  builder_.call_helper(ir_, BPF_FUNC_ringbuf_submit, {record, ir_.getInt64(0)});
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
}

llvm::Value* ProbeLowering::has_key(const ast::Call& node) {
  const auto& access = static_cast<const ast::MapAccess&>(*node.args[0]);
  uint32_t index = program_.map_index(access.name);
  const MapMeta& map = resources_.metadata.maps[index];
  llvm::Value* key = memory_slot(map.key_size, "key");
  zero(key, map.key_size);
  store_expr(node.args[1], key, map.key_field(0));
  llvm::Value* found = builder_.call_helper(ir_, BPF_FUNC_map_lookup_elem,
                                            {resources_.maps[index], key});
  return ir_.CreateZExt(ir_.CreateICmpNE(found, ir_.getInt64(0)),
                        ir_.getInt64Ty());
}

llvm::Value* ProbeLowering::map_length(const ast::Call& node) {
  const auto& access = static_cast<const ast::MapAccess&>(*node.args[0]);
  uint32_t index = program_.map_index(access.name);
  // The helper returns the number of elements it visited. A count kept by
  // the callback in the probe's memory would be a value the verifier
  // follows through every element, and never settles when it is compared.
  llvm::Value* visited = builder_.call_helper(
      ir_, BPF_FUNC_for_each_map_elem,
      {resources_.maps[index], builder_.next_callback(),
       llvm::ConstantPointerNull::get(ir_.getPtrTy()), ir_.getInt64(0)});
  return ir_.CreateSelect(ir_.CreateICmpSLT(visited, ir_.getInt64(0)),
                          ir_.getInt64(0), visited);
}

void ProbeLowering::update_map(llvm::GlobalVariable* global,
                               llvm::Value* key,
                               llvm::Value* value) {
  llvm::Value* result =
      builder_.call_helper(ir_, BPF_FUNC_map_update_elem,
                           {global, key, value, ir_.getInt64(BPF_ANY)});
  if (resources_.map_full == nullptr) {
    return;
  }
  auto position =
      std::find(resources_.maps.begin(), resources_.maps.end(), global);
  if (position == resources_.maps.end()) {
    return;
  }
  llvm::BasicBlock* failed = block("update.failed");
  llvm::BasicBlock* done = block("update.done");
  ir_.CreateCondBr(ir_.CreateICmpSLT(result, ir_.getInt64(0)), failed, done);
  ir_.SetInsertPoint(failed);
  count_in(resources_.map_full,
           static_cast<uint32_t>(position - resources_.maps.begin()));
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
}

} // namespace sonde::codegen
