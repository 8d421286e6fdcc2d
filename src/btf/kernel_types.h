// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "types/types.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct btf;

// Kernel types for scripts: `struct task_struct`, `args` of fentry and
// tp_btf probes, enum constants. They come from the kernel's BTF, read with
// libbpf and converted into sonde's type model only as far as a script
// looks: vmlinux BTF is parsed on first use, module BTF only when a lookup
// misses vmlinux, and a struct's fields are converted only when it is
// completed (one level at a time).
namespace sonde::btf {

// A kernel function's parameters and return type, from BTF FUNC ->
// FUNC_PROTO. Parameter `i` is Field{name, type, offset = i * 8}: its slot
// in the u64 array that fentry/fexit and raw tracepoint programs get as
// context. A struct passed by value is typed but still one slot.
struct FunctionSignature {
  std::vector<types::Field> arguments;
  types::Type return_type;
};

// The kernel's BTF, loaded lazily and owned (freed with btf__free).
//
// Conversion rules (BTF -> types::Type):
//  - typedef, const, volatile, restrict and type tags are looked through;
//  - integers keep size and signedness; sizes other than 1, 2, 4, 8
//    (__int128) and floats become arrays of u8 of their size;
//  - enums are integers of their size, signed when BTF says so; a named
//    enum's integers carry its constants (types::Type::enumeration);
//  - a struct or union met as a field, array element or pointee is an
//    incomplete record (name, size, btf id); complete() fills its fields.
//    Anonymous records are named "struct (anonymous)", or by the typedef
//    that names them (`atomic_t`);
//  - anonymous struct/union members are flattened into the parent's
//    fields with their offsets added, so `sk->skc_dport` finds a member of
//    `__sk_common`'s anonymous unions;
//  - bitfields are placed by types::place_field (storage unit + bits);
//  - arrays of char, signed char or unsigned char spelled as such (not
//    through a typedef like u8) are strings of their length; other arrays
//    are Type::array, flexible arrays have count 0;
//  - pointers point into the Kernel address space, or User when the
//    pointee has the `__user` type tag; void * and function pointers point
//    to `none`;
//  - functions, prototypes and anything else without a value are `none`.
//
// Type ids: a record's btf_id is the vmlinux type id, or for a type that
// only a module has, (module index << 24) | id (module indexes start at 1
// in load order), so ids stay unique across split BTF. Not thread-safe.
class KernelTypes {
public:
  // Reads vmlinux BTF from `$SONDE_BTF` when it is set (tests, goldens;
  // modules are then never searched), else from the running kernel.
  KernelTypes();
  // One instance for the whole process (sema and the probe providers share
  // what they load).
  static std::shared_ptr<KernelTypes> shared();
  // Reads vmlinux BTF from `path` (a raw BTF or an ELF with .BTF); modules
  // are never searched.
  explicit KernelTypes(std::string path);
  ~KernelTypes();
  KernelTypes(const KernelTypes&) = delete;
  KernelTypes& operator=(const KernelTypes&) = delete;

  // Loads vmlinux BTF if not yet done; the error says why it failed (every
  // other call then fails or finds nothing, without retrying).
  llvm::Error load();

  // The type a script names: "struct task_struct", "union x", "enum x",
  // a typedef ("u64", "pid_t"), a C base type ("unsigned int", "char",
  // "long long", "_Bool", "void"), each optionally followed by `*`s. A
  // named record comes back complete; a pointer's pointee record does not.
  // `module` empty: vmlinux, then every module on a miss; else vmlinux,
  // then that module. Fails when nothing has the name.
  Result<types::Type> lookup(std::string_view name,
                             std::string_view module = {});

  // `record` with its fields when it is incomplete and its btf_id is known;
  // otherwise `record` unchanged. Converted records are cached by id.
  types::Type complete(const types::Type& record);

  // The signature of a kernel function (fentry/fexit/kprobe args).
  // `module` as for lookup(). Fails when BTF has no such function.
  Result<FunctionSignature> function(std::string_view name,
                                     std::string_view module = {});
  // function(name).arguments.
  Result<std::vector<types::Field>>
  function_arguments(std::string_view name, std::string_view module = {});

  // The typed arguments of a raw tracepoint (tp_btf, rawtracepoint), e.g.
  // "sched_switch" -> preempt, prev, next, prev_state: types from the
  // typedef `btf_trace_<name>` without its leading `void *` context,
  // names from the `__probestub_<name>` or `__bpf_trace_<name>` function
  // (`argN` when neither matches). Offsets are i * 8 in the u64 context.
  Result<std::vector<types::Field>>
  raw_tracepoint_arguments(std::string_view tracepoint,
                           std::string_view module = {});

