// SPDX-License-Identifier: Apache-2.0
// strlen, strstr, memcmp, str_concat, strcap, the type predicates and
// container_of.
//
// Strings may be large (max_strlen up to 32768), so loops over their bytes
// are real loops bounded by the buffer's size, which the verifier walks
// once per byte, never unrolled code (strstr's search is a bpf_loop
// callback); copies go through the kernel's string helpers, which cost the
// verifier one call.
#include "codegen/lowering.h"

#include <llvm/IR/InlineAsm.h>

namespace sonde::codegen {

llvm::Value*
ProbeLowering::more_string_function(const ast::Call& node,
                                    sema::BuiltinFunction function) {
  switch (function) {
  case sema::BuiltinFunction::Strlen:
    return string_length(node.args[0]);
  case sema::BuiltinFunction::Strcap:
    // A held string's or array's capacity is known; a pointer's is its
    // length.
    if (auto known = program_.constants.find(&node);
        known != program_.constants.end()) {
      return ir_.getInt64(known->second);
    }
    return string_length(node.args[0]);
  case sema::BuiltinFunction::AssertStr:
    return nullptr; // Checked by sema.
  case sema::BuiltinFunction::Strstr: {
    const Type& haystack = program_.type_of(node.args[0]);
    const Type& needle = program_.type_of(node.args[1]);
    llvm::Value* h = expr(node.args[0]);
    llvm::Value* n = expr(node.args[1]);
    return string_find(h, haystack.size(), n, needle.size());
  }
  case sema::BuiltinFunction::Memcmp: {
    const Type& left = program_.type_of(node.args[0]);
    const Type& right = program_.type_of(node.args[1]);
    llvm::Value* l = expr(node.args[0]);
    llvm::Value* r = expr(node.args[1]);
    llvm::Value* count = expr(node.args[2]);
    return memory_compare(l, r, std::min(left.size(), right.size()), count);
  }
  case sema::BuiltinFunction::StrConcat:
    return string_concat(node);
  case sema::BuiltinFunction::IsStr:
  case sema::BuiltinFunction::IsPtr:
  case sema::BuiltinFunction::IsArray:
  case sema::BuiltinFunction::IsInteger:
  case sema::BuiltinFunction::IsUnsignedInteger:
  case sema::BuiltinFunction::IsLiteral:
    // The operand is never run.
    return ir_.getInt64(program_.constants.at(&node));
  case sema::BuiltinFunction::ConfigRecord:
    return config_record(program_.type_of(&node));
  case sema::BuiltinFunction::ContainerOf: {
    llvm::Value* pointer = expr(node.args[0]);
    return ir_.CreateSub(pointer,
                         ir_.getInt64(program_.constants.at(node.args[2])));
  }
  default:
    SONDE_CHECK(false, "not a string function");
  }
  return nullptr;
}

llvm::Value* ProbeLowering::string_length(const ast::Expr* arg) {
  const Type& type = program_.type_of(arg);
  llvm::Value* value = expr(arg);
  if (type.in_memory()) {
    return held_string_length(value, type.size());
  }
  // A char pointer: the kernel's string read counts the bytes it copies,
  // NUL included, into a scratch buffer of max_strlen bytes.
  const uint32_t bound = program_.config.max_strlen;
  llvm::Value* scratch = memory_slot(bound, "strlen");
  types::AddressSpace space = type.address_space();
  uint32_t helper_id = space == types::AddressSpace::User
                           ? BPF_FUNC_probe_read_user_str
                           : BPF_FUNC_probe_read_kernel_str;
  llvm::Value* copied =
      builder_.call_helper(ir_, helper_id,
                           {scratch, ir_.getInt64(bound),
                            ir_.CreateIntToPtr(value, ir_.getPtrTy())});
  // An unreadable pointer (a negative error) has no characters.
  llvm::Value* positive = ir_.CreateICmpSGT(copied, ir_.getInt64(0));
  return ir_.CreateSelect(positive, ir_.CreateSub(copied, ir_.getInt64(1)),
                          ir_.getInt64(0));
}

llvm::Value* ProbeLowering::held_string_length(llvm::Value* text,
                                               uint32_t size) {
  // for (i = 0; i < size && text[i]; ++i) {}
  llvm::BasicBlock* before = ir_.GetInsertBlock();
  llvm::BasicBlock* head = block("strlen.head");
  llvm::BasicBlock* body = block("strlen.body");
  llvm::BasicBlock* next = block("strlen.next");
  llvm::BasicBlock* done = block("strlen.done");
  ir_.CreateBr(head);
  ir_.SetInsertPoint(head);
  llvm::PHINode* i = ir_.CreatePHI(ir_.getInt64Ty(), 2, "i");
  i->addIncoming(ir_.getInt64(0), before);
  ir_.CreateCondBr(ir_.CreateICmpULT(i, ir_.getInt64(size)), body, done);
  ir_.SetInsertPoint(body);
  llvm::Value* byte = ir_.CreateLoad(
      ir_.getInt8Ty(), ir_.CreateInBoundsGEP(ir_.getInt8Ty(), text, i));
  ir_.CreateCondBr(ir_.CreateICmpEQ(byte, ir_.getInt8(0)), done, next);
  ir_.SetInsertPoint(next);
  i->addIncoming(ir_.CreateAdd(i, ir_.getInt64(1)), next);
  ir_.CreateBr(head);
  ir_.SetInsertPoint(done);
  return i;
}

llvm::Value* ProbeLowering::string_find(llvm::Value* haystack,
                                        uint32_t haystack_size,
                                        llvm::Value* needle,
                                        uint32_t needle_size) {
  // bpf_loop runs the search at each start in the haystack: the verifier
  // checks the callback about once, where a loop over the starts with the
  // compare inside would cost it the compare per start, past its limit
  // on two runtime strings of max_strlen bytes. The context: the two
  // strings' addresses and whether the needle was found. The callback
  // stops at the start where it is, so bpf_loop returns that start + 1:
  // the callback passes back no value whose range would differ per start,
  // which would keep the verifier from matching its states.
  // One context per function: searches never overlap.
  llvm::Value*& context = strstr_contexts_[function_];
  if (context == nullptr) {
    context = stack_slot(24, "strstr.ctx");
  }
  ir_.CreateStore(haystack, context);
  ir_.CreateStore(needle,
                  ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), context, 8));
  llvm::Value* found =
      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), context, 16);
  ir_.CreateStore(ir_.getInt64(0), found);
  llvm::Value* runs =
      builder_.call_helper(ir_, BPF_FUNC_loop,
                           {ir_.getInt64(haystack_size),
                            string_find_callback(haystack_size, needle_size),
                            context, ir_.getInt64(0)});
  return ir_.CreateSelect(
      ir_.CreateICmpNE(ir_.CreateLoad(ir_.getInt64Ty(), found),
                       ir_.getInt64(0)),
      ir_.CreateSub(runs, ir_.getInt64(1)), ir_.getInt64(-1));
}

