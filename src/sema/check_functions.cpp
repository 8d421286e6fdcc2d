// SPDX-License-Identifier: Apache-2.0
// Builtins beyond the basics: stacks, values formatted in user space
// (ntop, strftime, ...), user-space actions (time, system, join),
// compile-time constants (kaddr, pton, cgroupid), registers, unsafe
// actions (signal, override), map queries (has_key, len), and the
// variables that depend on the probe (func, probe, ctx).
#include "sema/type_checker.h"
#include "symbols/elf_symbols.h"

#include <arpa/inet.h>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace sonde::sema {

namespace {

// The most frames the kernel records for one stack, from
// kernel.perf_event_max_stack (127 unless raised). A stack trace map with
// bigger values cannot be created.
uint32_t max_stack_frames() {
  static const uint32_t frames = [] {
    std::ifstream file("/proc/sys/kernel/perf_event_max_stack");
    uint32_t value = 0;
    if (file >> value && value > 0) {
      return value;
    }
    return 127u;
  }();
  return frames;
}

} // namespace

bool TypeChecker::all_targets_have(
    llvm::function_ref<bool(const probes::ProbeTraits&)> holds) const {
  if (targets_ == nullptr || targets_->empty()) {
    return false;
  }
  return std::all_of(targets_->begin(), targets_->end(),
                     [&](const probes::AttachTarget& target) {
                       return holds(probes::traits(target.kind));
                     });
}

bool TypeChecker::all_providers(
    llvm::function_ref<bool(const probes::ProbeType&,
                            const probes::AttachTarget&)> holds) const {
  if (targets_ == nullptr || targets_->empty()) {
    return false;
  }
  return std::all_of(targets_->begin(), targets_->end(),
                     [&](const probes::AttachTarget& target) {
                       return holds(catalog_.get(target.kind), target);
                     });
}

std::string TypeChecker::current_kind() const {
  if (targets_ == nullptr || targets_->empty()) {
    return "these";
  }
  return std::string(probes::kind_spelling(targets_->front().kind));
}

bool TypeChecker::require_registers(SourceRange range,
                                    const std::string& what) {
  if (all_targets_have(
          [](const probes::ProbeTraits& kind) { return kind.registers; })) {
    return true;
  }
  error(diag::Kind::BuiltinNotInProbe, range, {what, current_kind()});
  return false;
}

bool TypeChecker::require_unsafe(const ast::Call& call) {
  if (checked_.unsafe) {
    return true;
  }
  error(diag::Kind::UnsafeFunction, call.callee_range, {call.callee});
  return false;
}

std::optional<std::string> TypeChecker::string_argument(const ast::Call& call,
                                                        size_t index) {
  const auto* literal = ast::dyn_cast<ast::StringLiteral>(call.args[index]);
  if (literal == nullptr) {
    error(diag::Kind::ArgumentNotLiteral, call.args[index]->range(),
          {std::to_string(index + 1), call.callee, "a string"});
    return std::nullopt;
  }
  return literal->value;
}

uint32_t TypeChecker::add_time_format(const ast::Call& call,
                                      std::string format) {
  if (!reporting_) {
    return 0;
  }
  auto found = checked_.time_format_ids.find(&call);
  if (found != checked_.time_format_ids.end()) {
    return found->second;
  }
  uint32_t id = checked_.time_formats.size();
  checked_.time_formats.push_back(std::move(format));
  checked_.time_format_ids[&call] = id;
  return id;
}

void TypeChecker::check_join(const ast::Call& call,
                             const std::vector<Type>& args) {
  std::string separator = " ";
  if (args.size() > 1) {
    std::optional<std::string> given = string_argument(call, 1);
    if (!given) {
      return;
    }
    separator = *given;
  }
  const Type& array = args[0];
  if (array.is_none()) {
    return;
  }
  // The elements are pointers to chars: `char **` or `char *[N]`.
  bool shaped = array.is_pointer() || array.is_array();
  const Type* element = nullptr;
  if (array.is_pointer()) {
    element = &array.pointee();
  } else if (array.is_array()) {
    element = &array.element();
  }
  bool strings = shaped && element->is_pointer() &&
                 element->pointee().is_integer() &&
                 element->pointee().size() == 1;
  if (!strings) {
    diagnostic(diag::Kind::JoinArgumentType, call.args[0]->range(),
               {array.name()})
        .hint(diag::Kind::JoinArgumentHint, {})
        .emit();
    return;
  }
  if (!reporting_ || checked_.join_ids.count(&call) != 0) {
    return;
  }
  checked_.join_ids[&call] = checked_.joins.size();
  checked_.joins.push_back({std::move(separator)});
}

