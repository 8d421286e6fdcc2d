// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "types/types.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

struct bpf_program;
struct bpf_link;

// Probe providers. Each probe type lives in one file and answers the same
// questions: how its attach points are written, what they expand to, what
// arguments a probe sees, which BPF program type runs it and how it is
// attached. Nothing here knows about the AST: sema and the runtime both use
// providers through ProbeCatalog. The classes declared here are implemented
// in catalog.cpp; the providers are in one file each (see providers.h).
namespace sonde::probes {

class Tracefs;

enum class ProbeKind : uint8_t {
#define PROBE_KIND(Name, ...) Name,
#include "probes/probe_kinds.def"
#undef PROBE_KIND
};

// Every kind, in the order of probe_kinds.def.
inline constexpr ProbeKind kProbeKinds[] = {
#define PROBE_KIND(Name, ...) ProbeKind::Name,
#include "probes/probe_kinds.def"
#undef PROBE_KIND
};

// The BPF program type a probe's function is built for.
enum class ProgramType : uint8_t {
  // BEGIN/END (run with BPF_PROG_TEST_RUN) and rawtracepoint probes: the
  // context is the tracepoint's arguments, one u64 each.
  RawTracepoint,
  Tracepoint,
  PerfEvent,
  Kprobe, // kprobes and uprobes: the context is the traced task's pt_regs.
  // fentry/fexit and iter: BPF_PROG_TYPE_TRACING, one program per target
  // (each is bound to a kernel BTF id when loaded).
  Tracing,
};

// Whether programs of a type may call the kernel's generic kfuncs
// (bpf_task_from_pid, ...): the kernel registers them for tracing,
// tracepoint and perf-event programs, not for raw tracepoints or kprobes.
constexpr bool calls_kfuncs(ProgramType type) {
  return type == ProgramType::Tracepoint || type == ProgramType::PerfEvent ||
         type == ProgramType::Tracing;
}

// The columns of probe_kinds.def, each a fact about every probe of a kind
// that sema, codegen, the runtime or the driver asks through traits():
// they test a named fact, never a list of kinds, so a new probe type is
// one line there. A column is a fact fixed by the kind alone, which
// codegen, the runtime and the driver need without a provider at hand.
// What depends on a target or needs the provider's code (expansion,
// argument types, ctx's struct, a watched address, attaching) is a
// ProbeType member instead, and so is the program type, which the
// provider's section name and attach() are written for.

// What `arg0`..`argN` read in a probe of a kind.
enum class ArgumentSource : uint8_t {
  None,
  // pt_regs argument registers (kprobes, uprobes).
  Registers,
  // The probe site's note (USDT): each site has its own argument
  // locations, so each needs a program of its own when the body reads one.
  Usdt,
  // The u64 array a raw tracepoint passes (rawtracepoint).
  RawTracepoint,
};

// Where `retval` comes from in a probe of a kind. A kind with a retval is
// a return probe: the function's entry state (its argument registers) is
// gone.
enum class RetvalSource : uint8_t {
  None,
  // The return register of pt_regs (kretprobe, uretprobe).
  Register,
  // bpf_get_func_ret() (fexit).
  FunctionReturn,
};

// What `args` is in a probe of a kind, and where its type comes from.
enum class ArgsRecord : uint8_t {
  None,
  // The event's fields, from its tracefs format file (tracepoint); read
  // from the context through ProbeType::args_type().
  Tracefs,
  // The parameters as kernel BTF types them (rawtracepoint, fentry,
  // fexit), one u64 of the context each, through args_type().
  Btf,
  // The function's parameters as the program's DWARF types them, read
  // from the argument registers at its entry through register_args()
  // (uprobe; a return probe cannot read them).
  Dwarf,
};

// What `func` names in a probe of a kind.
enum class FuncSymbol : uint8_t {
  None,
  // The kernel function probed (kprobes): a `ksym`.
  Kernel,
  // The user function probed (uprobes): a `usym`, resolved in the process.
  User,
};

// What `-p PID` / `-c CMD` do to a probe of a kind.
enum class PidFilter : uint8_t {
  // Nothing: it does not run in a task's context (timers, BEGIN/END).
  None,
  // Codegen puts `pid == PID` before the predicate: kernel probes fire for
  // every process.
  Guard,
  // The probe is attached to the process only (AttachTarget::pid).
  Attach,
};

// How `-l` lists a kind's attach points.
enum class Listing : uint8_t {
  // Not listed (BEGIN, return probes: they list as their entry probes).
  None,
  // Every name ProbeType::list() gives, filtered by the pattern; providers
  // are listed in the order of probe_kinds.def.
  Names,
  // Only when the pattern names the provider and a binary: the pattern is
  // expanded in that binary.
  Binary,
};

// What runs a probe's program.
enum class Trigger : uint8_t {
  // The kernel event it is attached to.
  Event,
  // BPF_PROG_TEST_RUN, once, before the other probes attach (BEGIN) or
  // after they detach (END).
  Begin,
  End,
  // BPF_PROG_TEST_RUN each time sonde receives SIGUSR1 (self:signal).
  Signal,
  // Reading the iterator it is attached to, once; that is the whole
  // trace, so it comes only with BEGIN and END.
  Iterator,
};

// Whether the runtime attaches probes of a trigger; the others it runs
// itself with BPF_PROG_TEST_RUN, and their provider's attach() returns no
// attachments.
inline bool is_attached(Trigger trigger) {
  return trigger == Trigger::Event || trigger == Trigger::Iterator;
}

// One row of probe_kinds.def.
struct ProbeTraits {
  // How the kind is written in attach points and shown by `probetype`.
  const char* spelling;
  // Where its pointers (arg0, a USDT argument, `args` fields) point: User
  // for probes in a program's binary (target[0] is its path).
  types::AddressSpace space;
  ArgumentSource arguments;
  RetvalSource retval;
  ArgsRecord args;
  // Whether the context holds the interrupted task's registers (pt_regs,
  // or a perf sample's): reg() and `usermode` read them.
  bool registers;
  FuncSymbol func;
  PidFilter pid;
  Listing listing;
  Trigger trigger;
};

// The row of `kind`.
const ProbeTraits& traits(ProbeKind kind);

// Shorthands for the columns most often asked, also usable as functions of
// the kind (sema's targets_source takes one).
inline const char* kind_spelling(ProbeKind kind) {
  return traits(kind).spelling;
}
inline ArgumentSource argument_source(ProbeKind kind) {
  return traits(kind).arguments;
}
inline RetvalSource retval_source(ProbeKind kind) {
  return traits(kind).retval;
}
// Whether a kind's pointers (arg0, a USDT argument) point into the traced
// process rather than the kernel.
inline bool user_space_probe(ProbeKind kind) {
  return traits(kind).space == types::AddressSpace::User;
}

// What the running kernel offers a probe type, found by probing it (see
// kernel_features.h). `reason` names the missing facility, as a full
// sentence fragment after "sonde: error: " ("kprobes are not available:
// ...").
struct KernelSupport {
  enum class Level : uint8_t {
    // Programs load and attach.
    Full,
    // Programs load and pass the verifier, but cannot be attached
    // (kprobes without CONFIG_KPROBES): `--dry-run` still works.
    LoadOnly,
    // The kernel refuses the programs themselves.
    None,
  };
  Level level = Level::Full;
  std::string reason;
};

// What an expansion may depend on besides the attach point's text.
struct ExpandContext {
  // `-p PID`: user-space probes resolve binaries and libraries through the
  // process's maps and attach to it only. 0 without one.
  int pid = 0;
  // `-c CMD`: a process will be traced, but it does not run yet, so its
  // maps cannot be read (its pid is set on the targets after expansion).
  bool command = false;
  // `--unsafe`: uprobes may go where sonde cannot check the instruction
  // boundary (symbols of size 0, files that are not ELF).
  bool unsafe = false;
  // `-l`: a wildcard lists every name it matches, aliases of one function
  // and symbols of size 0 included, where attaching probes each address
  // once.
  bool listing = false;
};

// Where one USDT argument is at its probe site (x86_64): a constant, a
// register of pt_regs, or memory at register + displacement (+ index *
// scale). Offsets are into struct pt_regs.
struct UsdtArgument {
  enum class Kind : uint8_t { Constant, Register, Memory, Unsupported };
  Kind kind = Kind::Constant;
  uint8_t size = 8;
  bool is_signed = false;
  // Constant: the value; Memory: the displacement.
  int64_t value = 0;
  uint16_t base_offset = 0;
  // Registers such as %ah hold the value 8 bits up.
  uint8_t shift = 0;
  bool has_index = false;
  uint16_t index_offset = 0;
  uint8_t scale = 1;
  // The spec as the note writes it ("-4@%edi"), for messages.
  std::string spec;
};

// One concrete attach point after expansion, e.g.
// tracepoint:syscalls:sys_enter_openat. `target` holds the provider's
// parsed parts (for a tracepoint: {category, event}); `period_ns` is set for
// timers.
struct AttachTarget {
  ProbeKind kind;
  std::string full_name;
  std::vector<std::string> target;
  uint64_t period_ns = 0;
  // Profilers given `hz:N` sample at this frequency instead of a period.
  uint64_t frequency_hz = 0;
  // Uprobes: the probed instruction's offset in the file target[0];
  // kprobes: the offset into the function (`kprobe:fn+off`).
  uint64_t file_offset = 0;
  // USDT: the semaphore's file offset (0 when the probe has none), which
  // the kernel increments while the probe is attached, and the arguments.
  uint64_t semaphore_offset = 0;
  std::vector<UsdtArgument> usdt_arguments = {};
  // The process a per-process probe (uprobe, usdt, watchpoint) is limited
  // to (`-p`, `-c`); -1 for every process.
  int pid = -1;
};

// Why an attach point could not be expanded. `detail` depends on the
// reason:
//  - Invalid: why the attach point is malformed, as a clause ("unknown unit
//    'mss': expected s, ms, us or hz");
//  - NotFound: what does not exist, as a clause ("no raw tracepoint
//    'x'"); for a tracepoint (`unknown_tracepoint`) just its name, without
//    the provider ("syscalls:sys_enter_opennat");
//  - NoMatch: what the wildcard pattern did not match;
//  - Unavailable: why the facility is missing ("it is not mounted on ...").
// `suggestion` is the closest existing attach point when the failure looks
// like a typo, also without the provider ("syscalls:sys_enter_openat"), so
// it can be shown after whichever alias the user wrote.
struct ExpandError {
  enum class Reason : uint8_t {
    UnknownProvider,
    Invalid,
    NotFound,
    NoMatch,
    Unavailable
  };
  Reason reason;
  std::string detail;
  std::optional<std::string> suggestion;
  // NotFound of a tracepoint: sema reports the name in `detail` as a
  // tracepoint that does not exist.
  bool unknown_tracepoint = false;
};

using ExpandResult = std::variant<std::vector<AttachTarget>, ExpandError>;

// A live attachment; detaching happens when it is destroyed
// (bpf_link__destroy, which also closes a perf event the link was made
// from), or, for a link libbpf cannot make (uprobe_multi), when its link
// descriptor is closed.
class Attachment {
public:
  Attachment() = default;
  explicit Attachment(bpf_link* link) : link_(link) {}
  // Takes ownership of a BPF link file descriptor.
  static Attachment from_link_fd(int fd);
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;
  Attachment(Attachment&& other) noexcept;
  Attachment& operator=(Attachment&& other) noexcept;
  ~Attachment();

