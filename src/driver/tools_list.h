// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>

namespace sonde::driver {

// A bundled tool (scripts/NAME.bt): its name and the one-line description
// from its header comment.
struct BundledTool {
  const char* name;
  const char* description;
};

// The bundled tools by name, embedded at build time by cmake/tools.py.
std::span<const BundledTool> bundled_tools();

} // namespace sonde::driver