  // Whether BTF has a function of that name (`module` as for lookup()).
  bool has_function(std::string_view name, std::string_view module = {});
  // Functions whose names match a glob ('*', '?'), sorted, unique: of
  // vmlinux when `module` is empty, else of that module only. For fentry
  // wildcard expansion.
  std::vector<std::string> functions_matching(std::string_view glob,
                                              std::string_view module = {});

  // An enumerator of a vmlinux enum: its value, and its type: the enum
  // (types::Type::enumeration, 8 bytes) for a named enum, int64 for an
  // anonymous one (`TASK_COMM_LEN`), whose constants are just numbers.
  struct EnumConstant {
    int64_t value = 0;
    types::Type type;
  };
  // The enumerator `name` of any vmlinux enum; nullopt when none has it.
  // The index is built on first use.
  std::optional<EnumConstant> enum_constant(std::string_view enumerator);
  // enum_constant(enumerator)->value.
  std::optional<int64_t> enum_value(std::string_view enumerator);

  // vmlinux BTF for libbpf's own tools (btf_dump); nullptr without BTF.
  const struct ::btf* vmlinux_btf();
  // The vmlinux type id of a type C names: "struct x", "union x", "enum
  // x" or a typedef; of the enum holding `name` with `enumerator`; 0 when
  // vmlinux BTF has none (kernel_c_header.cpp).
  uint32_t vmlinux_c_type(std::string_view name);
  uint32_t vmlinux_enum_of(std::string_view enumerator);
  // Names of vmlinux structs, unions and enums ("struct task_struct")
  // matching a glob, sorted, unique (`-l 'struct task_*'`).
  std::vector<std::string> type_names_matching(std::string_view glob);

  // Names of modules with BTF (/sys/kernel/btf/* but vmlinux), sorted;
  // empty when BTF comes from a file.
  std::vector<std::string> modules() const;

  // A per-CPU variable of vmlinux (a VAR in its ".data..percpu" section):
  // the BTF kinds of its type, outermost first ('S' struct, 'U' union, 'I'
  // integer, 'E' enum, 'P' pointer, 'A' array), typedefs and qualifiers
  // skipped; nullopt when `name` is no such variable (percpu_variables.cpp).
  std::optional<std::string> percpu_variable_shape(std::string_view name);

private:
  // One loaded BTF: index 0 is vmlinux, then modules in load order.
  struct Source {
    std::string module;
    struct ::btf* btf = nullptr;
  };
  // A type found by name: where, and its local id.
  struct Found {
    size_t source = 0;
    uint32_t id = 0;
  };

  // load() with the error dropped: whether vmlinux BTF is there.
  bool loaded();
  // Loaded BTFs to search: vmlinux, then `module` (empty: all modules).
  std::vector<size_t> search_order(std::string_view module);
  std::optional<size_t> load_module(const std::string& module);
  std::optional<Found>
  find(std::string_view name, uint32_t kind, std::string_view module);
  uint32_t encode(size_t source, uint32_t id) const;

  types::Type convert(size_t source, uint32_t id);
  // The integer type of enum `id` (named: an enumeration of its
  // constants), `size` bytes.
  types::Type convert_enum(size_t source, uint32_t id, uint32_t size);
  void build_enum_index();
  types::Type convert_record(size_t source, uint32_t id, std::string name);
  void add_members(size_t source,
                   uint32_t id,
                   uint32_t base_bits,
                   std::vector<types::Field>& fields);
  std::vector<types::Field>
  parameters(size_t source, uint32_t proto_id, size_t skip);

  std::string path_;
  bool from_file_ = false;
  bool tried_ = false;
  std::string load_error_;
  uint32_t vmlinux_count_ = 0;
  std::vector<Source> sources_;
  // Module name -> index in sources_, or nullopt when it failed to load.
  std::map<std::string, std::optional<size_t>, std::less<>> modules_;
  std::unordered_map<uint32_t, types::Type> complete_;
  // Enumerator name -> (value, vmlinux id of its enum).
  std::optional<std::unordered_map<std::string, std::pair<int64_t, uint32_t>>>
      enum_values_;
  // The constants of each enum converted so far, by encoded type id.
  std::unordered_map<uint32_t, std::shared_ptr<const types::Enumerators>>
      enumerators_;
};

// The field of `record` whose name is closest to `name`, for "did you
// mean" hints; nullopt when none is close.
std::optional<std::string> closest_field(const types::Type& record,
                                         std::string_view name);

} // namespace sonde::btf