Type TypeChecker::check_func_variable(const ast::Builtin& builtin) {
  if (all_targets_have([](const probes::ProbeTraits& kind) {
        return kind.func == probes::FuncSymbol::Kernel;
      })) {
    return Type::formatted(types::Presentation::Ksym, 8);
  }
  if (!all_targets_have([](const probes::ProbeTraits& kind) {
        return kind.func == probes::FuncSymbol::User;
      })) {
    error(diag::Kind::BuiltinNotInProbe, builtin.range(),
          {builtin.name, current_kind()});
    return Type::none();
  }
  return variable_type(BuiltinVariable::Func);
}

Type TypeChecker::check_probe_name(bool full_name) {
  size_t longest = 0;
  if (targets_ != nullptr) {
    for (const probes::AttachTarget& target : *targets_) {
      longest = std::max(
          longest, full_name ? target.full_name.size()
                             : std::strlen(probes::kind_spelling(target.kind)));
    }
  }
  return Type::string(static_cast<uint32_t>(longest + 1));
}

Type TypeChecker::check_iter_context(SourceRange range) {
  if (!all_providers([](const probes::ProbeType& type,
                        const probes::AttachTarget& target) {
        return type.context_struct(target).has_value();
      })) {
    diagnostic(diag::Kind::BuiltinNotInProbe, range, {"ctx", current_kind()})
        .hint(diag::Kind::CtxOnlyInIter, {})
        .emit();
    return Type::none();
  }
  const probes::AttachTarget& first = targets_->front();
  const std::string name = *catalog_.get(first.kind).context_struct(first);
  std::optional<Type> context = lookup_named_type(name);
  if (!context) {
    error(diag::Kind::IterContextMissing, range, {name});
    return Type::none();
  }
  return Type::pointer(*context, types::AddressSpace::Kernel);
}

types::StackMode TypeChecker::default_stack_mode(bool user) const {
  // The kernel records build ids for user stacks only: with
  // `stack_mode = build_id`, kernel stacks keep the default form.
  types::StackMode mode = checked_.config.stack_mode;
  return !user && mode == types::StackMode::BuildId ? types::StackMode::Bpftrace
                                                    : mode;
}

Type TypeChecker::check_stack_call(const ast::Call& call, bool user) {
  types::StackMode mode = default_stack_mode(user);
  uint32_t limit = 127;
  size_t index = 0;
  if (index < call.args.size()) {
    if (const auto* name = ast::dyn_cast<ast::Builtin>(call.args[index])) {
      if (name->name == "bpftrace") {
        mode = types::StackMode::Bpftrace;
      } else if (name->name == "perf") {
        mode = types::StackMode::Perf;
      } else if (name->name == "raw") {
        mode = types::StackMode::Raw;
      } else if (name->name == "build_id") {
        if (!user) {
          error(diag::Kind::KernelStackBuildId, name->range());
          return Type::none();
        }
        mode = types::StackMode::BuildId;
      } else {
        error(diag::Kind::StackModeUnknown, name->range(), {name->name});
        return Type::none();
      }
      ++index;
    }
  }
  if (index < call.args.size()) {
    std::optional<int64_t> value = constant_value(call.args[index]);
    if (!value) {
      error(diag::Kind::ArgumentNotLiteral, call.args[index]->range(),
            {std::to_string(index + 1), call.callee, "an integer"});
      return Type::none();
    }
    if (*value < 1 || *value > max_stack_frames()) {
      error(diag::Kind::StackLimitRange, call.args[index]->range(),
            {std::to_string(max_stack_frames()), std::to_string(*value)});
      return Type::none();
    }
    limit = static_cast<uint32_t>(*value);
    ++index;
  }
  if (index < call.args.size()) {
    error(diag::Kind::WrongArgumentCount, call.range(),
          {call.callee, "0 to 2", std::to_string(call.args.size())});
    return Type::none();
  }
  return Type::stack(user, limit, mode);
}

