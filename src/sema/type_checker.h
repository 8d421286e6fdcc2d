// SPDX-License-Identifier: Apache-2.0
// The type checker behind the check_types pass, shared by the check_*.cpp
// files (statements, expressions, maps, calls); only check_types() in
// pipeline.h is the library's interface.
#pragma once

#include "base/format_spec.h"
#include "base/strings.h"
#include "sema/builtins.h"
#include "sema/pipeline.h"
#include "symbols/kallsyms.h"

#include <algorithm>
#include <limits>
#include <llvm/ADT/STLFunctionalExtras.h>
#include <set>

namespace sonde::sema {

using types::Type;

// Values stored in variables and maps are widened to 64 bits, as bpftrace
// does, so later assignments of narrower integers always fit.
inline Type storage_type(const Type& type) {
  if (type.is_enum()) {
    return Type::enumeration(8, type.is_signed(), type.shared_enumerators());
  }
  if (type.is_integer()) {
    return Type::integer(8, type.is_signed());
  }
  return type;
}

// Values held in one register: integers, bools (0 or 1) and pointers.
inline bool is_scalar(const Type& type) {
  return type.is_integer() || type.is_bool() || type.is_pointer();
}

// What the runs without reports learn: the type each variable must have to
// hold every value assigned to it (`$s = ""; $s = "hello"` makes $s a
// string[6] from its first assignment on). Maps learn theirs in
// CheckedProgram::maps the same way. The learning runs repeat until
// nothing widens, so a variable copied from one that widens later widens
// too.
struct LearnedTypes {
  std::map<std::pair<const ast::Probe*, std::string>, types::Type> variables;
  // Set by a run that widened a variable or a map.
  bool widened = false;
};

// A root map declaration, `let @m = lruhash(100);`.
struct MapDeclaration {
  bool lru = false;
  bool per_cpu = false;
  uint32_t max_entries = 0;
};

// Types every expression of a program. It runs twice: the first run (with
// diagnostics discarded) learns the type of every map from its
// assignments, so that a probe may read a map that a later probe assigns;
// the second run reports.
class TypeChecker {
public:
  TypeChecker(const probes::ProbeCatalog& catalog,
              const symbols::KernelSymbolSource& kernel_symbols,
              const ExpandedProbes& expanded,
              diag::DiagnosticEngine& diag,
              CheckedProgram& checked,
              LearnedTypes& learned,
              bool reporting);
  void check_program(const ast::Program& program);

private:
  void check_probe(const ast::Probe& probe);
  // `let @m = lruhash(N);`: the kind and size of a map.
  void check_map_declaration(const ast::MapDecl& decl);

  // argN of a USDT probe: every site must have that argument, in a form
  // codegen can read.
  Type check_usdt_argument(const ast::Builtin& builtin, unsigned index);

  // What `source_of` (probes::argument_source or retval_source) says for
  // the current probe's targets when they all agree; None otherwise.
  template <typename Source>
  Source targets_source(Source (*source_of)(probes::ProbeKind)) const;

  void check_block(const ast::Block& block);

  void check_condition(const ast::Expr* cond);

  void check_stmt(const ast::Stmt& stmt);

  // `let $x;` (zero), `let $x = e;`. A declared type is not compiled yet.
  void check_var_decl(const ast::VarDecl& decl);

  void check_assign_var(const ast::AssignVar& assign);
  // The type variable `name` stores for a value of type `value`: what the
  // learning runs found for it, which a learning run widens to hold
  // `value` too.
  Type learned_variable_type(const std::string& name, const Type& value);
  // In a learning run, widens `stored` (a map's value or key type) to hold
  // `value` too; true when it did.
  bool widen_map_type(Type& stored, const Type& value);

  // `for ($kv : @map)`: the body becomes a callback of
  // bpf_for_each_map_elem.
  void check_for_map(const ast::ForMap& loop);