  // The libbpf link, or null for an empty Attachment or a raw link
  // descriptor. Still owned here.
  bpf_link* link() const { return link_; }

private:
  void reset();

  bpf_link* link_ = nullptr;
  int link_fd_ = -1;
};

// `args` of a probe whose context is pt_regs (uprobes on a function with
// DWARF): the parameters as a record, and the argument registers that hold
// each field at function entry.
struct RegisterArgs {
  // The parameters `args` can read, in order, at natural C offsets (what
  // sizeof, offsetof and print see).
  types::Type record;
  // Per field of `record`: the argument registers holding it, lowest bytes
  // first (0 = rdi ... 5 = r9; two for a struct of 9 to 16 bytes).
  std::vector<std::vector<uint8_t>> registers;
  // Parameters `args` cannot read, with why, as a clause ("it is passed in
  // a floating-point register, ...").
  std::vector<std::pair<std::string, std::string>> unreadable;
};

class ProbeType {
public:
  virtual ~ProbeType() = default;

  virtual ProbeKind kind() const = 0;
  // Expands an attach point; `parts` are its ':'-separated pieces with the
  // provider (parts[0]) included.
  virtual ExpandResult expand(const std::vector<std::string>& parts,
                              const ExpandContext& context) const = 0;
  // The same without a traced process.
  ExpandResult expand(const std::vector<std::string>& parts) const {
    return expand(parts, ExpandContext{});
  }
  // The `args` record a probe of this target sees, or none.
  virtual Result<types::Type> args_type(const AttachTarget& target) const;
  // `args` read from registers (uprobes); fails, saying why, for targets
  // without them. Fails by default.
  virtual Result<RegisterArgs> register_args(const AttachTarget& target) const;
  // Every attach point this provider can list for `-l`, as full names
  // ("tracepoint:sched:sched_switch"); the caller filters by pattern.
  // Empty by default.
  virtual Result<std::vector<std::string>> list() const;
  // The arguments for `-lv`, one C declaration per line as bpftrace prints
  // them ("const char * filename"). Empty by default.
  virtual Result<std::vector<std::string>>
  arg_declarations(const AttachTarget& target) const;
  // The kernel struct `ctx` points to in probes of this target, which sema
  // types from BTF ("struct bpf_iter__task" for iter:task); none where a
  // script cannot use `ctx`. By default "struct bpf_perf_event_data" for
  // perf-event programs, none for the others.
  virtual std::optional<std::string>
  context_struct(const AttachTarget& target) const;
  // The address a target watches, for unwatch(); none for targets that
  // watch nothing (every kind but watchpoint). None by default.
  virtual std::optional<uint64_t>
  watched_address(const AttachTarget& target) const;
  virtual ProgramType program_type() const = 0;
  // Whether every target needs a BPF program of its own even when the
  // body reads nothing target-specific (fentry: each program is bound to
  // one kernel function when loaded). False by default.
  virtual bool program_per_target() const { return false; }
  // Whether the running kernel can load and attach this probe type, probed
  // once and cached. Full by default.
  virtual KernelSupport kernel_support() const;
  // The ELF section codegen puts the probe's function in.
  virtual std::string section_name(const AttachTarget& target) const = 0;
  // Attaches a loaded program. BEGIN/END are never attached and return no
  // attachments. Failures are readable errors ("Permission denied (...)"),
  // never raw libbpf numbers; nothing stays attached after a failure.
  virtual Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const = 0;
  // Attaches a loaded program to every target of this provider it runs
  // for. By default one attach() per target, in order; uprobes make one
  // uprobe_multi link per file where the kernel has them. On failure,
  // nothing of this call stays attached.
  virtual Result<std::vector<Attachment>>
  attach_all(bpf_program* program,
             const std::vector<AttachTarget>& targets) const;
  // Called before the object is loaded, with the targets of one of its
  // programs, for settings the kernel checks at load time (the expected
  // attach type of a uprobe_multi program). Nothing by default.
  virtual void prepare(bpf_program* program,
                       const std::vector<AttachTarget>& targets) const;
  // Whether the kernel runs the programs attached to one site newest first
  // (uprobes put each new consumer at the head of the site's list); the
  // runtime then attaches them last first, so they run in the order the
  // script declares them. False by default.
  virtual bool runs_newest_first() const { return false; }
};

// The registry of providers, looked up by name or alias ("tracepoint",
// "t", "BEGIN", ...).
class ProbeCatalog {
public:
  // The production catalog: tracefs and the running kernel. Built on first
  // use; tracefs is only located (or mounted) when a tracepoint is first
  // expanded, so BEGIN-only scripts never touch it.
  static const ProbeCatalog& system();
  // A catalog with every provider whose tracepoints come from `tracefs`
  // (tests pass a fixture); null means the system tracefs, found lazily.
  static std::unique_ptr<ProbeCatalog>
  create(std::shared_ptr<const Tracefs> tracefs);

