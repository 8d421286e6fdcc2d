// SPDX-License-Identifier: Apache-2.0
#include "diag/engine.h"

namespace sonde::diag {

DiagnosticBuilder& DiagnosticBuilder::note(SourceRange range,
                                           Kind kind,
                                           std::vector<std::string> args) {
  diagnostic_.attachments.push_back({kind, std::move(args), range, true});
  return *this;
}

DiagnosticBuilder& DiagnosticBuilder::hint(Kind kind,
                                           std::vector<std::string> args) {
  diagnostic_.attachments.push_back({kind, std::move(args), {}, false});
  return *this;
}

DiagnosticBuilder& DiagnosticBuilder::hint_at(SourceRange range,
                                              Kind kind,
                                              std::vector<std::string> args) {
  diagnostic_.attachments.push_back({kind, std::move(args), range, true});
  return *this;
}

void DiagnosticBuilder::emit() { engine_.emit(std::move(diagnostic_)); }

DiagnosticBuilder DiagnosticEngine::build(Kind kind,
                                          SourceRange range,
                                          std::vector<std::string> args) {
  return DiagnosticBuilder(*this,
                           Diagnostic{kind, std::move(args), range, true, {}});
}

DiagnosticBuilder
DiagnosticEngine::build_unlocated(Kind kind, std::vector<std::string> args) {
  return DiagnosticBuilder(*this,
                           Diagnostic{kind, std::move(args), {}, false, {}});
}

void DiagnosticEngine::emit(Diagnostic diagnostic) {
  Severity severity = severity_of(diagnostic.kind);
  if (severity == Severity::Warning && !warnings_enabled_) {
    return;
  }
  if (severity == Severity::Error) {
    ++errors_;
  }
  consumer_.handle(diagnostic);
}

} // namespace sonde::diag