  // Whether a value of `type` may be held in a variable or map.
  static bool storable(const Type& type);
  // `type` as read from user memory: a pointer (or an array of pointers)
  // points into user memory too.
  static Type user_pointers(const Type& type);
  // Checks that `value` (of type `from`) may be stored in `target` of type
  // `to`; warns when it is truncated.
  bool check_conversion(const Type& from,
                        const Type& to,
                        const ast::Expr* value,
                        const std::string& target);
  // A kernel pointer stored where a user pointer was, or the reverse: an
  // error at `range` naming `target`. True when the spaces agree.
  bool same_address_space(const Type& from,
                          const Type& to,
                          SourceRange range,
                          const std::string& target);
  // Whether `value` fits the narrower integer type `to` without loss.
  bool
  fits_narrower(const ast::Expr* value, const Type& from, const Type& to) const;
  // Unused-variable bookkeeping for the current probe.
  void note_assigned(const ast::Variable& var);
  void note_read(const std::string& name);
  void report_unused_variables();

  void check_assign_map(const ast::AssignMap& assign);

  // The aggregation a function call assigned to a map performs; nullopt
  // for a call of anything else.
  static std::optional<MapKind> aggregation_kind(const std::string& callee);

  // Checks `@m = count()`, `@m = hist(n, 2)`, ...: fills the map's kind and
  // arguments into `shape` and returns its value type (none, reported,
  // when the call is wrong).
  Type check_aggregation(const ast::Call& call, types::MapShape& shape);

  // hist(n, k): k from 0 to 5.
  bool check_hist(const ast::Call& call, types::MapShape& shape);

  // lhist(n, min, max, step): constant bounds, at most 1000 buckets.
  bool check_lhist(const ast::Call& call, types::MapShape& shape);

  // tseries(n, interval_ns, num_intervals[, agg]): literal parameters, and
  // the unstable_tseries setting.
  bool check_tseries(const ast::Call& call, types::MapShape& shape);

  // An integer literal, possibly negated.
  std::optional<int64_t> constant_value(const ast::Expr* expr) const;

  std::vector<Type> check_keys(const ast::MapAccess& target);

  // Adds the map `shape` describes, or checks it against the map of that
  // name seen before (value type, kind, arguments, keys). A declared map
  // takes its storage (lru, max_entries) from its declaration.
  void record_map(const ast::MapAccess& target,
                  const types::MapShape& shape,
                  SourceRange value_range);

  static bool same_keys(const std::vector<Type>& a, const std::vector<Type>& b);

  static std::string keys_name(const std::vector<Type>& keys);

  // The type of `expr`, where its value is used: an expression that has
  // none (`print(1)`, a `?:` of two such) is reported there.
  Type check_expr(const ast::Expr* expr);
  // The type of `expr`, evaluated only for what it does (a statement): it
  // may have no value, nor may its `?:` branches or its block's last
  // expression.
  Type check_effect(const ast::Expr* expr);

  // ---- check_control.cpp: named parameters, checks, debugf, kernel
  // objects. --------------------------------------------------------------
  Type check_getopt(const ast::Call& call, const std::vector<Type>& args);
  Type check_fail(const ast::Call& call);
  Type check_static_assert(const ast::Call& call);
  Type check_assert(const ast::Call& call, const std::vector<Type>& args);
  // debugf(): the conversions bpf_trace_printk accepts.
  Type check_debugf(const ast::Call& call, const std::vector<Type>& args);
  Type check_write_user(const ast::Call& call, const std::vector<Type>& args);
  Type check_percpu_kaddr(const ast::Call& call, const std::vector<Type>& args);
  Type check_socket_cookie(const ast::Call& call,
                           const std::vector<Type>& args);
  // fail()'s and debugf()'s formats with constant arguments.
  std::optional<std::string> constant_format(const ast::Call& call);

  Type compute_type(const ast::Expr& expr);

  std::optional<std::string> positional_text(uint64_t index) const;

  // A positional parameter's value when it reads as an integer: decimal,
  // 0x hexadecimal or 0 octal, optionally negative, up to 2^64 - 1.
  static std::optional<uint64_t> positional_value(const std::string& text);
  static bool positional_number(const std::string& text) {
    return positional_value(text).has_value();
  }

  // `c ? a : b`, and Elvis `c ?: b` (c itself when true).
  Type check_ternary(const ast::Ternary& ternary);