Type TypeChecker::check_map_query(const ast::Call& call,
                                  const FunctionSignature& signature) {
  const ast::MapAccess* access = map_argument(call, signature);
  if (access == nullptr) {
    return Type::none();
  }
  if (!access->keys.empty()) {
    error(diag::Kind::MapArgumentHasKeys, access->range(),
          {call.callee, access->name});
    return Type::none();
  }
  const MapInfo* map = find_map(access->name);
  if (map == nullptr) {
    if (reporting_) {
      error(diag::Kind::UndefinedMap, access->range(), {access->name});
    }
    return Type::none();
  }
  if (signature.function == BuiltinFunction::Len) {
    if (map->shape.key_types.empty()) {
      error(diag::Kind::LenOfMapWithoutKeys, access->range(), {access->name});
      return Type::none();
    }
    return Type::u64();
  }
  std::vector<Type> keys;
  keys.push_back(storage_type(check_expr(call.args[1])));
  if (keys[0].is_none()) {
    return Type::none();
  }
  if (map->shape.has_buckets()) {
    error(diag::Kind::DeleteHistogramKey, call.range(), {access->name});
    return Type::none();
  }
  if (!same_keys(map->shape.key_types, keys)) {
    error(diag::Kind::MapKeyMismatch, call.args[1]->range(),
          {access->name, keys_name(map->shape.key_types), keys_name(keys)});
    return Type::none();
  }
  return Type::integer(1, false);
}

Type TypeChecker::check_integer_function(const ast::Call& call,
                                         const std::vector<Type>& args,
                                         Type result) {
  return require_integer(call, 0, args[0]) ? result : Type::none();
}

Type TypeChecker::check_ntop(const ast::Call& call,
                             const std::vector<Type>& args) {
  const Type& address = args.back();
  if (args.size() == 2) {
    require_integer(call, 0, args[0]);
  }
  bool byte_array =
      address.is_array() && address.element().is_integer() &&
      address.element().size() == 1 &&
      (address.element_count() == 4 || address.element_count() == 16);
  if (!byte_array && !address.is_none() && !address.is_integer()) {
    error(diag::Kind::WrongArgumentType, call.args.back()->range(),
          {std::to_string(args.size()), call.callee,
           "an integer or a 4- or 16-byte array", address.name()});
    return Type::none();
  }
  return Type::formatted(types::Presentation::Inet, 24);
}

Type TypeChecker::check_macaddr(const ast::Call& call,
                                const std::vector<Type>& args) {
  const Type& address = args[0];
  bool six_bytes =
      (address.is_array() || address.is_string()) && address.size() == 6;
  if (!six_bytes && !address.is_none()) {
    error(diag::Kind::WrongArgumentType, call.args[0]->range(),
          {"1", call.callee, "a 6-byte array", address.name()});
    return Type::none();
  }
  return Type::formatted(types::Presentation::MacAddr, 16);
}

Type TypeChecker::check_strftime(const ast::Call& call,
                                 const std::vector<Type>& args) {
  std::optional<std::string> format = string_argument(call, 0);
  if (!format || !require_integer(call, 1, args[1])) {
    return Type::none();
  }
  add_time_format(call, *format);
  return Type::formatted(types::Presentation::Timestamp, 16);
}

Type TypeChecker::check_cgroup_path(const ast::Call& call,
                                    const std::vector<Type>& args) {
  if (args.size() == 2) {
    string_argument(call, 1);
  }
  if (require_integer(call, 0, args[0])) {
    return Type::formatted(types::Presentation::CgroupPath, 8);
  }
  return Type::none();
}

Type TypeChecker::check_time(const ast::Call& call,
                             const std::vector<Type>& args) {
  std::string format = "%H:%M:%S\n";
  if (!args.empty()) {
    std::optional<std::string> given = string_argument(call, 0);
    if (!given) {
      return Type::none();
    }
    format = *given;
  }
  add_time_format(call, format);
  return Type::none();
}

Type TypeChecker::check_system(const ast::Call& call,
                               const std::vector<Type>& args) {
  if (!require_unsafe(call)) {
    return Type::none();
  }
  check_printf(call, args);
  return Type::none();
}

