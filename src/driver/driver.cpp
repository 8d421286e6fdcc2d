// SPDX-License-Identifier: Apache-2.0
#include "driver/driver.h"

#include "ast/printer.h"
#include "base/source_file.h"
#include "base/strings.h"
#include "codegen/codegen.h"
#include "diag/terminal_consumer.h"
#include "driver/list_probes.h"
#include "driver/named_params.h"
#include "driver/options.h"
#include "driver/privileges.h"
#include "driver/script_args.h"
#include "driver/tools_list.h"
#include "driver/type_dump.h"
#include "parse/imports.h"
#include "parse/literals.h"
#include "parse/parse.h"
#include "probes/kernel_features.h"
#include "probes/tracefs.h"
#include "runtime/features.h"
#include "runtime/runtime.h"
#include "sema/pipeline.h"
#include "symbols/debug_files.h"
#include "symbols/kallsyms.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

namespace sonde::driver {

namespace {

constexpr const char* kVersion = "sonde v0.1.0";

// Reads the script: -e text, a file, or stdin for "-".
std::optional<SourceBuffer> load_source(const Options& options,
                                        llvm::raw_ostream& err) {
  if (options.program_file.empty()) {
    return SourceBuffer("stdin", options.program_text);
  }
  bool from_stdin = options.program_file == "-";
  Result<std::string> text = from_stdin
                                 ? read_source_stream(STDIN_FILENO)
                                 : read_source_file(options.program_file);
  if (!text) {
    err << "sonde: error: cannot read "
        << (from_stdin ? "the script from stdin"
                       : "'" + options.program_file + "'")
        << ": " << error_text(text.takeError()) << "\n";
    return std::nullopt;
  }
  return SourceBuffer(from_stdin ? "stdin" : options.program_file,
                      std::move(*text));
}

// Imports resolve relative to the script's directory; for -e and stdin,
// relative to the current directory.
bool resolve_script_imports(const Options& options,
                            ast::Program& program,
                            SourceBuffer& source,
                            ast::Context& context,
                            diag::DiagnosticEngine& diag) {
  bool from_file = !options.program_file.empty() && options.program_file != "-";
  std::string dir = ".";
  if (from_file) {
    std::filesystem::path parent =
        std::filesystem::path(options.program_file).parent_path();
    dir = parent.empty() ? "." : parent.string();
  }
  return parse::resolve_imports(program, source, context, diag, dir,
                                from_file ? options.program_file : "");
}

bool write_file(const std::string& path,
                const std::vector<char>& bytes,
                llvm::raw_ostream& err) {
  std::error_code error;
  llvm::raw_fd_ostream file(path, error);
  if (error) {
    err << "sonde: error: cannot write '" << path << "': " << error.message()
        << "\n";
    return false;
  }
  file.write(bytes.data(), bytes.size());
  return true;
}

// The probe catalog over the system's tracefs, or over the directory named
// by SONDE_TRACEFS (golden tests use a checked-in fixture).
const probes::ProbeCatalog& probe_catalog() {
  const char* root = std::getenv("SONDE_TRACEFS");
  if (root == nullptr || root[0] == '\0') {
    return probes::ProbeCatalog::system();
  }
  static std::unique_ptr<probes::ProbeCatalog> fixture =
      probes::ProbeCatalog::create(std::make_shared<probes::Tracefs>(root));
  return *fixture;
}

// Backend errors carry the script line and column of the code that caused
// them (codegen attaches debug locations to every statement).
void report_backend_errors(
    const std::vector<codegen::BackendDiagnostic>& errors,
    const SourceBuffer& source,
    diag::DiagnosticEngine& diag) {
  for (const codegen::BackendDiagnostic& error : errors) {
    uint32_t offset = source.offset_of({error.line, error.column});
    SourceRange range{offset, offset + 1};
    if (error.stack_limit) {
      diag.build(diag::Kind::StackLimitExceeded, range)
          .hint(diag::Kind::StackLimitHint)
          .emit();
    } else {
      diag.build(diag::Kind::BackendError, range, {error.message}).emit();
    }
  }
}

// With -c, the probes that attach to one process (uprobes, USDT,
// watchpoints) attach to the command, whose pid is known only now.
void limit_to_process(sema::CheckedProgram& checked, int pid) {
  for (sema::ProbeInstance& instance : checked.instances) {
    for (probes::AttachTarget& target : instance.targets) {
      if (probes::traits(target.kind).pid == probes::PidFilter::Attach) {
        target.pid = pid;
      }
    }
  }
}

// `--info`: what sonde found by probing the kernel, one feature a line
// ("  kprobe: no (this kernel has no kprobe support ...)"), so tests and
// users can see why a probe type is refused.
void print_info(llvm::raw_ostream& out) {
  out << kVersion << "\n\nKernel features:\n";
  constexpr probes::KernelFeature kFeatures[] = {
      probes::KernelFeature::Kprobes,     probes::KernelFeature::KprobeMulti,
      probes::KernelFeature::Fentry,      probes::KernelFeature::RawTracepoints,
      probes::KernelFeature::Iter,        probes::KernelFeature::Watchpoints,
      probes::KernelFeature::UprobeMulti, probes::KernelFeature::KprobeSession};
  for (probes::KernelFeature feature : kFeatures) {
    const probes::FeatureStatus& status = probes::kernel_feature(feature);
    out << "  " << probes::feature_name(feature) << ": "
        << (status.available ? "yes" : "no");
    if (!status.available) {
      out << " (" << status.reason << ")";
    }
    out << "\n";
  }
  out << "  bpf_v4_instructions: "
      << (runtime::kernel_has_bpf_v4() ? "yes" : "no") << "\n";
}

// --probe-filter: the attach points whose full name the regular expression
// does not match are dropped, with the programs left with none; BEGIN and
// END always stay. False, with an error, when REGEX does not compile.
bool filter_probes(sema::CheckedProgram& checked,
                   const std::string& filter,
                   llvm::raw_ostream& err) {
  std::regex pattern;
  try {
    pattern = std::regex(filter);
  } catch (const std::regex_error& error) {
    err << "sonde: error: --probe-filter '" << filter
        << "' is not a regular expression: " << error.what() << "\n";
    return false;
  }
  std::vector<sema::ProbeInstance>& instances = checked.instances;
  for (sema::ProbeInstance& instance : instances) {
    std::erase_if(instance.targets, [&](const probes::AttachTarget& target) {
      probes::Trigger trigger = probes::traits(target.kind).trigger;
      return trigger != probes::Trigger::Begin &&
             trigger != probes::Trigger::End &&
             !std::regex_search(target.full_name, pattern);
    });
  }
  std::erase_if(instances, [](const sema::ProbeInstance& instance) {
    return instance.targets.empty();
  });
  return true;
}

// Positional parameters in attach points (`interval:ms:$1`, `BEG$1`, a
// whole `$1`) are replaced by their text before the probes are expanded;
// an unset one is empty (COMPAT 36).
void expand_attach_point_positionals(ast::Program& program,
                                     const std::vector<std::string>& params) {
  for (ast::Probe* probe : program.probes) {
    for (ast::AttachPoint* ap : probe->attach_points) {
      if (ap->raw.find('$') == std::string::npos) {
        continue;
      }
      std::string raw;
      for (size_t i = 0; i < ap->raw.size(); ++i) {
        size_t end = i + 1;
        while (end < ap->raw.size() &&
               std::isdigit(static_cast<unsigned char>(ap->raw[end]))) {
          ++end;
        }
        if (ap->raw[i] != '$' || end == i + 1) {
          raw += ap->raw[i];
          continue;
        }
        size_t index = std::strtoull(ap->raw.c_str() + i + 1, nullptr, 10);
        if (index >= 1 && index <= params.size()) {
          raw += params[index - 1];
        }
        i = end - 1;
      }
      ap->raw = raw;
      ap->parts = parse::detail::split_attach_point(raw);
    }
  }
}

// The pid namespace whose ids /proc shows, when it is sonde's own and not
// the initial one (sonde in a container, or under `unshare -p
// --mount-proc`): user addresses must then be recorded with those ids to be
// resolved through /proc/PID/maps. A /proc of another namespace names
// sonde by another pid.
std::optional<std::pair<uint64_t, uint64_t>> proc_pid_namespace() {
  // PROC_PID_INIT_INO: the initial namespace's inode number.
  constexpr uint64_t kInitialNamespace = 0xEFFFFFFCu;
  struct stat namespace_file;
  std::error_code error;
  std::filesystem::path self =
      std::filesystem::read_symlink("/proc/self", error);
  if (error || self.string() != std::to_string(getpid()) ||
      stat("/proc/self/ns/pid", &namespace_file) != 0 ||
      namespace_file.st_ino == kInitialNamespace) {
    return std::nullopt;
  }
  return std::make_pair(static_cast<uint64_t>(namespace_file.st_dev),
                        static_cast<uint64_t>(namespace_file.st_ino));
}

// -p must name a live process: checked before anything is compiled.
bool process_exists(int pid, llvm::raw_ostream& err) {
  if (kill(pid, 0) == 0 || errno == EPERM) {
    return true;
  }
  err << "sonde: error: no process with pid " << pid << "\n";
  return false;
}

// `-l` with a program (-e, or a script file given as the pattern): the
// probes it would attach, after macros and attach-point expansion.
int list_program(const Options& options) {
  llvm::raw_fd_ostream& err = llvm::errs();
  Options script = options;
  if (script.program_text.empty()) {
    script.program_file = options.list_pattern;
  }
  std::optional<SourceBuffer> source = load_source(script, err);
  if (!source) {
    return 1;
  }
  bool color = options.color && llvm::sys::Process::StandardErrHasColors();
  diag::TerminalConsumer consumer(*source, err, color);
  diag::DiagnosticEngine diag(consumer);
  diag.set_warnings_enabled(options.warnings);
  ast::Context context;
  ast::Program* program = parse::parse(*source, context, diag);
  if (program == nullptr || diag.has_errors() ||
      !resolve_script_imports(script, *program, *source, context, diag) ||
      !sema::expand_macros(*program, context, diag)) {
    return 1;
  }
  sema::ProgramConfig config;
  sema::ExpandedProbes expanded;
  probes::ExpandContext traced;
  traced.pid = options.pid;
  traced.unsafe = options.unsafe;
  if (!sema::read_config(*program, diag, config) ||
      !sema::expand_probes(*program, probe_catalog(), config, diag, expanded,
                           traced)) {
    return 1;
  }
  std::vector<std::vector<probes::AttachTarget>> targets;
  for (const ast::Probe* probe : program->probes) {
    targets.push_back(expanded[probe]);
  }
  list_program_probes(probe_catalog(), targets, options.verbose, llvm::outs());
  return 0;
}

// The arguments after a script file, read against its getopt() calls into
// positional and named parameters. `-h` prints the script's usage (status
// 0); a wrong argument is a usage error (status 2). nullopt when the run
// goes on.
std::optional<int> read_script_args(Options& options,
                                    ast::Program& program,
                                    const SourceBuffer& source) {
  if (options.program_file.empty()) {
    return std::nullopt;
  }
  std::string name = script_name(options.program_file);
  std::vector<ScriptOption> declared = declared_options(program);
  ScriptHeader header = parse_header(source.text());
  std::string error;
  std::optional<ScriptArgs> parsed =
      parse_script_args(declared, header, options.script_args, error);
  if (!parsed) {
    llvm::errs() << name << ": error: " << error << "; try '" << name
                 << " -h'\n";
    return 2;
  }
  if (parsed->help) {
    llvm::outs() << script_help(name, header, declared);
    return 0;
  }
  options.positional_params = std::move(parsed->positional);
  options.named_params = std::move(parsed->named);
  return std::nullopt;
}

int compile_and_run(Options options) {
  llvm::raw_fd_ostream& out = llvm::outs();
  llvm::raw_fd_ostream& err = llvm::errs();

  bool runs = options.stop_after == Phase::Run && options.emit_elf.empty();
  if (options.pid != 0 && !process_exists(options.pid, err)) {
    return 1;
  }
  std::optional<SourceBuffer> source = load_source(options, err);
  if (!source) {
    return 1;
  }
  bool color = options.color && llvm::sys::Process::StandardErrHasColors();
  diag::TerminalConsumer consumer(*source, err, color);
  diag::DiagnosticEngine diag(consumer);
  diag.set_warnings_enabled(options.warnings);
  if (size_t nul = source->text().find('\0'); nul != std::string_view::npos) {
    // Scripts are text; imported files are joined to the buffer after NULs.
    auto at = static_cast<uint32_t>(nul);
    diag.build(diag::Kind::SourceNulByte, {at, at + 1}).emit();
    return 1;
  }

  ast::Context context;
  ast::Program* program = parse::parse(*source, context, diag);
  if (program == nullptr || diag.has_errors()) {
    return 1;
  }
  if (options.dump == Dump::Ast) {
    ast::print(program, *source, out);
  }
  if (options.stop_after != Phase::Parse &&
      !resolve_script_imports(options, *program, *source, context, diag)) {
    return 1;
  }
  if (options.stop_after != Phase::Parse &&
      !sema::expand_macros(*program, context, diag)) {
    return 1;
  }
  if (options.stop_after == Phase::Parse) {
    return 0;
  }
  // `TOOL -h` and wrong options need no privileges.
  if (std::optional<int> status =
          read_script_args(options, *program, *source)) {
    return *status;
  }
  if (runs) {
    if (std::optional<std::string> missing = missing_tracing_privileges()) {
      err << "sonde: error: " << *missing << "\n";
      return 1;
    }
  }

  expand_attach_point_positionals(*program, options.positional_params);
  probes::ExpandContext traced;
  traced.pid = options.pid;
  traced.command = !options.command.empty();
  btf::CParseOptions c_options;
  c_options.include_dirs = options.include_dirs;
  c_options.includes = options.includes;
  traced.unsafe = options.unsafe;
  std::unique_ptr<sema::CheckedProgram> checked = sema::analyze(
      *program, probe_catalog(), symbols::KernelSymbolSource::system(), diag,
      options.positional_params, traced, &*source, options.unsafe,
      options.named_params, c_options);
  if (checked == nullptr) {
    return 1;
  }
  if (std::optional<int> status = check_named_params(*checked, out, err)) {
    return *status;
  }
  if (options.probe_filter &&
      !filter_probes(*checked, *options.probe_filter, err)) {
    return 1;
  }
  if (options.dump == Dump::Types) {
    print_types(*checked, *source, out);
  }
  if (options.stop_after == Phase::Sema) {
    return 0;
  }

  // The command starts now, held before exec, so `cpid` is a constant the
  // program is compiled with.
  std::optional<runtime::Child> child;
  if (!options.command.empty() && options.stop_after == Phase::Run &&
      options.emit_elf.empty()) {
    Result<runtime::Child> spawned = runtime::Child::spawn(options.command);
    if (!spawned) {
      err << "sonde: error: " << error_text(spawned.takeError()) << "\n";
      return 1;
    }
    child.emplace(std::move(*spawned));
    checked->child_pid = child->pid();
    limit_to_process(*checked, child->pid());
  }

  codegen::Options codegen_options;
  // Golden IR dumps and --stop-after=codegen must not depend on the kernel.
  codegen_options.bpf_cpu = runs && runtime::kernel_has_bpf_v4() ? "v4" : "v3";
  codegen_options.possible_cpus = runtime::possible_cpus();
  if (runs) {
    codegen_options.pid_namespace = proc_pid_namespace();
  }
  codegen_options.source_name = source->name();
  codegen_options.source_text = std::string(source->text());
  codegen_options.ir_dump = options.dump == Dump::Ir ? &out : nullptr;
  std::vector<codegen::BackendDiagnostic> backend_errors;
  Result<codegen::Artifact> artifact =
      codegen::generate(*checked, codegen_options, backend_errors);
  if (!artifact) {
    std::string internal = error_text(artifact.takeError());
    if (backend_errors.empty()) {
      err << "sonde: error: " << internal << "\n";
    }
    report_backend_errors(backend_errors, *source, diag);
    return 1;
  }
  if (!options.emit_elf.empty()) {
    return write_file(options.emit_elf, artifact->elf, err) ? 0 : 1;
  }
  if (options.stop_after == Phase::Codegen) {
    return 0;
  }

  runtime::RunOptions run_options;
  run_options.quiet = options.quiet;
  run_options.verbose = options.verbose;
  run_options.dry_run = options.dry_run;
  run_options.warnings = options.warnings;
  run_options.color = color;
  run_options.child = child ? &*child : nullptr;
  run_options.traced_pid = options.pid;
  run_options.format =
      options.json ? output::OutputFormat::Json : output::OutputFormat::Text;
  const char* notify = std::getenv("SONDE_NOTIFY_ATTACHED");
  run_options.notify_attached = notify != nullptr && notify[0] == '1';
  if (options.output_file.empty()) {
    run_options.out_file = &out;
    int status =
        runtime::run(*artifact, probe_catalog(), run_options, out, err);
    // A write error was reported by the run; LLVM would abort on it at exit.
    out.flush();
    out.clear_error();
    return status;
  }
  std::error_code error;
  llvm::raw_fd_ostream file(options.output_file, error);
  if (error) {
    err << "sonde: error: cannot write '" << options.output_file
        << "': " << error.message() << "\n";
    return 1;
  }
  run_options.out_file = &file;
  int status = runtime::run(*artifact, probe_catalog(), run_options, file, err);
  file.flush();
  file.clear_error();
  return status;
}

} // namespace

int main(int argc, char** argv) {
  open_standard_descriptors();
  std::string error;
  std::optional<Options> options = parse_options(argc, argv, error);
  if (!options) {
    llvm::errs() << "sonde: error: " << error << "\n"
                 << "Try 'sonde --help'.\n";
    return 1;
  }
  if (options->help) {
    llvm::outs() << usage();
    return 0;
  }
  if (options->version) {
    llvm::outs() << kVersion << "\n";
    return 0;
  }
  if (options->info) {
    print_info(llvm::outs());
    return 0;
  }
  if (options->list_tools) {
    for (const BundledTool& tool : bundled_tools()) {
      llvm::outs() << llvm::left_justify(tool.name, 16) << " "
                   << tool.description << "\n";
    }
    return 0;
  }
  for (const std::string& directory : options->debuginfo_dirs) {
    symbols::add_debug_directory(directory);
  }
  if (options->list) {
    if (options->pid != 0 && !process_exists(options->pid, llvm::errs())) {
      return 1;
    }
    // A script file, or -e: list the program's probes. A .bt name that
    // is no file is a pattern after all.
    bool script_file = options->list_pattern.ends_with(".bt");
    std::error_code error;
    if (script_file && !std::filesystem::exists(options->list_pattern, error)) {
      llvm::errs() << "sonde: warning: '" << options->list_pattern
                   << "' is not a file; listing it as a pattern\n";
    } else if (script_file || !options->program_text.empty()) {
      return list_program(*options);
    }
    ListOptions list;
    list.pattern = options->list_pattern;
    list.verbose = options->verbose;
    list.pid = options->pid;
    return list_probes(probe_catalog(), list, llvm::outs(), llvm::errs());
  }
  return compile_and_run(*options);
}

} // namespace sonde::driver