  // `$x++`, `--@m[k]`: integers only; a variable must exist, a map starts
  // at 0.
  Type check_inc_dec(const ast::IncDec& node);

  // A builtin variable, or `argN`; every variable of builtins.def is
  // routed from one switch to its rule.
  Type check_builtin(const ast::Builtin& builtin);
  // `args`: the tracepoint's record, or a uprobe's arguments from DWARF.
  Type check_args(const ast::Builtin& builtin);

  // The value `access` reads: its keys must be the map's. `whole_map`:
  // the access names the map (`for ($kv : @m)`), its value type is that
  // of the elements.
  Type check_map_read(const ast::MapAccess& access, bool whole_map = false);

  Type check_binary(const ast::Binary& binary);
  // Whether `==` can compare two tuples (or two records): the same shape,
  // names, and comparable fields.
  static bool comparable_tuples(const Type& lhs, const Type& rhs);

  // A builtin function call: one switch names every function of
  // builtins.def and routes it to its checker, so a new builtin breaks the
  // build until it is checked.
  Type check_call(const ast::Call& call);
  Type check_str(const ast::Call& call, const std::vector<Type>& args);
  Type check_exit(const ast::Call& call, const std::vector<Type>& args);

  bool check_argument_count(const ast::Call& call,
                            const FunctionSignature& signature);

  // delete(@m[k]), delete(@m, k), clear(@m), zero(@m), print(@m[, top[,
  // div]]): the map is named, not read.
  // The map a map function is called on (`clear(@m)`, `len(@m)`); null,
  // reported, when the argument count is wrong or it is not a map.
  const ast::MapAccess* map_argument(const ast::Call& call,
                                     const FunctionSignature& signature);
  // print(@m, "unit"[, "section"]): BCC's histogram layout.
  void check_hist_layout(const ast::Call& call, const MapInfo& map);
  Type check_map_function(const ast::Call& call,
                          const FunctionSignature& signature);

  void check_print_value(const ast::Call& call, const std::vector<Type>& args);

  const MapInfo* find_map(const std::string& name) const;

  // Reports an argument that is not an integer; true when it is one.
  bool require_integer(const ast::Call& call, size_t index, const Type& type);

  void check_printf(const ast::Call& call, const std::vector<Type>& args);
  // Reports a width or precision in `spec` (parsed from `literal`) that
  // passes kMaxFormatField; false when there is one.
  bool format_fields_fit(const FormatSpec& spec,
                         const ast::StringLiteral& literal);

  // ---- check_strings.cpp, check_string_functions.cpp: strings and
  // bytes. ----------------------------------------------------------------
  // Reports argument `index` unless it is a string; true when it is one.
  bool require_string(const ast::Call& call, size_t index, const Type& type);
  Type check_strncmp(const ast::Call& call, const std::vector<Type>& args);
  Type check_buf(const ast::Call& call, const std::vector<Type>& args);
  Type check_strlen(const ast::Call& call, const std::vector<Type>& args);
  Type check_strcap(const ast::Call& call, const std::vector<Type>& args);
  Type check_assert_str(const ast::Call& call, const std::vector<Type>& args);
  Type check_strstr(const ast::Call& call, const std::vector<Type>& args);
  Type check_str_concat(const ast::Call& call, const std::vector<Type>& args);
  Type check_memcmp(const ast::Call& call, const std::vector<Type>& args);
  // Reports argument `index` unless it is a string or a char array (or,
  // with `allow_pointer`, a pointer to chars).
  bool require_string_like(const ast::Call& call,
                           size_t index,
                           const Type& type,
                           bool allow_pointer);

