// SPDX-License-Identifier: Apache-2.0
#include "sema/type_checker.h"

namespace sonde::sema {

TypeChecker::TypeChecker(const probes::ProbeCatalog& catalog,
                         const symbols::KernelSymbolSource& kernel_symbols,
                         const ExpandedProbes& expanded,
                         diag::DiagnosticEngine& diag,
                         CheckedProgram& checked,
                         LearnedTypes& learned,
                         bool reporting)
    : catalog_(catalog), kernel_symbols_(kernel_symbols), expanded_(expanded),
      diag_(diag), checked_(checked), learned_(learned), reporting_(reporting) {
}

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
  // Each widening makes at least one type larger, and types only grow to
  // a bound (int64, max_strlen...), but chains of copies can take a run
  // per link: stop after a generous number.
  constexpr int kMaxLearningRuns = 16;
  LearnedTypes learned;
  for (int run = 0; run < kMaxLearningRuns; ++run) {
    diag::NullConsumer silent;
    diag::DiagnosticEngine discard(silent);
    learned.widened = false;
    TypeChecker(catalog, kernel_symbols, expanded, discard, checked, learned,
                /*reporting=*/false)
        .check_program(program);
    if (!learned.widened) {
      break;
    }
  }
  unsigned errors = diag.error_count();
  TypeChecker(catalog, kernel_symbols, expanded, diag, checked, learned,
              /*reporting=*/true)
      .check_program(program);
  return diag.error_count() == errors;
}

} // namespace sonde::sema