llvm::Function* ProbeLowering::string_find_callback(uint32_t haystack_size,
                                                    uint32_t needle_size) {
  // One callback per pair of sizes, shared by the module's probes.
  std::string name = "sonde_strstr_" + std::to_string(haystack_size) + "_" +
                     std::to_string(needle_size);
  if (llvm::Function* made = builder_.module().getFunction(name)) {
    return made;
  }
  llvm::Function* callback = builder_.add_loop_callback_function(name, 1);
  llvm::LLVMContext& context = builder_.context();
  llvm::IRBuilder<> ir(llvm::BasicBlock::Create(context, "entry", callback));
  ir.SetCurrentDebugLocation(builder_.location(callback, 1, 1));
  auto make = [&](const char* label) {
    return llvm::BasicBlock::Create(context, label, callback);
  };
  llvm::Value* start = ir.CreatePtrToInt(callback->getArg(0), ir.getInt64Ty());
  llvm::Value* state = callback->getArg(1);
  llvm::Value* haystack = ir.CreateLoad(ir.getPtrTy(), state);
  llvm::Value* needle = ir.CreateLoad(
      ir.getPtrTy(), ir.CreateConstInBoundsGEP1_32(ir.getInt8Ty(), state, 8));
  llvm::Value* found_flag =
      ir.CreateConstInBoundsGEP1_32(ir.getInt8Ty(), state, 16);
  llvm::BasicBlock* found = make("found");
  llvm::BasicBlock* missing = make("missing");
  llvm::BasicBlock* next = make("next");
  llvm::BasicBlock* head = make("head");
  llvm::BasicBlock* body = make("body");
  llvm::BasicBlock* inside = make("inside");
  llvm::BasicBlock* differs = make("differs");
  llvm::BasicBlock* same = make("same");
  // The verifier does not bound the index bpf_loop gives: check it first,
  // so that every address computed from it is in the haystack.
  llvm::BasicBlock* before = make("bounded");
  ir.CreateCondBr(ir.CreateICmpULT(start, ir.getInt64(haystack_size)), before,
                  missing);
  ir.SetInsertPoint(before);
  // for (j = 0; j < needle_size; ++j): the needle at `start`, up to its
  // NUL; a haystack that ends first leaves no later start that fits.
  ir.CreateBr(head);
  ir.SetInsertPoint(head);
  llvm::PHINode* j = ir.CreatePHI(ir.getInt64Ty(), 2, "j");
  j->addIncoming(ir.getInt64(0), before);
  ir.CreateCondBr(ir.CreateICmpULT(j, ir.getInt64(needle_size)), body, found);
  ir.SetInsertPoint(body);
  llvm::Value* wanted = ir.CreateLoad(
      ir.getInt8Ty(), ir.CreateInBoundsGEP(ir.getInt8Ty(), needle, j));
  llvm::BasicBlock* compare = make("compare");
  ir.CreateCondBr(ir.CreateICmpEQ(wanted, ir.getInt8(0)), found, compare);
  ir.SetInsertPoint(compare);
  llvm::Value* at = ir.CreateAdd(start, j);
  ir.CreateCondBr(ir.CreateICmpULT(at, ir.getInt64(haystack_size)), inside,
                  missing);
  ir.SetInsertPoint(inside);
  // The address from the index just checked, through an opaque copy that
  // LLVM cannot split into `haystack + start` (which the verifier knows
  // nothing about) plus j.
  auto* copy_type =
      llvm::FunctionType::get(ir.getInt64Ty(), {ir.getInt64Ty()}, false);
  llvm::Value* checked = ir.CreateCall(
      copy_type, llvm::InlineAsm::get(copy_type, "$0 = $1", "=r,r", true),
      {at});
  llvm::Value* got = ir.CreateLoad(
      ir.getInt8Ty(), ir.CreateInBoundsGEP(ir.getInt8Ty(), haystack, checked));
  ir.CreateCondBr(ir.CreateICmpEQ(got, wanted), same, differs);
  ir.SetInsertPoint(same);
  j->addIncoming(ir.CreateAdd(j, ir.getInt64(1)), same);
  ir.CreateBr(head);
  ir.SetInsertPoint(differs);
  ir.CreateCondBr(ir.CreateICmpEQ(got, ir.getInt8(0)), missing, next);
  // Found: the result is the start; either way the search stops (1).
  ir.SetInsertPoint(found);
  ir.CreateStore(ir.getInt64(1), found_flag);
  ir.CreateRet(ir.getInt64(1));
  ir.SetInsertPoint(missing);
  ir.CreateRet(ir.getInt64(1));
  ir.SetInsertPoint(next);
  ir.CreateRet(ir.getInt64(0));
  return callback;
}

