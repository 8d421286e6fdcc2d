// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"
#include "sema/checked_program.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The arguments after a script file belong to the script: its getopt()
// options in BCC's spelling (`-p 123`, `-p123`, `--pid 123`, `--pid=123`,
// bool flags `-T`/`--timestamp` combining as `-Tx`), its positional
// parameters ($1, $2, ...), and bpftrace's form after `--` (positionals,
// then `--name=value`). They are read against the getopt() calls of the
// parsed program before sema, so `-h` and wrong options need no kernel.
namespace sonde::driver {

// A getopt() call as the parser left it: what the arguments need to know.
struct ScriptOption {
  std::string name;
  // "bool" (a flag), "int" or "string", from the default's literal.
  std::string type = "bool";
  std::string default_text = "false";
  std::string description;
  char short_flag = '\0';
};

// The getopt() calls whose name is a string literal, in source order, one
// per name (the first call that gives a description, default or short flag
// wins for each).
std::vector<ScriptOption> declared_options(ast::Program& program);

// The header comment of a script (the `//` lines at its top, after a
// `#!` line), as scripts/README.md defines it:
//   // NAME - one-line description
//   // Usage: NAME [options] [interval [count]]
//   // Arguments:   (indented lines: each positional and what it means)
struct ScriptHeader {
  std::string description;            // After "NAME - " on the first line.
  std::string usage;                  // The text after "Usage: ".
  std::vector<std::string> arguments; // The Arguments: block, as written.
  // The positionals the usage line names (`interval`, `count`); none when
  // it names none or the script has no usage line.
  std::vector<std::string> positional_names;
  // The usage line ends with `...`: any number of positionals.
  bool any_positionals = false;
};

ScriptHeader parse_header(std::string_view source_text);

// What the arguments said.
struct ScriptArgs {
  std::vector<std::string> positional;
  sema::NamedParams named;
  bool help = false;
};

// Reads `args` against `options`; on a usage error returns nullopt after
// setting `error` to a one-line message naming the argument.
std::optional<ScriptArgs>
parse_script_args(const std::vector<ScriptOption>& options,
                  const ScriptHeader& header,
                  const std::vector<std::string>& args,
                  std::string& error);

// `NAME -h`: the usage line, the description, the positionals and every
// option with its short and long form, default and description.
std::string script_help(const std::string& name,
                        const ScriptHeader& header,
                        const std::vector<ScriptOption>& options);

// The Options: lines of script_help (each ends with a newline); a tool's
// header comment repeats them.
std::string options_help(const std::vector<ScriptOption>& options);

// The name a script answers to in messages: its file name without `.bt`.
std::string script_name(const std::string& path);

} // namespace sonde::driver