  // ---- check_type_predicates.cpp. --------------------------------------
  // The operand of a question about types, typed but never run: a type
  // (`typeof(...)`) may stand for a value.
  Type type_operand(const ast::Expr* operand);
  // is_str(x), is_ptr(x), ...: whether `holds` is true of x's type, a
  // constant.
  Type check_type_predicate(const ast::Call& call,
                            const FunctionSignature& signature,
                            bool (*holds)(const Type& type));
  // is_literal(x): whether x is written as a literal.
  Type check_is_literal(const ast::Call& call,
                        const FunctionSignature& signature);
  // container_of(ptr, type, member).
  Type check_container_of(const ast::Call& call,
                          const FunctionSignature& signature);
  // nsecs(boot), pid(init), ...: a variable read in a mode
  // (check_variable_modes.cpp).
  Type check_variable_mode(const ast::Call& call,
                           const FunctionSignature& signature);
  // task_from_pid(pid): a `struct task_struct *`, in the probes whose
  // programs the kernel lets call kfuncs (check_tasks.cpp).
  Type check_task_from_pid(const ast::Call& call,
                           const std::vector<Type>& args);
  // len(kstack), len($stack): the frames of a stack. takes_stack: whether
  // len()'s argument is one (not a map to count).
  bool takes_stack(const ast::Expr* arg) const;
  Type check_stack_length(const ast::Call& call,
                          const FunctionSignature& signature);
  // Constants of the running configuration; `config` alone is an error
  // (`config.KEY` reads one key).
  Type check_default_str_length(const ast::Builtin& builtin);
  Type check_safe_mode(const ast::Builtin& builtin);
  Type check_arch(const ast::Builtin& builtin);
  Type check_config_variable(const ast::Builtin& builtin);
  // `config` and config(): a record of every readable key's value.
  Type config_record_type() const;
  // `config.KEY`.
  bool reads_config(const ast::FieldAccess& access) const;
  Type check_config_field(const ast::FieldAccess& access);
  // The type `typeof(...)` names.
  Type typeof_type(const ast::Typeof& node);
  // `typeof(...)` where a value is expected.
  Type check_typeof_value(const ast::Typeof& node);

  // ---- check_functions.cpp: the builtins beyond the basics. -------------
  // kstack(...) / ustack(...): an optional mode identifier and an optional
  // frame limit, both constants.
  Type check_stack_call(const ast::Call& call, bool user);
  // has_key(@m, k), len(@m): the map is named, not read.
  Type check_map_query(const ast::Call& call,
                       const FunctionSignature& signature);
  // A function of one integer whose value has type `result` (ksym,
  // strerror, task_from_pid, ...); none when the argument is not an integer.
  Type check_integer_function(const ast::Call& call,
                              const std::vector<Type>& args,
                              Type result);
  Type check_ntop(const ast::Call& call, const std::vector<Type>& args);
  Type check_macaddr(const ast::Call& call, const std::vector<Type>& args);
  Type check_strftime(const ast::Call& call, const std::vector<Type>& args);
  Type check_cgroup_path(const ast::Call& call, const std::vector<Type>& args);
  Type check_time(const ast::Call& call, const std::vector<Type>& args);
  Type check_system(const ast::Call& call, const std::vector<Type>& args);
  // kaddr("sym"): the address from kernel_symbols_, a constant.
  Type check_kaddr(const ast::Call& call);
  Type check_pton(const ast::Call& call);
  Type check_cgroupid(const ast::Call& call);
  Type check_reg(const ast::Call& call);
  Type check_bswap(const ast::Call& call, const std::vector<Type>& args);
  // kptr(p), uptr(p): p, pointing into `space`.
  Type check_pointer_space(const ast::Call& call,
                           const std::vector<Type>& args,
                           types::AddressSpace space);
  // signal() and signal_thread().
  Type check_signal(const ast::Call& call, const std::vector<Type>& args);
  Type check_override(const ast::Call& call, const std::vector<Type>& args);
  // `func`: a kernel or user symbol, in kprobes and uprobes only.
  Type check_func_variable(const ast::Builtin& builtin);
  // `probe` (`full_name`) or `probetype`: a string as long as the longest
  // name among the current probe's targets.
  Type check_probe_name(bool full_name);
  // The type of `ctx` (an error outside iter probes).
  Type check_iter_context(SourceRange range);
  types::StackMode default_stack_mode(bool user) const;
  Type check_path(const ast::Call& call, const std::vector<Type>& args);
  // A string literal argument, or nullopt after reporting.
  std::optional<std::string> string_argument(const ast::Call& call,
                                             size_t index);
  // Whether the current probe's context holds the task's registers
  // (uprobes, kprobes, perf events); reports `what` otherwise.
  bool require_registers(SourceRange range, const std::string& what);
  bool require_unsafe(const ast::Call& call);
  // The current probe's provider name, for messages.
  std::string current_kind() const;
  // Whether the current probe has targets and `holds` is true of every
  // target's row of probe_kinds.def: rules about probe types ask a named
  // trait ("has a register context"), never for a list of kinds.
  bool all_targets_have(
      llvm::function_ref<bool(const probes::ProbeTraits&)> holds) const;
  // The same for what a target's provider answers (its program type, the
  // struct `ctx` points to).
  bool all_providers(
      llvm::function_ref<bool(const probes::ProbeType&,
                              const probes::AttachTarget&)> holds) const;
  uint32_t add_time_format(const ast::Call& call, std::string format);
  // join(arr[, sep]): `arr` is an array of pointers to chars; sep a
  // string literal.
  void check_join(const ast::Call& call, const std::vector<Type>& args);