llvm::Value* ProbeLowering::memory_compare(llvm::Value* left,
                                           llvm::Value* right,
                                           uint32_t size,
                                           llvm::Value* count) {
  // for (i = 0; i < size && i < count; ++i) if (l[i] != r[i]) differ;
  // the result is the difference of the first unequal bytes, as in C.
  llvm::BasicBlock* before = ir_.GetInsertBlock();
  llvm::BasicBlock* head = block("memcmp.head");
  llvm::BasicBlock* counted = block("memcmp.counted");
  llvm::BasicBlock* body = block("memcmp.body");
  llvm::BasicBlock* next = block("memcmp.next");
  llvm::BasicBlock* differ = block("memcmp.differ");
  llvm::BasicBlock* equal = block("memcmp.equal");
  llvm::BasicBlock* done = block("memcmp.done");
  ir_.CreateBr(head);
  ir_.SetInsertPoint(head);
  llvm::PHINode* i = ir_.CreatePHI(ir_.getInt64Ty(), 2, "i");
  i->addIncoming(ir_.getInt64(0), before);
  ir_.CreateCondBr(ir_.CreateICmpULT(i, ir_.getInt64(size)), counted, equal);
  ir_.SetInsertPoint(counted);
  ir_.CreateCondBr(ir_.CreateICmpULT(i, count), body, equal);
  ir_.SetInsertPoint(body);
  llvm::Value* a = ir_.CreateZExt(
      ir_.CreateLoad(ir_.getInt8Ty(),
                     ir_.CreateInBoundsGEP(ir_.getInt8Ty(), left, i)),
      ir_.getInt64Ty());
  llvm::Value* b = ir_.CreateZExt(
      ir_.CreateLoad(ir_.getInt8Ty(),
                     ir_.CreateInBoundsGEP(ir_.getInt8Ty(), right, i)),
      ir_.getInt64Ty());
  ir_.CreateCondBr(ir_.CreateICmpEQ(a, b), next, differ);
  ir_.SetInsertPoint(next);
  i->addIncoming(ir_.CreateAdd(i, ir_.getInt64(1)), next);
  ir_.CreateBr(head);
  ir_.SetInsertPoint(differ);
  llvm::Value* difference = ir_.CreateSub(a, b);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(equal);
  ir_.CreateBr(done);
  ir_.SetInsertPoint(done);
  llvm::PHINode* result = ir_.CreatePHI(ir_.getInt64Ty(), 2);
  result->addIncoming(difference, differ);
  result->addIncoming(ir_.getInt64(0), equal);
  return result;
}

