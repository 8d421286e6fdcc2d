// SPDX-License-Identifier: Apache-2.0
#include "driver/options.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace sonde::driver {

const char* usage() {
  return R"(USAGE:
    sonde [options] FILE [SCRIPT ARGS...]
    sonde [options] -e 'PROGRAM' [ARGS...] [-- --NAME=VALUE...]

Everything after FILE belongs to the script: the options its getopt()
calls declare (-p 123, -p123, --pid 123, --pid=123; flags combine: -Tx),
positional parameters $1, $2, ..., and bpftrace's form `1 2 -- --NAME=VALUE`.
`FILE -h` shows the script's usage; a wrong script option exits with 2.
With -e, ARGS are positional parameters and `-- --NAME=VALUE` (or --NAME
for a flag) sets getopt("NAME"); `-- --help` lists them.

OPTIONS:
    -e PROGRAM             the program text
    -c, --cmd CMD          run CMD once the probes are attached and stop
                           when it exits; its pid is `cpid`
    -p, --pid PID          trace process PID: uprobes and usdt probes attach
                           to it, kernel probes only fire for it; sonde
                           ends when it exits
    -l, --list [PATTERN]   list probes matching the glob PATTERN
                           (usdt:BIN:* and uprobe:BIN:* look into BIN;
                           with -p, usdt:* lists the process's probes)
    -lv                    list with the probes' arguments
    -f, --format=FORMAT    output format: text (default) or json
    -o, --output=FILE      write program output to FILE (errors stay on
                           stderr)
    -q, --quiet            do not print "Attached N probes"
    --probe-filter REGEX   attach only the probes whose full name (as -l
                           lists it) REGEX matches; BEGIN and END always run
    -v, --verbose          show libbpf messages and verifier logs
    --dry-run              compile, load and verify every program, then
                           stop without attaching or running anything
    --no-warnings          do not print warnings
    --unsafe               allow actions that can harm the system: system(),
                           signal(), signal_thread(), override(),
                           write_user()
    --no-color             never colour diagnostics
    -I DIR                 search DIR for the C definitions' headers
                           before the system's directories
    --include FILE         #include FILE before the C definitions
    --debuginfo=DIR        also look for separate debug files in DIR
                           (DIR/.build-id/xx/yyyy.debug, DIR/NAME.debug);
                           repeatable
    --usdt-file-activation accepted for bpftrace scripts: USDT semaphores
                           are always set in every process of the file
    -d, --dump=STAGE       print a stage to stdout: ast, types, ir
    --stop-after=PHASE     stop after parse, sema or codegen
    --emit-elf FILE        write the compiled BPF object to FILE and stop
    -h, --help             show this help
    -V, --version          show the version
    --list-tools           list the bundled tools with their descriptions
    --info                 show which probe types this kernel supports

ENVIRONMENT:
    SONDE_NOTIFY_ATTACHED=1  print __SONDE_ATTACHED__ on stdout once every
                             probe is attached (for tests)
)";
}

namespace {

// Matches "--name=value", or "--name value" / "-x value" consuming the next
// argument.
bool take_value(const char* flag,
                const char* long_name,
                const char* short_name,
                int& i,
                int argc,
                char** argv,
                std::string& value,
                std::string& error) {
  size_t long_size = std::strlen(long_name);
  if (std::strncmp(flag, long_name, long_size) == 0 && flag[long_size] == '=') {
    value = flag + long_size + 1;
    return true;
  }
  if (std::strcmp(flag, long_name) == 0 ||
      (short_name != nullptr && std::strcmp(flag, short_name) == 0)) {
    if (i + 1 >= argc) {
      error = std::string("option '") + flag + "' needs a value";
      return true;
    }
    value = argv[++i];
    return true;
  }
  return false;
}

} // namespace

