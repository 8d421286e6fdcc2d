// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diag/diagnostic.h"

#include <memory>
#include <string>
#include <vector>

namespace sonde::diag {

// Receives every emitted diagnostic. Consumers render (terminal, JSON),
// capture (tests) or drop (fuzzers) them.
class Consumer {
public:
  virtual ~Consumer() = default;
  virtual void handle(const Diagnostic& diagnostic) = 0;
};

class DiagnosticEngine;

// Collects a diagnostic's arguments and attachments, then emits it:
//   diag.build(Kind::UnknownField, range, {"struct x", "y"})
//       .hint(Kind::DidYouMean, {"z"}).emit();
// A builder that is never emitted is dropped.
class DiagnosticBuilder {
public:
  DiagnosticBuilder(DiagnosticEngine& engine, Diagnostic diagnostic)
      : engine_(engine), diagnostic_(std::move(diagnostic)) {}

  // A note pointing at another location ("first used here").
  DiagnosticBuilder&
  note(SourceRange range, Kind kind, std::vector<std::string> args = {});
  // A hint, shown after the message; a range is optional.
  DiagnosticBuilder& hint(Kind kind, std::vector<std::string> args = {});
  DiagnosticBuilder&
  hint_at(SourceRange range, Kind kind, std::vector<std::string> args = {});
  void emit();

private:
  DiagnosticEngine& engine_;
  Diagnostic diagnostic_;
};

// Hands diagnostics to one consumer and counts errors. Diagnostics are
// delivered in emission order, which follows the pipeline and, within a
// phase, the source order.
class DiagnosticEngine {
public:
  explicit DiagnosticEngine(Consumer& consumer) : consumer_(consumer) {}

  DiagnosticBuilder
  build(Kind kind, SourceRange range, std::vector<std::string> args = {});
  // A diagnostic about the run rather than a place in the script.
  DiagnosticBuilder build_unlocated(Kind kind,
                                    std::vector<std::string> args = {});

  void emit(Diagnostic diagnostic);

  // While a macro's or fn's expanded body is checked: a diagnostic located
  // in `body` gets a note at `call_site` naming `name`; nested expansions
  // add one note each, innermost first, along the chain of call sites.
  void
  push_expansion(std::string name, SourceRange body, SourceRange call_site);
  void pop_expansion();

  unsigned error_count() const { return errors_; }
  bool has_errors() const { return errors_ != 0; }
  // Warnings are suppressed under --no-warnings.
  void set_warnings_enabled(bool enabled) { warnings_enabled_ = enabled; }

private:
  struct Expansion {
    std::string name;
    SourceRange body;
    SourceRange call_site;
  };

  Consumer& consumer_;
  std::vector<Expansion> expansions_;
  unsigned errors_ = 0;
  bool warnings_enabled_ = true;
};

// Marks a block's checking as inside an expansion (push_expansion) when
// `name` is not empty.
class ExpansionScope {
public:
  ExpansionScope(DiagnosticEngine& engine,
                 const std::string& name,
                 SourceRange body,
                 SourceRange call_site)
      : engine_(name.empty() ? nullptr : &engine) {
    if (engine_ != nullptr) {
      engine_->push_expansion(name, body, call_site);
    }
  }
  ~ExpansionScope() {
    if (engine_ != nullptr) {
      engine_->pop_expansion();
    }
  }
  ExpansionScope(const ExpansionScope&) = delete;
  ExpansionScope& operator=(const ExpansionScope&) = delete;

private:
  DiagnosticEngine* engine_;
};

// Keeps diagnostics for tests to inspect.
class CaptureConsumer : public Consumer {
public:
  void handle(const Diagnostic& diagnostic) override {
    diagnostics.push_back(diagnostic);
  }
  std::vector<Diagnostic> diagnostics;
};

// Drops everything (fuzzers).
class NullConsumer : public Consumer {
public:
  void handle(const Diagnostic&) override {}
};

} // namespace sonde::diag