  Type check_field(const ast::FieldAccess& access);
  // `record.name` on a record literal's value.
  Type check_record_field(const ast::FieldAccess& access, const Type& record);
  // uaddr("sym"): the symbol's address in the probed binary.
  Type check_uaddr(const ast::Call& call);
  // `args` of uprobes, from the DWARF of each target's function: fills
  // args_records_ on first use in a probe. False, reported at `range`,
  // when a target has none.
  bool load_register_args(SourceRange range);
  // Whether every target of the current probe types `args` from DWARF
  // (uprobes and uretprobes).
  bool uprobe_targets() const;
  // `args.NAME` of a uprobe parameter that is not in a register: reported.
  bool report_unreadable_argument(const ast::FieldAccess& access);

  // check_composites.cpp: tuples, indexing, dereference, casts, sizeof,
  // offsetof, value blocks, type annotations.
  Type check_tuple(const ast::Tuple& tuple);
  Type check_record(const ast::Record& record);
  Type check_tuple_access(const ast::TupleAccess& access);
  Type check_index(const ast::Index& index);
  Type check_deref(const ast::Unary& deref);
  // Reports the use of an unstable feature as its config key says; false
  // when it is an error.
  bool check_unstable(Unstable level,
                      SourceRange range,
                      const std::string& feature,
                      const std::string& key);
  Type check_address_of(const ast::Unary& node);
  Type check_cast(const ast::Cast& cast);
  Type check_sizeof(const ast::Sizeof& node);
  Type check_typeinfo(const ast::Typeinfo& node);
  // The type of sizeof's/offsetof's operand: a type, or an expression.
  Type type_or_value(const ast::TypeSpec* spec, const ast::Expr* expr);
  Type check_offsetof(const ast::Offsetof& node);
  Type check_if_expr(const ast::IfExpr& node);
  Type check_block_expr(const ast::BlockExpr& node);
  // `comptime e`: e folded to a constant now (literals, operators,
  // sizeof/offsetof, positional parameters, enumerators).
  Type check_comptime(const ast::Comptime& node);
  std::optional<int64_t> fold_constant(const ast::Expr* expr);
  // A probe predicate that is false whatever the event: it folds to 0, or
  // is a `&&` with such an operand.
  bool always_false(const ast::Expr* expr);
  // The text str($N) or str($N + k) stands for; nullopt for other
  // arguments.
  std::optional<std::string> positional_string(const ast::Expr* arg) const;
  // `return [value]`: leaves the probe, or an inlined `fn` with its value.
  void check_return(const ast::Return& ret);
  // The value of a block that ends in an expression; none (reported) when
  // it does not. With `unused`, a block without a value is checked as
  // statements, and its last expression may have none.
  Type check_value_block(const ast::Block& block, bool unused = false);
  // Whether a value block checked for its effect has no value: it does
  // not end in an expression, or that expression has none.
  bool has_no_value(const ast::Block& block) const;
  // The type a TypeSpec names; none (reported) when it names nothing known.
  Type resolve_type(const ast::TypeSpec& spec);
  // Pointers written in this probe point into user memory in uprobes and
  // USDT probes, kernel memory elsewhere.
  types::AddressSpace default_address_space() const;
  // Struct, union, enum and typedef names ("struct task_struct", "u64")
  // from the script's C definitions and the kernel's BTF.
  std::optional<Type> lookup_named_type(const std::string& name);
  // A record with its fields (BTF records are first known by name only);
  // anything else as it is.
  Type complete_record(const Type& type);
  // An enumerator named in the script's C definitions or the kernel's
  // BTF: its value and type (its enum's, so that it prints by name).
  struct EnumConstant {
    int64_t value = 0;
    Type type;
  };
  std::optional<EnumConstant> enum_constant(const std::string& name);
  // An identifier that the script's C definitions or their headers
  // #define as a constant: its value is recorded as the identifier's and
  // its type returned (an integer or a string); nullopt otherwise.
  std::optional<Type> check_c_define(const ast::Builtin& builtin);
  void report_unknown_field_name(const Type& record,
                                 const std::string& name,
                                 SourceRange range);

