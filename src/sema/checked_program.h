// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"
#include "btf/c_definitions.h"
#include "btf/kernel_types.h"
#include "probes/probe_type.h"
#include "types/map_shape.h"
#include "types/types.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

// What sema hands to codegen: the AST plus side tables. Nodes are never
// annotated in place; every fact a pass learns is keyed by node here.
namespace sonde::sema {

// How a map stores its values: plain maps hold the last value written;
// aggregation maps are per-CPU and merged in user space.
using MapKind = types::MapValueKind;

// A map of the script: its shape (what codegen, the runtime and output
// get) and where sema first saw it, for notes on later conflicting uses.
struct MapInfo {
  types::MapShape shape;
  const ast::MapAccess* first_use = nullptr;
};

// The most intervals a tseries() keeps: every CPU's value holds all of them
// (32 bytes each), and a per-CPU value is at most 32 KiB.
inline constexpr int64_t kMaxTseriesIntervals = 1000;

// A range loop of more values than this (counting the values of the plain
// range loops around it) runs by bpf_loop. The verifier walks a plain
// loop's body once per value: 100 values of a body with two ifs, a map
// update and a printf cost 300k of its 1M instructions, the callback 4k;
// 10000 values of `@m[$i] = $i` exceed its limit. A plain loop saves the
// call per value and the per-CPU map that holds the probe's variables.
inline constexpr uint64_t kMaxInlineRangeCount = 32;

// One BPF program: a probe's body compiled for a group of attach targets
// that can share code (same program type and, if the body reads `args`,
// the same tracepoint).
struct ProbeInstance {
  const ast::Probe* probe;
  probes::ProgramType program_type;
  std::vector<probes::AttachTarget> targets;
  // The `args` record when the body reads it; none otherwise.
  types::Type args_type;
  // Uprobes: per field of args_type, the argument registers holding it
  // (probes::RegisterArgs::registers). Empty for other probes.
  std::vector<std::vector<uint8_t>> args_registers;
  // The function and section names in the BPF object.
  std::string function_name;
  std::string section_name;
};

// A printf call's format, checked at compile time. Arguments are copied
// into the event record in order, each 8-byte aligned.
struct PrintfInfo {
  std::string format;
  std::vector<types::Type> arg_types;
  // Where the call is (errorf/warnf print it).
  uint32_t source_offset = 0;
};

// A print(value) call: the value's type, copied into the event after the
// header.
struct PrintValueInfo {
  types::Type type;
};

// A join(arr[, sep]) call: the separator user space puts between the
// strings.
struct JoinInfo {
  std::string separator;
};

// The settings of `config = { ... }` and BPFTRACE_<KEY> variables.
// What using an unstable feature does: nothing, a warning or an error.
enum class Unstable : uint8_t { Enable, Warn, Error };

struct ProgramConfig {
  uint32_t max_map_keys = 4096;
  // The size of str() results and of `string` without a size.
  uint32_t max_strlen = 64;
  // Values up to this many bytes live on the BPF stack, larger ones in a
  // per-CPU scratch map.
  uint32_t on_stack_limit = 32;
  bool print_maps_on_exit = true;
  // User stacks show source lines and inlined functions (from DWARF).
  bool show_debug_info = false;
  // One of the GPL-compatible strings the kernel accepts for the helpers
  // sonde uses (read_config checks).
  std::string license = "GPL";
  // Appended when a string fills its whole buffer: it was cut short.
  std::string str_trunc_trailer = "..";
  // The most bytes of a file cat() prints.
  uint64_t max_cat_bytes = 10240;
  // What a probe that attaches to nothing does: error, warn or ignore.
  std::string missing_probes = "error";
  types::StackMode stack_mode = types::StackMode::Bpftrace;
  Unstable unstable_tseries = Unstable::Warn;
  Unstable unstable_typeinfo = Unstable::Error;
  Unstable unstable_import_statement = Unstable::Error;
};

// The texts of a `typeinfo(x)` record, known at compile time.
struct TypeInfoText {
  std::string base_type;
  std::string full_type;
};

// The named parameters given after `--`: `--name=value`, or `--name`
// alone (no value).
using NamedParams = std::map<std::string, std::optional<std::string>>;

// print(@m, "unit"[, "section"]): a log2 histogram in BCC's layout, its
// value column labelled `unit`, and each key of a keyed map printed first
// as `section = KEY`.
struct HistLayout {
  std::string unit;
  std::string section;
};

// A getopt() in the script: what `-- --help` lists and which names the
// command line may give.
struct GetoptInfo {
  std::string name;
  std::string type; // "bool", "int" or "string".
  std::string default_text;
  std::string description;
  // The one-letter short flag (`-p`), '\0' without one.
  char short_flag = '\0';
};

struct CheckedProgram {
  const ast::Program* program = nullptr;
  std::vector<ProbeInstance> instances;
  // Maps in order of first appearance; MapAccess nodes refer to them by
  // name.
  std::vector<MapInfo> maps;
  std::vector<PrintfInfo> printfs;
  std::vector<PrintValueInfo> print_values;
  // The script's positional parameters, $1 first.
  std::vector<std::string> positional;
  ProgramConfig config;
  // Types the script names: its C definitions (null without any) and the
  // kernel's BTF, loaded on first use.
  std::shared_ptr<btf::CDefinitions> c_definitions;
  std::shared_ptr<btf::KernelTypes> kernel_types;
  // The pid of the `-c` command (`cpid`), 0 without one.
  uint64_t child_pid = 0;
  // `-p PID`: kernel probes (kprobe, tracepoint, ...) only fire for this
  // process; 0 without one.
  int target_pid = 0;
  // --unsafe: system(), signal() and override() are allowed.
  bool unsafe = false;
  // time() and strftime() formats, by id.
  std::vector<std::string> time_formats;
  std::vector<JoinInfo> joins;
  // Named parameters from the command line, and the getopt() calls that
  // read them, by name.
  NamedParams named_params;
  std::map<std::string, GetoptInfo> getopts;
  // Probes whose predicate is false at compile time (getopt() options that
  // turn a probe off): they have no instances.
  std::set<const ast::Probe*> dropped_probes;
  // percpu_kaddr(): the kernel address of __per_cpu_offset[], 0 when no
  // call needs it.
  uint64_t per_cpu_offsets = 0;

