// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the front end after parsing: macro expansion and
// every semantic pass (config, C definitions, probe expansion over the
// checked-in tracefs fixture, type checking without kernel symbols,
// resource planning). Crashes, sanitizer reports and diagnostics outside
// the input trap. Scripts with C definitions are skipped: libclang is not
// instrumented and is far slower than the passes under test. See
// README.md.
#include "ast/context.h"
#include "diag/engine.h"
#include "parse/parse.h"
#include "probes/probe_type.h"
#include "probes/tracefs.h"
#include "sema/pipeline.h"
#include "source/source_buffer.h"
#include "symbols/kallsyms.h"

#include <cstdlib>
#include <memory>
#include <string>

namespace {

class RangeCheckingConsumer : public sonde::diag::NullConsumer {
public:
  explicit RangeCheckingConsumer(size_t size) : size_(size) {}

  void handle(const sonde::diag::Diagnostic& diagnostic) override {
    if (diagnostic.has_range &&
        (diagnostic.range.begin > diagnostic.range.end ||
         diagnostic.range.end > size_)) {
      __builtin_trap();
    }
    (void)diagnostic.message();
  }

private:
  size_t size_;
};

const sonde::probes::ProbeCatalog& catalog() {
  static std::unique_ptr<sonde::probes::ProbeCatalog> fixture =
      sonde::probes::ProbeCatalog::create(
          std::make_shared<sonde::probes::Tracefs>(SONDE_FIXTURE_TRACEFS));
  return *fixture;
}

// No kernel symbols: kaddr() fails the same way on every machine.
class NoKernelSymbols : public sonde::symbols::KernelSymbolSource {
public:
  std::optional<uint64_t> address_of(std::string_view) const override {
    return std::nullopt;
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  sonde::SourceBuffer source("fuzz.bt", std::move(text));
  sonde::ast::Context context;
  RangeCheckingConsumer consumer(size);
  sonde::diag::DiagnosticEngine diag(consumer);
  sonde::ast::Program* program = sonde::parse::parse(source, context, diag);
  if (program == nullptr || diag.has_errors() ||
      program->c_definitions != nullptr) {
    return 0;
  }
  if (!sonde::sema::expand_macros(*program, context, diag)) {
    return 0;
  }
  static const NoKernelSymbols kernel_symbols;
  (void)sonde::sema::analyze(*program, catalog(), kernel_symbols, diag,
                             {"1", "two"}, {}, &source);
  return 0;
}
