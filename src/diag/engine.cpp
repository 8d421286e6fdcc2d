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
  if (diagnostic.has_range) {
    SourceRange at = diagnostic.range;
    for (auto it = expansions_.rbegin(); it != expansions_.rend(); ++it) {
      if (at.begin >= it->body.begin && at.begin < it->body.end) {
        diagnostic.attachments.push_back(
            {Kind::ExpandedFrom, {it->name}, it->call_site, true});
        at = it->call_site;
      } else if (at.begin >= it->call_site.begin &&
                 at.begin < it->call_site.end) {
        // An argument the body misuses: the message names what the body
        // calls (strstr for strcontains), so say which call led there.
        diagnostic.attachments.push_back(
            {Kind::ExpandedFrom, {it->name}, it->call_site, true});
        break;
      }
    }
  }
  consumer_.handle(diagnostic);
}

void DiagnosticEngine::push_expansion(std::string name,
                                      SourceRange body,
                                      SourceRange call_site) {
  expansions_.push_back({std::move(name), body, call_site});
}

void DiagnosticEngine::pop_expansion() { expansions_.pop_back(); }

} // namespace sonde::diag
