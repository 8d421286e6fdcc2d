// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "probes/tracefs.h"

#include <filesystem>
#include <memory>
#include <string>

// The tracefs fixture in tests/data/tracefs, found from this file's path so
// the tests run from any directory.
namespace sonde::probes::testing {

inline std::string fixture_root() {
  return (std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "data" /
          "tracefs")
      .lexically_normal()
      .string();
}

inline std::shared_ptr<const Tracefs> fixture_tracefs() {
  return std::make_shared<const Tracefs>(fixture_root());
}

} // namespace sonde::probes::testing
