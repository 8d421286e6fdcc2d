// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "llvm/Support/Error.h"

#include <string>

namespace sonde {

// Recoverable failures are values, never exceptions. Result<T> is
// llvm::Expected<T>: it must be checked before it is destroyed.
template <typename T> using Result = llvm::Expected<T>;

// A plain-text error for Result; the message starts lower-case and has no
// trailing period, like every sonde message.
inline llvm::Error make_error(const std::string& message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

// Renders and consumes an error.
inline std::string error_text(llvm::Error error) {
  return llvm::toString(std::move(error));
}

} // namespace sonde
