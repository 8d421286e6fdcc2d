// SPDX-License-Identifier: Apache-2.0
#include "sema/type_checker.h"

namespace sonde::sema {

TypeChecker::TypeChecker(const probes::ProbeCatalog& catalog,
                         const symbols::KernelSymbolSource& kernel_symbols,
                         const ExpandedProbes& expanded,
                         diag::DiagnosticEngine& diag,
                         CheckedProgram& checked,
                         bool reporting)
    : catalog_(catalog), kernel_symbols_(kernel_symbols), expanded_(expanded),
      diag_(diag), checked_(checked), reporting_(reporting) {}

diag::DiagnosticBuilder TypeChecker::diagnostic(diag::Kind kind,
                                                SourceRange range,
                                                std::vector<std::string> args) {
  return diag_.build(kind, range, std::move(args));
}

void TypeChecker::warning(diag::Kind kind, SourceRange range) {
  diag_.build(kind, range).emit();
}

bool check_types(const ast::Program& program,
                 const probes::ProbeCatalog& catalog,
                 const symbols::KernelSymbolSource& kernel_symbols,
                 const ExpandedProbes& expanded,
                 diag::DiagnosticEngine& diag,
                 CheckedProgram& checked) {
  {
    diag::NullConsumer silent;
    diag::DiagnosticEngine discard(silent);
    TypeChecker(catalog, kernel_symbols, expanded, discard, checked,
                /*reporting=*/false)
        .check_program(program);
  }
  unsigned errors = diag.error_count();
  TypeChecker(catalog, kernel_symbols, expanded, diag, checked,
              /*reporting=*/true)
      .check_program(program);
  return diag.error_count() == errors;
}

} // namespace sonde::sema
