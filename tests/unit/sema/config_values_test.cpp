// SPDX-License-Identifier: Apache-2.0
#include "sema/builtins.h"
#include "sema/config_values.h"

#include <gtest/gtest.h>

namespace sonde::sema {
namespace {

TEST(ConfigValues, NumbersAndTexts) {
  ProgramConfig config;
  config.max_strlen = 1024;
  config.print_maps_on_exit = false;
  config.stack_mode = types::StackMode::Perf;
  std::optional<ConfigValue> strlen = config_value(config, "max_strlen");
  ASSERT_TRUE(strlen.has_value());
  EXPECT_FALSE(strlen->is_text);
  EXPECT_EQ(strlen->number, 1024u);
  EXPECT_EQ(config_value(config, "print_maps_on_exit")->number, 0u);
  std::optional<ConfigValue> mode = config_value(config, "stack_mode");
  ASSERT_TRUE(mode.has_value());
  EXPECT_TRUE(mode->is_text);
  EXPECT_EQ(mode->text, "perf");
  EXPECT_EQ(config_value(config, "license")->text, "GPL");
}

TEST(ConfigValues, UnreadableKeys) {
  ProgramConfig config;
  EXPECT_FALSE(config_value(config, "log_size").has_value());
  EXPECT_FALSE(config_value(config, "MAX_STRLEN").has_value());
  for (const std::string& key : readable_config_keys()) {
    EXPECT_TRUE(config_value(config, key).has_value()) << key;
  }
}

TEST(RawBuiltinNames, AliasTheBuiltins) {
  EXPECT_EQ(raw_builtin_name("__builtin_comm"), "comm");
  EXPECT_EQ(raw_builtin_name("__builtin_safe_mode"), "safe_mode");
  EXPECT_FALSE(raw_builtin_name("__builtin_pid").has_value());
  EXPECT_FALSE(raw_builtin_name("comm").has_value());
  EXPECT_EQ(find_variable("__builtin_cpu"), find_variable("cpu"));
  EXPECT_FALSE(find_variable("__builtin_nothing").has_value());
}

} // namespace
} // namespace sonde::sema
