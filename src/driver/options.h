// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sonde::driver {

enum class Phase { Parse, Sema, Codegen, Run };
enum class Dump { None, Ast, Types, Ir };

// The command line, parsed.
struct Options {
  std::string program_text; // From -e.
  std::string program_file; // A script path, or "-" for stdin.
  std::vector<std::string> positional_params;
  // Everything after a script file belongs to the script: its options,
  // positional parameters and `-- --name=value` (driver/script_args.h).
  // Unused with -e, whose positionals and named parameters are read here.
  std::vector<std::string> script_args;
  // After `--`: --name=value (or --name) for the script's getopt().
  std::map<std::string, std::optional<std::string>> named_params;
  Phase stop_after = Phase::Run;
  Dump dump = Dump::None;
  std::string emit_elf;    // --emit-elf FILE: write the BPF object there.
  std::string output_file; // -o FILE: program output goes there.
  std::string command;     // -c CMD: the command to trace.
  int pid = 0;             // -p PID: the process to trace.
  bool json = false;       // -f json.
  bool quiet = false;
  bool verbose = false;
  bool dry_run = false;
  bool warnings = true;
  // --unsafe: system(), signal() and override() are allowed.
  bool unsafe = false;
  bool color = true;
  bool help = false;
  // -l [PATTERN]: list probes instead of running a program.
  bool list = false;
  std::string list_pattern;
  bool version = false;
  // --info: print the kernel features sonde probes for.
  bool info = false;
  // --list-tools: print the bundled tools and their descriptions.
  bool list_tools = false;
  // --probe-filter REGEX: only attach points whose name it matches (and
  // BEGIN/END) are attached.
  std::optional<std::string> probe_filter;
  // -I DIR: searched for the C definitions' #include <...> before the
  // system's directories.
  std::vector<std::string> include_dirs;
  // --include FILE: included before the script's C definitions.
  std::vector<std::string> includes;
  // --debuginfo=DIR (repeatable): searched for separate debug files before
  // /usr/lib/debug.
  std::vector<std::string> debuginfo_dirs;
  // --usdt-file-activation: accepted for bpftrace's scripts; USDT
  // semaphores are always set for every process through the kernel's
  // uprobe reference counters.
  bool usdt_file_activation = false;
};

// Parses argv; on a usage error returns nullopt after setting `error`.
std::optional<Options> parse_options(int argc, char** argv, std::string& error);

// The text of `sonde --help`.
const char* usage();

} // namespace sonde::driver
