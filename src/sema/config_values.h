// SPDX-License-Identifier: Apache-2.0
// `config.KEY`: the value of one active config key, as a script reads it.
#pragma once

#include "sema/checked_program.h"

#include <optional>
#include <string>
#include <vector>

namespace sonde::sema {

// An integer (booleans are 0 or 1) or a text value.
struct ConfigValue {
  bool is_text = false;
  uint64_t number = 0;
  std::string text;
};

// The value of `key` (already lower-case, without BPFTRACE_) in `config`;
// nullopt for keys sonde does not act on.
std::optional<ConfigValue> config_value(const ProgramConfig& config,
                                        const std::string& key);

// The keys config_value() answers, for messages.
std::vector<std::string> readable_config_keys();

} // namespace sonde::sema
