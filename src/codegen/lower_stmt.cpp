// SPDX-License-Identifier: Apache-2.0
// Statements: blocks, control flow, variable assignments.
#include "codegen/lowering.h"
#include "types/record_fields.h"

namespace sonde::codegen {

void ProbeLowering::lower() {
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
  place_variables_in_scratch_map();
  emit_probe_guards();

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
  // to the scratch lookup, if any, and the body.
  entry_ir_.SetCurrentDebugLocation(ir_.getCurrentDebugLocation());
  entry_ir_.CreateBr(close_scratch_frame(body));
  declare_scratch_map();
}

void ProbeLowering::lower_block(const ast::Block& block) {
  for (const ast::Stmt* stmt : block.stmts) {
    if (ir_.GetInsertBlock()->getTerminator() != nullptr) {
      // Code after exit() never runs.
      return;
    }
    set_location(stmt->range());
    lower_stmt(*stmt);
  }
}

void ProbeLowering::lower_stmt(const ast::Stmt& stmt) {
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
    lower_return(static_cast<const ast::Return&>(stmt));
    return;
  case ast::NodeKind::ForMap:
    lower_for_map(static_cast<const ast::ForMap&>(stmt));
    return;
  case ast::NodeKind::Import:
    // Resolved before sema, with the root imports: no code.
    return;
  default:
    SONDE_CHECK(false, "unexpected statement kind");
  }
}

void ProbeLowering::lower_while(const ast::While& loop) {
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

void ProbeLowering::lower_for_range(const ast::ForRange& loop) {
  if (program_.callback_range_loops.contains(&loop)) {
    lower_range_callback(loop);
    return;
  }
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
  ir_.CreateStore(
      ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), counter), ir_.getInt64(1)),
      counter);
  ir_.CreateBr(head);
  ir_.SetInsertPoint(done);
}

void ProbeLowering::lower_if(const ast::If& stmt) {
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

void ProbeLowering::assign_var(const ast::AssignVar& assign) {
  const Type& type = program_.type_of(assign.target);
  llvm::Value* value = expr(assign.value);
  llvm::Value* slot = variable_slot(assign.target->name, type);
  if (assign.compound) {
    llvm::Value* old = ir_.CreateLoad(ir_.getInt64Ty(), slot);
    const Type& value_type = program_.type_of(assign.value);
    value = pointer_step(type, *assign.compound, value);
    store_value(slot, type,
                arithmetic(*assign.compound, old, value,
                           type.is_signed() && value_type.is_signed(),
                           type.is_signed(), assign),
                type);
    return;
  }
  store_value(slot, type, value, program_.type_of(assign.value));
}

void ProbeLowering::store_expr(const ast::Expr* node,
                               llvm::Value* base,
                               const ValueLayout& field,
                               bool packed) {
  llvm::Value* at =
      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), base, field.offset);
  if (field.type.is_string() &&
      fill_string(node, at,
                  packed ? field.type.size() : slot_size(field.type))) {
    return;
  }
  store_value(at, field.type, expr(node), program_.type_of(node), packed);
}

void ProbeLowering::store_value(llvm::Value* slot,
                                const Type& to,
                                llvm::Value* value,
                                const Type& from,
                                bool packed) {
  if (to.is_tuple() && !(to == from)) {
    // Element by element: strings may differ in size.
    for (size_t i = 0; i < to.fields().size(); ++i) {
      const types::Field& to_field = to.fields()[i];
      const types::Field& from_field = *types::field_for(from, to, i);
      llvm::Value* source =
          load_from(ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), value,
                                                   from_field.offset),
                    *from_field.type);
      store_value(ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), slot,
                                                 to_field.offset),
                  *to_field.type, source, *from_field.type, /*packed=*/true);
    }
    return;
  }
  if (to.in_memory()) {
    zero(slot, to.size());
    copy(slot, value, std::min(to.size(), from.size()));
    return;
  }
  if (to.is_bool() && !from.is_bool()) {
    value = ir_.CreateZExt(truth(value), ir_.getInt64Ty());
  }
  if ((to.is_integer() || to.is_bool()) && to.size() < 8) {
    // A value of a narrower type keeps its type's range.
    llvm::Value* narrow = ir_.CreateTrunc(value, ir_.getIntNTy(to.size() * 8));
    if (packed) {
      ir_.CreateStore(narrow, slot);
      return;
    }
    value = to.is_signed() ? ir_.CreateSExt(narrow, ir_.getInt64Ty())
                           : ir_.CreateZExt(narrow, ir_.getInt64Ty());
  }
  ir_.CreateStore(value, slot);
}

} // namespace sonde::codegen
