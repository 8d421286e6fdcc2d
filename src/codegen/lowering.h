// SPDX-License-Identifier: Apache-2.0
// The lowering of one probe into one BPF function, shared by the
// lower_*.cpp files (statements, expressions, maps, builtins); only
// probe_lowering.cpp's lower_probe() is the library's interface.
#pragma once

#include "base/check.h"
#include "codegen/probe_lowering.h"
#include "sema/builtins.h"
#include "sema/variable_modes.h"

#include <functional>
#include <linux/bpf.h>
#include <map>

namespace sonde::codegen {

using types::Type;

// x86_64 struct pt_regs offsets: the System V argument registers (rdi, rsi,
// rdx, rcx, r8, r9) and the return register (rax).
inline constexpr uint32_t kArgumentRegisters[sema::kRegisterArguments] = {
    112, 104, 96, 88, 72, 64};
inline constexpr uint32_t kReturnRegister = 80;

class ProbeLowering {
public:
  ProbeLowering(ModuleBuilder& builder,
                const ModuleResources& resources,
                const sema::ProbeInstance& instance);
  void lower();

private:
  // ---- Statements ---------------------------------------------------------
  void lower_block(const ast::Block& block);

  void lower_stmt(const ast::Stmt& stmt);

  // The verifier accepts loops whose termination it can prove by
  // exploring them (kernels since 5.3).
  void lower_while(const ast::While& loop);

  // `for ($i : start..end)`: both bounds evaluated once, end excluded.
  void lower_for_range(const ast::ForRange& loop);

  // lower_strings.cpp: strncmp, buf.
  llvm::Value* string_function(const ast::Call& node,
                               sema::BuiltinFunction function);
  llvm::Value* read_buffer(const ast::Call& node);

  // lower_variable_modes.cpp: nsecs(boot), pid(init), ... and the bare
  // variables' default modes.
  llvm::Value* variable_with_mode(const ast::Call& node,
                                  sema::BuiltinFunction function);
  llvm::Value* clock_nanoseconds(sema::ClockMode mode);
  llvm::Value* pid_in(sema::PidNamespace space, bool thread);

  // lower_tasks.cpp: task_from_pid(pid) through the kernel's
  // bpf_task_from_pid and bpf_task_release kfuncs.
  llvm::Value* task_from_pid(const ast::Call& node);

  // lower_string_functions.cpp: strlen, strstr, memcmp, str_concat,
  // strcap, assert_str, the type predicates, container_of.
  llvm::Value* more_string_function(const ast::Call& node,
                                    sema::BuiltinFunction function);
  // strlen of a string, char array or char pointer.
  llvm::Value* string_length(const ast::Expr* arg);
  // The bytes before the first NUL of a held buffer of `size` bytes.
  llvm::Value* held_string_length(llvm::Value* text, uint32_t size);
  // The index of `needle` in `haystack`, or -1.
  llvm::Value* string_find(llvm::Value* haystack,
                           uint32_t haystack_size,
                           llvm::Value* needle,
                           uint32_t needle_size);
  // The bpf_loop callback of string_find(): compares the needle at the
  // start its index names; stops when found or past the haystack's end.
  llvm::Function* string_find_callback(uint32_t haystack_size,
                                       uint32_t needle_size);
  // C memcmp of the first min(size, count) bytes.
  llvm::Value* memory_compare(llvm::Value* left,
                              llvm::Value* right,
                              uint32_t size,
                              llvm::Value* count);
  llvm::Value* string_concat(const ast::Call& node);
  // len(stack): the frames of the stack where the probe runs.
  llvm::Value* stack_length(const ast::Call& node);