llvm::Value* ProbeLowering::string_concat(const ast::Call& node) {
  const Type& type = program_.type_of(&node);
  const uint32_t first_size = program_.type_of(node.args[0]).size();
  const uint32_t second_size = program_.type_of(node.args[1]).size();
  llvm::Value* first = expr(node.args[0]);
  llvm::Value* second = expr(node.args[1]);
  llvm::Value* out = memory_slot(type.size(), "concat");
  zero(out, type.size());
  // The kernel's string copy stops at the first text's NUL and says how
  // many bytes it wrote; the second text goes right after the characters.
  // (Both are held in BPF memory, which the kernel reads like any other.)
  llvm::Value* written =
      builder_.call_helper(ir_, BPF_FUNC_probe_read_kernel_str,
                           {out, ir_.getInt64(first_size), first});
  llvm::Value* length = ir_.CreateSub(written, ir_.getInt64(1));
  // A failed copy (never expected) counts as empty; the bound also tells
  // the verifier where the second copy may start.
  length =
      ir_.CreateSelect(ir_.CreateICmpULE(length, ir_.getInt64(first_size - 1)),
                       length, ir_.getInt64(0));
  llvm::Value* tail = ir_.CreateInBoundsGEP(ir_.getInt8Ty(), out, length);
  builder_.call_helper(ir_, BPF_FUNC_probe_read_kernel_str,
                       {tail, ir_.getInt64(second_size), second});
  return out;
}

llvm::Value* ProbeLowering::stack_length(const ast::Call& node) {
  // The kernel walks the stack again where the probe runs: the same
  // frames the argument holds, now counted (bytes / 8).
  // The argument (kstack, ustack or a variable holding one) is not run.
  const Type& type = program_.type_of(node.args[0]);
  const uint32_t bytes = type.element_count() * 8;
  llvm::Value* frames = memory_slot(bytes, "stack.frames");
  llvm::Value* written = builder_.call_helper(
      ir_, BPF_FUNC_get_stack,
      {ctx_, frames, ir_.getInt64(bytes),
       ir_.getInt64(type.is_user_stack() ? BPF_F_USER_STACK : 0)});
  llvm::Value* positive = ir_.CreateICmpSGT(written, ir_.getInt64(0));
  return ir_.CreateSelect(positive, ir_.CreateLShr(written, 3),
                          ir_.getInt64(0));
}

} // namespace sonde::codegen
