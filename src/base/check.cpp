// SPDX-License-Identifier: Apache-2.0
#include "base/check.h"

#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace sonde {

void check_failed(const char* condition,
                  const char* file,
                  int line,
                  const char* message) {
  llvm::errs() << "sonde: internal error: check '" << condition
               << "' failed at " << file << ":" << line;
  if (message != nullptr) {
    llvm::errs() << ": " << message;
  }
  llvm::errs() << "\n";
  llvm::sys::PrintStackTrace(llvm::errs());
  std::abort();
}

} // namespace sonde