std::optional<Options>
parse_options(int argc, char** argv, std::string& error) {
  Options options;
  bool have_program = false;
  bool command_given = false;
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    std::string value;
    // After the program, arguments that are not options (including negative
    // numbers) are positional parameters.
    bool positional = arg[0] != '-' || std::strcmp(arg, "-") == 0 ||
                      (have_program && std::isdigit(arg[1]));
    if (positional) {
      if (!have_program) {
        options.program_file = arg;
        have_program = true;
        // The script's own arguments: read against its getopt() calls
        // once it is parsed.
        options.script_args.assign(argv + i + 1, argv + argc);
        break;
      } else {
        options.positional_params.push_back(arg);
      }
      continue;
    }
    if (std::strcmp(arg, "--") == 0) {
      // Named parameters (--name=value, --flag) and positional ones, which
      // may be negative numbers here.
      for (++i; i < argc; ++i) {
        std::string text = argv[i];
        if (text.size() <= 2 || text.compare(0, 2, "--") != 0) {
          options.positional_params.push_back(text);
          continue;
        }
        size_t equals = text.find('=');
        std::string name = text.substr(2, equals - 2);
        if (name.empty() && error.empty()) {
          error = "invalid named parameter '" + text + "' (--NAME=VALUE)";
        }
        options.named_params[name] =
            equals == std::string::npos
                ? std::nullopt
                : std::optional<std::string>(text.substr(equals + 1));
      }
      break;
    }
    if (take_value(arg, "--program", "-e", i, argc, argv, value, error)) {
      options.program_text = value;
      have_program = true;
    } else if (take_value(arg, "--dump", "-d", i, argc, argv, value, error)) {
      if (value == "ast") {
        options.dump = Dump::Ast;
      } else if (value == "types") {
        options.dump = Dump::Types;
      } else if (value == "ir" || value == "codegen") {
        options.dump = Dump::Ir;
      } else if (error.empty()) {
        error = "unknown dump stage '" + value + "' (ast, types, ir)";
      }
    } else if (take_value(arg, "--stop-after", nullptr, i, argc, argv, value,
                          error)) {
      if (value == "parse") {
        options.stop_after = Phase::Parse;
      } else if (value == "sema") {
        options.stop_after = Phase::Sema;
      } else if (value == "codegen") {
        options.stop_after = Phase::Codegen;
      } else if (error.empty()) {
        error = "unknown phase '" + value + "' (parse, sema, codegen)";
      }
    } else if (take_value(arg, "--emit-elf", nullptr, i, argc, argv, value,
                          error)) {
      options.emit_elf = value;
    } else if (take_value(arg, "--cmd", "-c", i, argc, argv, value, error)) {
      options.command = value;
      command_given = true;
    } else if (take_value(arg, "--pid", "-p", i, argc, argv, value, error)) {
      char* end = nullptr;
      long pid = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || pid <= 0 || pid > 0x7fffffff) {
        if (error.empty()) {
          error = "'" + value + "' is not a process id";
        }
      } else {
        options.pid = static_cast<int>(pid);
      }
    } else if (take_value(arg, "--probe-filter", nullptr, i, argc, argv, value,
                          error)) {
      options.probe_filter = value;
    } else if (take_value(arg, "--include", nullptr, i, argc, argv, value,
                          error)) {
      options.includes.push_back(value);
    } else if (std::strncmp(arg, "-I", 2) == 0) {
      // `-I DIR` or `-IDIR`, as compilers take it.
      if (arg[2] != '\0') {
        options.include_dirs.emplace_back(arg + 2);
      } else if (i + 1 < argc) {
        options.include_dirs.emplace_back(argv[++i]);
      } else {
        error = "option '-I' needs a value";
      }
    } else if (take_value(arg, "--output", "-o", i, argc, argv, value, error)) {
      options.output_file = value;
    } else if (take_value(arg, "--format", "-f", i, argc, argv, value, error)) {
      if (value == "json") {
        options.json = true;
      } else if (value != "text" && error.empty()) {
        error = "unknown output format '" + value + "' (text, json)";
      }
    } else if (take_value(arg, "--debuginfo", nullptr, i, argc, argv, value,
                          error)) {
      options.debuginfo_dirs.push_back(value);
    } else if (!std::strcmp(arg, "--usdt-file-activation")) {
      options.usdt_file_activation = true;
    } else if (!std::strcmp(arg, "-q") || !std::strcmp(arg, "--quiet")) {
      options.quiet = true;
    } else if (!std::strcmp(arg, "-v") || !std::strcmp(arg, "--verbose")) {
      options.verbose = true;
    } else if (!std::strcmp(arg, "--dry-run")) {
      options.dry_run = true;
    } else if (!std::strcmp(arg, "--unsafe")) {
      options.unsafe = true;
    } else if (!std::strcmp(arg, "--no-warnings")) {
      options.warnings = false;
    } else if (!std::strcmp(arg, "--no-color")) {
      options.color = false;
    } else if (!std::strcmp(arg, "-l") || !std::strcmp(arg, "--list") ||
               !std::strcmp(arg, "-lv") || !std::strcmp(arg, "-vl")) {
      options.list = true;
      options.verbose = options.verbose || std::strlen(arg) == 3;
      // The pattern is optional: the next argument, unless it is an option.
      if (i + 1 < argc && argv[i + 1][0] != '-') {
        options.list_pattern = argv[++i];
      }
      have_program = true;
    } else if (!std::strcmp(arg, "-h") || !std::strcmp(arg, "--help")) {
      options.help = true;
    } else if (!std::strcmp(arg, "-V") || !std::strcmp(arg, "--version")) {
      options.version = true;
    } else if (!std::strcmp(arg, "--info")) {
      options.info = true;
    } else if (!std::strcmp(arg, "--list-tools")) {
      options.list_tools = true;
    } else {
      error = std::string("unknown option '") + arg + "'";
    }
    if (!error.empty()) {
      return std::nullopt;
    }
  }
  // `-l -p PID PATTERN`: the pattern comes after the options -l did not
  // take.
  if (options.list && options.list_pattern.empty() &&
      options.program_text.empty() && !options.positional_params.empty()) {
    options.list_pattern = options.positional_params.front();
    options.positional_params.erase(options.positional_params.begin());
  }
  if (command_given &&
      options.command.find_first_not_of(" \t\n") == std::string::npos) {
    error = "the command given to -c is empty";
    return std::nullopt;
  }
  if (options.pid != 0 && !options.command.empty()) {
    error = "-p and -c cannot be used together";
    return std::nullopt;
  }
  if (!options.help && !options.version && !options.info &&
      !options.list_tools && !have_program) {
    error = "no program given: pass a script file or -e 'PROGRAM'";
    return std::nullopt;
  }
  return options;
}

} // namespace sonde::driver