Type TypeChecker::check_kaddr(const ast::Call& call) {
  std::optional<std::string> name = string_argument(call, 0);
  if (!name) {
    return Type::none();
  }
  std::optional<uint64_t> address = kernel_symbols_.address_of(*name);
  if (!address) {
    error(diag::Kind::UnknownKernelSymbol, call.args[0]->range(), {*name});
    return Type::none();
  }
  if (reporting_) {
    checked_.constants[&call] = *address;
  }
  return Type::u64();
}

Type TypeChecker::check_pton(const ast::Call& call) {
  std::optional<std::string> text = string_argument(call, 0);
  if (!text) {
    return Type::none();
  }
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text->c_str(), bytes) == 1) {
    return Type::array(Type::integer(1, false), 4);
  }
  if (inet_pton(AF_INET6, text->c_str(), bytes) == 1) {
    return Type::array(Type::integer(1, false), 16);
  }
  error(diag::Kind::InvalidAddress, call.args[0]->range(), {*text});
  return Type::none();
}

Type TypeChecker::check_cgroupid(const ast::Call& call) {
  std::optional<std::string> path = string_argument(call, 0);
  if (!path) {
    return Type::none();
  }
  // A cgroup2 directory's inode number is its cgroup id.
  struct stat status;
  if (stat(path->c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) {
    error(diag::Kind::CgroupNotFound, call.args[0]->range(), {*path});
    return Type::none();
  }
  if (reporting_) {
    checked_.constants[&call] = status.st_ino;
  }
  return Type::u64();
}

Type TypeChecker::check_reg(const ast::Call& call) {
  std::optional<std::string> name = string_argument(call, 0);
  if (!name) {
    return Type::none();
  }
  if (!register_offset(*name)) {
    auto report =
        diagnostic(diag::Kind::UnknownRegister, call.args[0]->range(), {*name});
    if (auto close = closest_match(
            *name, {"r15", "r14", "r13", "r12",   "bp", "bx", "r11", "r10",
                    "r9",  "r8",  "ax",  "cx",    "dx", "si", "di",  "orig_ax",
                    "ip",  "pc",  "cs",  "flags", "sp", "ss"})) {
      report.hint(diag::Kind::DidYouMean, {*close});
    }
    report.emit();
    return Type::none();
  }
  if (!require_registers(call.range(), call.callee)) {
    return Type::none();
  }
  return Type::u64();
}

Type TypeChecker::check_bswap(const ast::Call& call,
                              const std::vector<Type>& args) {
  if (require_integer(call, 0, args[0])) {
    return args[0].is_integer() ? Type::integer(args[0].size(), false)
                                : Type::u64();
  }
  return Type::none();
}

Type TypeChecker::check_pointer_space(const ast::Call& call,
                                      const std::vector<Type>& args,
                                      types::AddressSpace space) {
  if (!require_integer(call, 0, args[0])) {
    return Type::none();
  }
  if (!args[0].is_pointer()) {
    return args[0];
  }
  return Type::pointer(args[0].pointee(), space);
}

Type TypeChecker::check_signal(const ast::Call& call,
                               const std::vector<Type>& args) {
  if (!require_unsafe(call)) {
    return Type::none();
  }
  if (const auto* literal = ast::dyn_cast<ast::StringLiteral>(call.args[0])) {
    if (!signal_number(literal->value)) {
      error(diag::Kind::UnknownSignal, literal->range(), {literal->value});
    }
  } else {
    require_integer(call, 0, args[0]);
  }
  return Type::none();
}

Type TypeChecker::check_override(const ast::Call& call,
                                 const std::vector<Type>& args) {
  if (!require_unsafe(call)) {
    return Type::none();
  }
  // bpf_override_return: a kprobe program on a kernel function's entry.
  if (!all_providers([](const probes::ProbeType& type,
                        const probes::AttachTarget& target) {
        const probes::ProbeTraits& kind = probes::traits(target.kind);
        return type.program_type() == probes::ProgramType::Kprobe &&
               kind.space == types::AddressSpace::Kernel &&
               kind.retval == probes::RetvalSource::None;
      })) {
    error(diag::Kind::OverrideNeedsKprobe, call.callee_range, {current_kind()});
    return Type::none();
  }
  require_integer(call, 0, args[0]);
  return Type::none();
}

} // namespace sonde::sema
