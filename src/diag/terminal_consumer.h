// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diag/engine.h"

#include "llvm/Support/raw_ostream.h"

namespace sonde::diag {

// Renders diagnostics the way compilers do:
//   probe.bt:3:14: error: no field 'pidd' in 'struct task_struct'
//       3 |   @[curtask->pidd] = count();
//         |              ^~~~
//   probe.bt:3:14: hint: did you mean 'pid'?
// Tabs in the source line print as 4 spaces so carets stay aligned.
class TerminalConsumer : public Consumer {
public:
  TerminalConsumer(const SourceBuffer& source,
                   llvm::raw_ostream& out,
                   bool color);
  void handle(const Diagnostic& diagnostic) override;

private:
  void render(Severity severity,
              const std::string& message,
              const SourceRange* range);
  void render_excerpt(SourceRange range);

  const SourceBuffer& source_;
  llvm::raw_ostream& out_;
  bool color_;
};

} // namespace sonde::diag