  // lower_map_loop.cpp
  void lower_for_map(const ast::ForMap& loop);
  void place_variables_in_scratch_map();
  // A loop whose body is a static callback that a helper calls
  // (bpf_for_each_map_elem, bpf_loop). The caller's context holds a
  // pointer to each of the probe's variables but the loop's own, then the
  // flag a `return` or exit() in the body sets, the probe's context, then
  // `extra_size` bytes of the loop's own values.
  struct CallbackLoop {
    std::vector<std::pair<std::string, Type>> shared;
    llvm::Value* context = nullptr;
    llvm::Value* returned = nullptr;
    llvm::Value* extra = nullptr;
  };
  CallbackLoop callback_loop_context(const std::string& loop_var,
                                     uint32_t extra_size);
  // Lowers `body` into `callback`, whose context argument is
  // `callback_context`: `prologue` runs first, given the extra bytes;
  // `continue` returns 0 (go on) and `break` 1 (stop).
  void lower_callback_body(const CallbackLoop& loop,
                           llvm::Function* callback,
                           llvm::Value* callback_context,
                           SourceRange range,
                           const std::function<void(llvm::Value*)>& prologue,
                           const ast::Block& body);
  // After the helper's call: leaves the probe when the body did.
  void leave_if_returned(const CallbackLoop& loop);
  // lower_range_loop.cpp: `for ($i : a..b)` run by bpf_loop, when sema
  // found its bounds unknown at compile time or its count large.
  void lower_range_callback(const ast::ForRange& loop);

  void lower_if(const ast::If& stmt);

  void assign_var(const ast::AssignVar& assign);

  void assign_map(const ast::AssignMap& assign);

  // Writes an integer `value` to @m[keys of `access`].
  void store_map(llvm::GlobalVariable* global,
                 const MapMeta& map,
                 const ast::MapAccess& access,
                 llvm::Value* value);

  llvm::Value* field_at(llvm::Value* base, uint32_t offset);

  // count(), sum() and histogram buckets: this CPU's u64 grows by `amount`.
  void add_to_aggregate(llvm::GlobalVariable* global,
                        llvm::Value* key,
                        llvm::Value* amount);

  // Aggregation values are per-CPU, so updating this CPU's value in place
  // needs no atomics. A key this CPU has not seen is created with
  // `initial`; the update sets this CPU's value and zeroes the others.
  void update_aggregate(llvm::GlobalVariable* global,
                        llvm::Value* key,
                        uint32_t value_size,
                        llvm::function_ref<void(llvm::Value*)> update,
                        llvm::function_ref<void(llvm::Value*)> initial);

  // tseries(): this CPU's slot of the current interval (ktime_get_boot_ns
  // / interval_ns) takes `argument`, starting over when it held an older
  // interval.
  void update_tseries(llvm::GlobalVariable* global,
                      llvm::Value* key,
                      const MapMeta& map,
                      llvm::Value* argument);

  // The log2 histogram bucket of `value` with 2^bits sub-buckets per power
  // of two: negative values go to bucket 0, values below 2^bits to
  // value + 1, and others to 1 + ((msb - bits + 1) << bits) plus the `bits`
  // bits after the most significant one.
  llvm::Value* hist_bucket(llvm::Value* value, unsigned bits);

  // The index of the highest set bit (0 for 0 and 1), by binary search:
  // BPF has no count-leading-zeros instruction.
  llvm::Value* most_significant_bit(llvm::Value* value);

  // The lhist bucket: 0 below min, 1 + (max - min) / step at or above max,
  // else 1 + (value - min) / step.
  llvm::Value* lhist_bucket(llvm::Value* value,
                            const types::LhistArguments& lhist);

  // Builds a zeroed key buffer for `access`; maps without keys use the
  // single key 0.
  llvm::Value* map_key(const ast::MapAccess& access, const MapMeta& map);
  // Writes the key expressions `keys` into the zeroed `key` of `map`: one
  // per key, a tuple for several keys, or several for a tuple key.
  void store_keys(const std::vector<ast::Expr*>& keys,
                  llvm::Value* key,
                  const MapMeta& map);

  // Evaluates `node` straight into `base + field.offset`; strings are
  // written in place when they can be, saving a copy. `packed`: as
  // store_value's.
  void store_expr(const ast::Expr* node,
                  llvm::Value* base,
                  const ValueLayout& field,
                  bool packed = false);

  // Writes the string `node` (comm, or str() of a pointer) directly into
  // `dest` of `size` bytes, NUL-padded. Returns false for other strings,
  // which are built in their own buffer and copied.
  bool fill_string(const ast::Expr* node, llvm::Value* dest, uint32_t size);

