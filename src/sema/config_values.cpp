// SPDX-License-Identifier: Apache-2.0
#include "sema/config_values.h"

namespace sonde::sema {

namespace {

const char* stack_mode_name(types::StackMode mode) {
  switch (mode) {
  case types::StackMode::Bpftrace:
    return "bpftrace";
  case types::StackMode::Perf:
    return "perf";
  case types::StackMode::Raw:
    return "raw";
  case types::StackMode::BuildId:
    return "build_id";
  }
  return "bpftrace";
}

const char* unstable_name(Unstable setting) {
  switch (setting) {
  case Unstable::Enable:
    return "enable";
  case Unstable::Warn:
    return "warn";
  case Unstable::Error:
    return "error";
  }
  return "error";
}

ConfigValue number(uint64_t value) { return {false, value, {}}; }

ConfigValue text(std::string value) { return {true, 0, std::move(value)}; }

} // namespace

std::optional<ConfigValue> config_value(const ProgramConfig& config,
                                        const std::string& key) {
  if (key == "max_map_keys") {
    return number(config.max_map_keys);
  }
  if (key == "max_strlen") {
    return number(config.max_strlen);
  }
  if (key == "on_stack_limit") {
    return number(config.on_stack_limit);
  }
  if (key == "print_maps_on_exit") {
    return number(config.print_maps_on_exit ? 1 : 0);
  }
  if (key == "license") {
    return text(config.license);
  }
  if (key == "missing_probes") {
    return text(config.missing_probes);
  }
  if (key == "stack_mode") {
    return text(stack_mode_name(config.stack_mode));
  }
  if (key == "str_trunc_trailer") {
    return text(config.str_trunc_trailer);
  }
  if (key == "max_cat_bytes") {
    return number(config.max_cat_bytes);
  }
  if (key == "show_debug_info") {
    return number(config.show_debug_info ? 1 : 0);
  }
  if (key == "unstable_tseries") {
    return text(unstable_name(config.unstable_tseries));
  }
  if (key == "unstable_typeinfo") {
    return text(unstable_name(config.unstable_typeinfo));
  }
  if (key == "unstable_import_statement") {
    return text(unstable_name(config.unstable_import_statement));
  }
  return std::nullopt;
}

std::vector<std::string> readable_config_keys() {
  return {"max_map_keys",
          "max_strlen",
          "on_stack_limit",
          "print_maps_on_exit",
          "license",
          "missing_probes",
          "stack_mode",
          "str_trunc_trailer",
          "max_cat_bytes",
          "show_debug_info",
          "unstable_tseries",
          "unstable_typeinfo",
          "unstable_import_statement"};
}

} // namespace sonde::sema
