// SPDX-License-Identifier: Apache-2.0
#include "driver/script_args.h"

#include <gtest/gtest.h>

namespace sonde::driver {
namespace {

std::vector<ScriptOption> tool_options() {
  ScriptOption pid{"pid", "int", "0", "trace this PID", 'p'};
  ScriptOption stamp{"timestamp", "bool", "false", "timestamps", 'T'};
  ScriptOption failed{"failed", "bool", "false", "failures", 'x'};
  ScriptOption name{"name", "string", "", "command name", 'n'};
  ScriptOption depth{"depth", "int", "3", "", '\0'};
  return {pid, stamp, failed, name, depth};
}

ScriptHeader header_of(const std::string& text) { return parse_header(text); }

TEST(ScriptHeader, DescriptionUsageAndArguments) {
  ScriptHeader header =
      header_of("#!/usr/bin/env sonde\n"
                "// tool - what it shows\n"
                "//\n"
                "// Usage: tool [options] [interval [count]]\n"
                "//\n"
                "// Arguments:\n"
                "//   interval   seconds\n"
                "//   count      summaries\n"
                "//\n"
                "BEGIN {}\n");
  EXPECT_EQ(header.description, "what it shows");
  EXPECT_EQ(header.usage, "tool [options] [interval [count]]");
  EXPECT_EQ(header.arguments,
            (std::vector<std::string>{"  interval   seconds",
                                      "  count      summaries"}));
  EXPECT_EQ(header.positional_names,
            (std::vector<std::string>{"interval", "count"}));
  EXPECT_FALSE(header.any_positionals);
}

TEST(ScriptHeader, OptionValuesAreNoPositionals) {
  ScriptHeader header = header_of("// t - x\n// Usage: t [-p PID] [FILE...]\n");
  EXPECT_TRUE(header.positional_names.empty());
  EXPECT_TRUE(header.any_positionals);
}

ScriptArgs parsed(const std::vector<std::string>& args,
                  const std::string& header_text = "") {
  std::string error;
  std::optional<ScriptArgs> result =
      parse_script_args(tool_options(), header_of(header_text), args, error);
  EXPECT_TRUE(result.has_value()) << error;
  return result.value_or(ScriptArgs{});
}

std::string error_of(const std::vector<std::string>& args,
                     const std::string& header_text = "") {
  std::string error;
  EXPECT_FALSE(
      parse_script_args(tool_options(), header_of(header_text), args, error)
          .has_value());
  return error;
}

TEST(ScriptArgs, EverySpellingOfAValue) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-p", "12"}, {"-p12"}, {"--pid", "12"}, {"--pid=12"}}) {
    ScriptArgs result = parsed(args);
    ASSERT_EQ(result.named.count("pid"), 1u);
    EXPECT_EQ(result.named.at("pid"), std::optional<std::string>("12"));
  }
}

TEST(ScriptArgs, FlagsCombineWithAValueLast) {
  ScriptArgs result = parsed({"-Txn", "bash", "5"});
  EXPECT_EQ(result.named.at("timestamp"), std::nullopt);
  EXPECT_EQ(result.named.at("failed"), std::nullopt);
  EXPECT_EQ(result.named.at("name"), std::optional<std::string>("bash"));
  EXPECT_EQ(result.positional, std::vector<std::string>{"5"});
}

TEST(ScriptArgs, PositionalsAroundOptionsAndNegativeNumbers) {
  ScriptArgs result = parsed({"1", "-T", "-5", "--depth=-2"});
  EXPECT_EQ(result.positional, (std::vector<std::string>{"1", "-5"}));
  EXPECT_EQ(result.named.at("depth"), std::optional<std::string>("-2"));
}

TEST(ScriptArgs, BpftraceFormAfterDashDash) {
  ScriptArgs result = parsed({"1", "--", "2", "--depth=4", "--other"});
  EXPECT_EQ(result.positional, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(result.named.at("depth"), std::optional<std::string>("4"));
  // Checked after sema, as before.
  EXPECT_EQ(result.named.count("other"), 1u);
}

TEST(ScriptArgs, Help) {
  EXPECT_TRUE(parsed({"-h"}).help);
  EXPECT_TRUE(parsed({"-T", "--help"}).help);
}

TEST(ScriptArgs, UsageErrorsNameTheArgument) {
  EXPECT_EQ(error_of({"-z"}), "unknown option '-z'");
  EXPECT_EQ(error_of({"-Tz"}), "unknown option '-z'");
  EXPECT_EQ(error_of({"--zed=1"}), "unknown option '--zed'");
  EXPECT_EQ(error_of({"-p"}), "option '-p' needs a value");
  EXPECT_EQ(error_of({"--pid"}), "option '--pid' needs a value");
  EXPECT_EQ(error_of({"-p", "x1"}), "option '-p' takes an integer, got 'x1'");
  EXPECT_EQ(error_of({"--failed=maybe"}),
            "option '--failed' takes true or false, got 'maybe'");
  EXPECT_EQ(
      error_of({"1", "2", "3"}, "// t - x\n// Usage: t [interval [count]]\n"),
      "unexpected argument '3'");
}

TEST(ScriptHelp, ListsOptionsWithDefaults) {
  std::string text = script_help(
      "tool", header_of("// tool - shows things\n// Usage: tool [options]\n"),
      tool_options());
  EXPECT_EQ(text, "Usage: tool [options]\n"
                  "\n"
                  "shows things\n"
                  "\n"
                  "Options:\n"
                  "  -p, --pid PID           trace this PID (default 0)\n"
                  "  -T, --timestamp         timestamps\n"
                  "  -x, --failed            failures\n"
                  "  -n, --name NAME         command name\n"
                  "      --depth DEPTH       (default 3)\n"
                  "  -h, --help              show this help and exit\n");
}

TEST(ScriptName, FileNameWithoutBt) {
  EXPECT_EQ(script_name("/usr/share/x/opensnoop.bt"), "opensnoop");
  EXPECT_EQ(script_name("bin/opensnoop"), "opensnoop");
}

} // namespace
} // namespace sonde::driver