  void report_unknown_field(const ast::FieldAccess& access, const Type& record);

  // `$name` read but never assigned: names the closest variable that is.
  void undefined_variable(const std::string& name, SourceRange range);

  diag::DiagnosticBuilder
  diagnostic(diag::Kind kind, SourceRange range, std::vector<std::string> args);

  void warning(diag::Kind kind, SourceRange range);

  void error(diag::Kind kind,
             SourceRange range,
             std::vector<std::string> args = {}) {
    diag_.build(kind, range, std::move(args)).emit();
  }
  const probes::ProbeCatalog& catalog_;
  const symbols::KernelSymbolSource& kernel_symbols_;
  const ExpandedProbes& expanded_;
  diag::DiagnosticEngine& diag_;
  CheckedProgram& checked_;
  LearnedTypes& learned_;
  bool reporting_;
  const ast::Probe* probe_ = nullptr;
  // Variables of the current probe whose type a `let $x: T` fixed.
  std::set<std::string> declared_variables_;
  // Maps declared at the top level, by name ("@m").
  std::map<std::string, MapDeclaration> declarations_;
  std::map<std::string, Type>* variables_ = nullptr;
  // The `args` record of each tracepoint target of the current probe.
  std::vector<std::pair<std::string, Type>> args_records_;
  // Uprobes type `args` from DWARF, read only when a probe uses it.
  bool register_args_loaded_ = false;
  // Per uprobe target: the parameters `args` cannot read, and why.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      unreadable_args_;
  unsigned loop_depth_ = 0;
  // Loops whose body is a callback (for-map, bpf_loop ranges).
  unsigned callback_loop_depth_ = 0;
  // The innermost of them, as a diagnostic names it.
  const char* callback_loop_name_ = "";
  // How many times the verifier walks a body here: the product of the
  // counts of the plain range loops around it (kMaxInlineRangeCount).
  uint64_t inline_range_values_ = 1;
  // The return types of the inlined functions being checked, innermost
  // last (none for a function without one).
  std::vector<Type> function_returns_;
  // callback_loop_depth_ where each of them starts.
  std::vector<unsigned> function_callback_loop_depths_;
  // Variables of the current probe: where each is first assigned, and
  // which are read.
  std::map<std::string, SourceRange> assigned_;
  std::set<std::string> read_;
  const std::vector<probes::AttachTarget>* targets_ = nullptr;
  // Inside a branch a constant condition never takes: fail() there is not
  // reached.
  unsigned unreachable_depth_ = 0;
  // check_effect() sets `next_unused_` for the expression check_expr()
  // checks next; `unused_` is true while that expression's own rule runs
  // (check_ternary, check_if_expr, check_value_block pass it on).
  bool next_unused_ = false;
  bool unused_ = false;
  // Expressions checked for their effect that have no value (an action, a
  // `?:` or block of them): the `?:` or `if` they are a branch of has
  // none either.
  std::set<const ast::Expr*> no_value_;
};

} // namespace sonde::sema
