// SPDX-License-Identifier: Apache-2.0
// The type checker behind the check_types pass, shared by the check_*.cpp
// files (statements, expressions, maps, calls); only check_types() in
// pipeline.h is the library's interface.
#pragma once

#include "base/format_spec.h"
#include "base/strings.h"
#include "sema/builtins.h"
#include "sema/pipeline.h"

#include <algorithm>
#include <limits>

namespace sonde::sema {

using types::Type;

// Values stored in variables and maps are widened to 64 bits, as bpftrace
// does, so later assignments of narrower integers always fit.
inline Type storage_type(const Type& type) {
  if (type.is_integer()) {
    return Type::integer(8, type.is_signed());
  }
  return type;
}

inline bool is_scalar(const Type& type) {
  return type.is_integer() || type.is_pointer();
}

// Types every expression of a program. It runs twice: the first run (with
// diagnostics discarded) learns the type of every map from its
// assignments, so that a probe may read a map that a later probe assigns;
// the second run reports.
class TypeChecker {
public:
  TypeChecker(const probes::ProbeCatalog& catalog,
              const ExpandedProbes& expanded,
              diag::DiagnosticEngine& diag,
              CheckedProgram& checked,
              bool reporting);
  void check_program(const ast::Program& program);

private:
  void check_probe(const ast::Probe& probe);

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

  void check_assign_map(const ast::AssignMap& assign);

  // The aggregation a function call assigned to a map performs.
  static std::optional<MapKind> aggregation_kind(const std::string& callee);

  // Checks `@m = count()`, `@m = hist(n, 2)`, ...: fills the map's kind and
  // parameters into `shape` and returns its value type.
  Type check_aggregation(const ast::Call& call, MapInfo& shape);

  // lhist(n, min, max, step): constant bounds, at most 1000 buckets.
  bool check_lhist(const ast::Call& call, MapInfo& shape);

  // An integer literal, possibly negated.
  static std::optional<int64_t> constant_value(const ast::Expr* expr);

  std::vector<Type> check_keys(const ast::MapAccess& target);

  void record_map(const ast::MapAccess& target,
                  const MapInfo& shape,
                  SourceRange value_range);

  static const char* kind_name(MapKind kind);

  static bool same_keys(const std::vector<Type>& a, const std::vector<Type>& b);

  static std::string keys_name(const std::vector<Type>& keys);

  Type check_expr(const ast::Expr* expr);

  Type compute_type(const ast::Expr& expr);

  std::optional<std::string> positional_text(uint64_t index) const;

  static bool positional_number(const std::string& text);

  // `c ? a : b`, and Elvis `c ?: b` (c itself when true).
  Type check_ternary(const ast::Ternary& ternary);

  // `$x++`, `--@m[k]`: integers only; a variable must exist, a map starts
  // at 0.
  Type check_inc_dec(const ast::IncDec& node);

  Type check_builtin(const ast::Builtin& builtin);

  Type check_map_read(const ast::MapAccess& access);

  Type check_binary(const ast::Binary& binary);

  Type check_call(const ast::Call& call);

  bool check_argument_count(const ast::Call& call,
                            const FunctionSignature& signature);

  // delete(@m[k]), delete(@m, k), clear(@m), zero(@m), print(@m[, top[,
  // div]]): the map is named, not read.
  Type check_map_function(const ast::Call& call,
                          const FunctionSignature& signature);

  void check_print_value(const ast::Call& call, const std::vector<Type>& args);

  const MapInfo* find_map(const std::string& name) const;

  // Reports an argument that is not an integer; true when it is one.
  bool require_integer(const ast::Call& call, size_t index, const Type& type);

  void check_printf(const ast::Call& call, const std::vector<Type>& args);

  Type check_field(const ast::FieldAccess& access);

  void report_unknown_field(const ast::FieldAccess& access, const Type& record);

  diag::DiagnosticBuilder
  diagnostic(diag::Kind kind, SourceRange range, std::vector<std::string> args);

  void warning(diag::Kind kind, SourceRange range);

  void error(diag::Kind kind,
             SourceRange range,
             std::vector<std::string> args = {}) {
    diag_.build(kind, range, std::move(args)).emit();
  }
  const probes::ProbeCatalog& catalog_;
  const ExpandedProbes& expanded_;
  diag::DiagnosticEngine& diag_;
  CheckedProgram& checked_;
  bool reporting_;
  std::map<std::string, Type>* variables_ = nullptr;
  // The `args` record of each tracepoint target of the current probe.
  std::vector<std::pair<std::string, Type>> args_records_;
  unsigned loop_depth_ = 0;
  const std::vector<probes::AttachTarget>* targets_ = nullptr;
};

} // namespace sonde::sema