  // The provider for a name or alias (exact, case-sensitive), or null.
  const ProbeType* find(const std::string& provider) const;
  // The provider of a kind; every kind in probe_kinds.def is registered.
  const ProbeType& get(ProbeKind kind) const;
  // Every provider name and alias, for "did you mean" hints.
  std::vector<std::string> provider_names() const;

  // Registers a provider under its names; the first is its canonical name.
  void add(std::unique_ptr<ProbeType> type, std::vector<std::string> names);

private:
  std::vector<std::unique_ptr<ProbeType>> types_;
  std::vector<std::pair<std::string, const ProbeType*>> names_;
};

// `args` of probes whose context is an array of u64, one per argument
// (raw tracepoints, fentry/fexit): the BTF-typed arguments, integers
// widened to the 8 bytes they occupy, anything passed by value read as
// its first 8 bytes.
types::Type context_record(std::string name, std::vector<types::Field> fields);
// "TYPE NAME" per field of a record, for `-lv`.
Result<std::vector<std::string>>
record_declarations(Result<types::Type> record);

// Splits "fn+0x10" (kprobe, uprobe) into the function and its offset;
// no offset when the text has no valid "+N".
std::pair<std::string, std::optional<uint64_t>>
split_offset(const std::string& text);

} // namespace sonde::probes