  // Stores `value` (of type `from`) into memory laid out as `to`. A
  // scalar fills its 8-byte slot, extended from its type's width, unless
  // `packed` (a field of a tuple or record), where it takes only its
  // type's bytes.
  void store_value(llvm::Value* slot,
                   const Type& to,
                   llvm::Value* value,
                   const Type& from,
                   bool packed = false);

  // ---- Expressions --------------------------------------------------------
  llvm::Value* expr(const ast::Expr* node);

  llvm::Value* string_literal(const std::string& text);
  // Writes `text` into the `size` bytes at `slot`, cut to size - 1 bytes
  // and padded with NULs.
  void store_constant_string(llvm::Value* slot,
                             std::string_view text,
                             uint32_t size);
  // strerror .. socket_cookie (lower_control.cpp).
  llvm::Value* control_function(const ast::Call& node,
                                sema::BuiltinFunction function);
  llvm::Value* lower_assert(const ast::Call& node);
  llvm::Value* lower_debugf(const ast::Call& node);
  llvm::Value* lower_write_user(const ast::Call& node);
  llvm::Value* lower_percpu_kaddr(const ast::Call& node);

  llvm::Value* builtin(const ast::Builtin& node);

  // A register of the probed task, from the pt_regs context of kprobe and
  // uprobe programs.
  llvm::Value* register_value(uint32_t offset);
  // `retval`: the return register, or bpf_get_func_ret() in fexit.
  llvm::Value* retval();
  // What runs before the predicate: the `-p` pid filter of kernel probes,
  // and the end-of-iteration check of iter probes.
  void emit_probe_guards();

  // A USDT argument where the probe site's note says it is, widened to 64
  // bits by its size and signedness.
  llvm::Value* usdt_argument(const probes::UsdtArgument& argument);

  llvm::Value* field(const ast::FieldAccess& node);
  llvm::Value* args_field(const ast::FieldAccess& node);
  llvm::Value* iter_context_field(const ast::FieldAccess& node);
  llvm::Value* null_checked_pointer(llvm::Value* pointer);
  llvm::Value* kernel_path(const ast::Call& node);
  std::pair<llvm::Value*, uint64_t> object_and_offset(const ast::Expr* node);
  // Uprobe `args` (lower_register_args.cpp): the parameters are in the
  // argument registers; a field is read from its register(s), the whole
  // record is built on the stack.
  llvm::Value* register_args_field(const ast::FieldAccess& node);
  llvm::Value* register_args_record();
  // Stores the low `size` bytes of the field's registers at `at`.
  void store_register_bytes(llvm::Value* at,
                            const std::vector<uint8_t>& registers,
                            uint32_t size);
  // Where a record or array value lives without copying it: kernel or user
  // memory (an i64 address), or the stack (a pointer).
  struct Address {
    llvm::Value* at;
    types::AddressSpace space;
    bool on_stack;
  };
  std::optional<Address> address_of(const ast::Expr* node);
  // Whether address_of() finds `node` in memory (without emitting code).
  bool has_address(const ast::Expr* node) const;
  Address offset_address(const Address& base, llvm::Value* offset);
  // Reads a `type` at `address`; bitfields are shifted and masked.
  llvm::Value* read_at(const Address& address,
                       const Type& type,
                       const types::Field* bitfield = nullptr);

  llvm::Value* map_read(const ast::MapAccess& access);

  // An aggregation's value, merged over every CPU the way user space
  // merges it: summed, the least or greatest set value, or the average.
  llvm::Value* read_aggregate(llvm::GlobalVariable* global,
                              llvm::Value* key,
                              const MapMeta& map);