  // Side tables.
  std::unordered_map<const ast::Expr*, types::Type> expr_types;
  // printf calls → index into `printfs`; print(value) calls → index into
  // `print_values`.
  std::unordered_map<const ast::Call*, uint32_t> printf_ids;
  std::unordered_map<const ast::Call*, uint32_t> print_value_ids;
  // The field each `.`/`->` reads (offset, bitfield position, type).
  std::unordered_map<const ast::FieldAccess*, types::Field> fields;
  std::unordered_map<const ast::Typeinfo*, TypeInfoText> typeinfos;
  // time() and strftime() calls → index into `time_formats`.
  std::unordered_map<const ast::Call*, uint32_t> time_format_ids;
  // join() calls → index into `joins`.
  std::unordered_map<const ast::Call*, uint32_t> join_ids;
  // str($N) calls and the text they stand for.
  std::unordered_map<const ast::Call*, std::string> positional_strings;
  // percpu_kaddr() calls → the BTF kinds of the kernel variable's type,
  // outermost first (btf::KernelTypes::percpu_variable_shape): what libbpf
  // compares when it binds the program's extern to the kernel's variable.
  std::unordered_map<const ast::Call*, std::string> percpu_shapes;
  // print(@m, "unit"[, "section"]) calls → index into `hist_layouts`.
  std::vector<HistLayout> hist_layouts;
  std::unordered_map<const ast::Call*, uint32_t> hist_layout_ids;
  // getopt() calls with a string default, and their value.
  std::unordered_map<const ast::Call*, std::string> getopt_strings;
  // sizeof()/offsetof() results, known at compile time.
  std::unordered_map<const ast::Expr*, uint64_t> constants;
  // Strings known at compile time (`arch`, text `config.KEY` values).
  std::unordered_map<const ast::Expr*, std::string> constant_strings;
  // uaddr() calls in position-independent binaries: their constant is the
  // symbol's distance from the probed instruction, added at run time to
  // the instruction's address (bpf_get_func_ip, uprobes since Linux 6.7).
  std::set<const ast::Expr*> load_relative;
  // `for ($i : a..b)` loops run by bpf_loop: a bound unknown at compile
  // time, or more than kMaxInlineRangeCount values. The others stay plain
  // loops, which the verifier walks value by value.
  std::set<const ast::ForRange*> callback_range_loops;
  // Scratch variable types per probe: probe → name → type.
  std::unordered_map<const ast::Probe*, std::map<std::string, types::Type>>
      variables;

  const types::Type& type_of(const ast::Expr* expr) const;
  const MapInfo& map(const std::string& name) const;
  uint32_t map_index(const std::string& name) const;
};

} // namespace sonde::sema