  // lower_composites.cpp
  llvm::Value* tuple(const ast::Tuple& node);
  llvm::Value* record(const ast::Record& node);
  // typeinfo(x): its record, built from the texts sema recorded.
  llvm::Value* typeinfo(const ast::Typeinfo& node);
  // `&$x`, `&@m`, `&@m[k]`: the address as an integer.
  llvm::Value* address_of_operand(const ast::Unary& node);
  // The address of a map element's value, inserted as zero when absent
  // (0 only when the map is full).
  llvm::Value* map_value_address(const ast::MapAccess& access);
  // Stores `size` bytes at `value` as the element `key` of a plain map:
  // in place when it exists (so `&@m` stays valid), else inserted.
  void overwrite_map(llvm::GlobalVariable* global,
                     llvm::Value* key,
                     llvm::Value* value,
                     uint32_t size);
  // A tuple or record value built on the stack from one expression per
  // field of `type`.
  llvm::Value* composite(const Type& type,
                         const std::vector<ast::Expr*>& values);
  llvm::Value* tuple_access(const ast::TupleAccess& node);
  llvm::Value* index(const ast::Index& node);
  llvm::Value* deref(const ast::Unary& node);
  llvm::Value* cast(const ast::Cast& node);
  llvm::Value* if_expr(const ast::IfExpr& node);
  llvm::Value* block_expr(const ast::BlockExpr& node);
  void lower_return(const ast::Return& ret);
  // Lowers a block that ends in an expression, storing its value in
  // `result`. A block without a value (type none, run for its effect) is
  // lowered as statements; it gives null.
  llvm::Value*
  value_block(const ast::Block& block, llvm::Value* result, const Type& type);
  // The value of `type` at `address` on the stack: loaded (and extended to
  // i64) for scalars, the address itself for values in memory.
  llvm::Value* load_from(llvm::Value* address, const Type& type);
  // Copies a `type` from kernel or user memory into a stack buffer.
  llvm::Value* read_memory(llvm::Value* address,
                           const Type& type,
                           types::AddressSpace space);

  llvm::Value* ternary(const ast::Ternary& node);

  // `++`/`--` on a variable or a map element; the value before (postfix)
  // or after (prefix).
  llvm::Value* inc_dec(const ast::IncDec& node);

  llvm::Value* unary(const ast::Unary& node);

  llvm::Value* binary(const ast::Binary& node);

  // An integer operator on 64-bit values; `is_signed` when both operands
  // are, `lhs_signed` for the shift's kind. `site` is the expression or
  // assignment written in the script, where a division by zero is
  // reported.
  llvm::Value* arithmetic(ast::BinaryOp op,
                          llvm::Value* lhs,
                          llvm::Value* rhs,
                          bool is_signed,
                          bool lhs_signed,
                          const ast::Node& site);

  // Division and modulo, defined for every operand (LLVM treats x / 0 and
  // INT64_MIN / -1 as undefined and would drop what depends on them). By
  // zero, the result is 1 and the runtime warns once for `site`, as
  // bpftrace does; without a site (sonde's own divisions, such as an
  // average of no values) it is 0. INT64_MIN / -1 wraps to INT64_MIN and
  // INT64_MIN % -1 is 0. Signed division uses `sdiv`/`smod` on BPF v4 and
  // is built from unsigned division of magnitudes before that.
  llvm::Value* divide(ast::BinaryOp op,
                      llvm::Value* lhs,
                      llvm::Value* rhs,
                      bool is_signed,
                      const ast::Node* site);

  // `<<` and `>>`, defined for every amount: shifting by 64 or more (a
  // negative amount is a large unsigned one) moves every bit out, leaving
  // 0, or -1 for an arithmetic right shift of a negative value.
  llvm::Value*
  shift(ast::BinaryOp op, llvm::Value* lhs, llvm::Value* rhs, bool lhs_signed);

  // Sends a RuntimeWarning record for `site`.
  void warn_at_runtime(RuntimeWarningMeta::Kind kind, const ast::Node& site);

  // Signed division without BPF v4's sdiv/smod: unsigned division of the
  // magnitudes, with C's signs. `rhs` is neither 0 nor -1.
  llvm::Value*
  signed_divide_by_magnitudes(bool div, llvm::Value* lhs, llvm::Value* rhs);

  llvm::Value* short_circuit(const ast::Binary& node);

  // `==` of two tuples (or records) that sema found comparable: every
  // field equal, strings up to their NUL. An i1.
  llvm::Value* tuples_equal(llvm::Value* lhs,
                            const Type& lhs_type,
                            llvm::Value* rhs,
                            const Type& rhs_type);
  // C-string equality over buffers of the given sizes: equal up to and
  // including the first NUL, with the shorter buffer's end acting as NUL;
  // only the first `limit` bytes when given (strncmp).
  // `value` as the step of `target OP= value`: for a pointer target and
  // + or -, scaled to whole elements as in C.
  llvm::Value*
  pointer_step(const Type& target, ast::BinaryOp op, llvm::Value* value);
  // Whether the `size` bytes at `lhs` and `rhs` are equal; with `limit`
  // (an i32), only those before it count.
  llvm::Value* bytes_equal(llvm::Value* lhs,
                           llvm::Value* rhs,
                           uint32_t size,
                           llvm::Value* limit = nullptr);
  // Buffers: the same length and the same bytes up to it.
  llvm::Value* buffers_equal(llvm::Value* lhs,
                             const Type& lhs_type,
                             llvm::Value* rhs,
                             const Type& rhs_type);
  llvm::Value* strings_equal(llvm::Value* lhs,
                             uint32_t lhs_size,
                             llvm::Value* rhs,
                             uint32_t rhs_size,
                             uint32_t limit = UINT32_MAX);

  llvm::Value* call(const ast::Call& node);

  // delete(@m[k]) or delete(@m, k): 1 when the key was there, else 0.
  llvm::Value* delete_key(const ast::Call& node);

  // clear(), zero() and print() of a map happen in user space when the
  // event is read, in order with the probe's other output.
  void map_operation(const ast::Call& node, EventKind kind);

  void print_value(const ast::Call& node);

  llvm::Value* read_string(const ast::Call& node);

  // str(p[, n]) into a zeroed buffer of `bound` bytes.
  void
  read_string_into(const ast::Call& node, llvm::Value* dest, uint32_t bound);

  // printf(), and cat(), system(), errorf() and warnf(), whose records are
  // laid out the same way under another event kind.
  void emit_printf(const ast::Call& node, EventKind kind = EventKind::Printf);

  // ---- lower_functions.cpp: the builtins beyond the basics. -------------
  llvm::Value* builtin_variable(const ast::Builtin& node,
                                sema::BuiltinVariable variable);
  llvm::Value* builtin_call(const ast::Call& node,
                            sema::BuiltinFunction function);
  // bpf_get_stackid into the stack map of `type`'s depth: the id (i64) for
  // kstack, a {id, pid} buffer for ustack.
  llvm::Value* stack_value(const Type& type);
  // The pid whose maps resolve the user addresses a value records (ustack,
  // usym, func): the process's id in sonde's own pid namespace when sonde
  // runs in a child one, whose /proc names processes by those ids. In
  // user-space probes the upper half holds a SymbolTag, with
  // `probe_address` when the address is the probed instruction's.
  llvm::Value* symbol_pid(bool probe_address = false);
  // A zeroed stack buffer of `size` bytes holding `text`.
  llvm::Value* sized_string(const std::string& text, uint32_t size);
  // `config`/config(): the record of the config keys' values (`type`,
  // from sema), filled from the program's configuration.
  llvm::Value* config_record(const Type& type);
  // has_key(@m, k): 1 when the key is in the map.
  llvm::Value* has_key(const ast::Call& node);
  // len(@m): the number of keys, counted with bpf_for_each_map_elem.
  llvm::Value* map_length(const ast::Call& node);
  // Calls map_update_elem; when it fails (the map is full), counts the
  // failure in map_full[index of `global`].
  void update_map(llvm::GlobalVariable* global,
                  llvm::Value* key,
                  llvm::Value* value);

  // exit(code): send_exit, then leave the probe.
  void emit_exit(llvm::Value* code);
  // The exit record, and the code in the exit_status map, which the
  // runtime reads when the ring buffer is too full to take the record.
  void send_exit(llvm::Value* code);

  // join(arr[, sep]): the strings of an argv-style array, read straight
  // into a ring buffer reservation (the record is too big for the stack).
  void emit_join(const ast::Call& node);

  void store_header(llvm::Value* record, EventKind kind, llvm::Value* id);

  // Adds one to entry `index` of a per-CPU array of u64 counters (lost
  // events, full maps).
  void count_in(llvm::GlobalVariable* counters, uint32_t index);
  // Sends a record to user space; a full ring buffer counts a lost event.
  void output(llvm::Value* record, uint32_t size, uint64_t flags);

  // ---- Helpers ------------------------------------------------------------
  llvm::Value* helper(uint32_t id);

  // User-space probes read user memory by default, the rest kernel memory.
  types::AddressSpace default_address_space() const;

  llvm::Value* truth(llvm::Value* value);

  llvm::BasicBlock* block(const char* name);

  void branch_to(llvm::BasicBlock* target);

  // An 8-byte aligned stack buffer, allocated in the entry block.
  llvm::Value* stack_slot(uint32_t size, const char* name);

  // An 8-byte aligned buffer for a value: on the stack up to
  // on_stack_limit bytes, larger ones in the probe's per-CPU scratch map
  // (scratch_frame.cpp), so that strings and records of any configured
  // size leave the 512-byte BPF stack alone.
  llvm::Value* memory_slot(uint32_t size, const char* name);

  // The block the entry block falls through to: the current function's
  // scratch lookup when it has scratch slots, else `body`.
  llvm::BasicBlock* close_scratch_frame(llvm::BasicBlock* body);

  // Declares the scratch map, sized for every function of the probe.
  void declare_scratch_map();

  void zero(llvm::Value* slot, uint32_t size);
  void zero_with(llvm::IRBuilder<>& at, llvm::Value* slot, uint32_t size);

  // memcpy of `size` bytes the program holds (stack or map values).
  void copy(llvm::Value* to, llvm::Value* from, uint32_t size);

  llvm::Value* variable_slot(const std::string& name, const Type& type);

  uint32_t line_of(SourceRange range) const;

  void set_location(SourceRange range);

  ModuleBuilder& builder_;
  const ModuleResources& resources_;
  const sema::CheckedProgram& program_;
  const sema::ProbeInstance& instance_;
  llvm::IRBuilder<> ir_;
  llvm::IRBuilder<> entry_ir_;
  llvm::Function* function_ = nullptr;
  llvm::Value* ctx_ = nullptr;
  std::map<std::string, llvm::Value*> variables_;
  // The inlined functions being lowered, innermost last: where `return`
  // stores its value and where it jumps.
  struct FunctionReturn {
    llvm::Value* slot;
    Type type;
    llvm::BasicBlock* done;
  };
  std::vector<FunctionReturn> function_returns_;
  // The stack slot of string_find()'s bpf_loop context, per function.
  std::map<llvm::Function*, llvm::Value*> strstr_contexts_;
  // Callbacks made for `for ($kv : @map)` so far, for unique names.
  unsigned callbacks_ = 0;
  // In a map loop's callback: the flag in the caller's context that a
  // `return` sets, so that the caller leaves the probe too. Null in the
  // probe's own function.
  llvm::Value* loop_returned_ = nullptr;
  // Leaves the probe from the function being lowered: returns from the
  // probe, or from a callback, telling its caller to leave as well.
  void leave_probe();
  // With a map loop, variables live in a per-CPU map value at
  // variables_base_ instead of the stack (place_variables_in_scratch_map).
  llvm::Value* variables_base_ = nullptr;
  uint32_t variables_size_ = 0;
  uint32_t variables_used_ = 0;
  // Scratch slots of the function being lowered (the probe or a map loop
  // callback): carved out of one map value found once, in `ready`, a block
  // that dominates the function's body.
  struct ScratchFrame {
    llvm::BasicBlock* lookup = nullptr;
    llvm::BasicBlock* ready = nullptr;
    llvm::Value* base = nullptr;
  };
  ScratchFrame scratch_frame_;
  // The probe's scratch map, declared once its size is known; until then
  // lookups name a placeholder.
  llvm::GlobalVariable* scratch_placeholder_ = nullptr;
  // Bytes given out so far, by every function of the probe: a callback runs
  // while the probe's slots are live, so their slots never overlap.
  uint32_t scratch_used_ = 0;
  // The enclosing loops' continue and break targets.
  std::vector<std::pair<llvm::BasicBlock*, llvm::BasicBlock*>> loops_;
};

} // namespace sonde::codegen
