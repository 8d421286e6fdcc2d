// SPDX-License-Identifier: Apache-2.0
// Builtin variables and function calls: check_builtin() and check_call()
// route every builtin of builtins.def to its rule, each from one switch
// without a default. The basics (str, exit, print) and printf formats are
// checked here.
#include "sema/type_checker.h"

namespace sonde::sema {

Type TypeChecker::check_usdt_argument(const ast::Builtin& builtin,
                                      unsigned index) {
  bool is_signed = true;
  for (const probes::AttachTarget& target : *targets_) {
    if (index >= target.usdt_arguments.size()) {
      error(diag::Kind::UsdtArgumentMissing, builtin.range(),
            {builtin.name, target.full_name,
             std::to_string(target.usdt_arguments.size())});
      return Type::none();
    }
    const probes::UsdtArgument& argument = target.usdt_arguments[index];
    if (argument.kind == probes::UsdtArgument::Kind::Unsupported) {
      error(diag::Kind::UsdtArgumentUnsupported, builtin.range(),
            {builtin.name, target.full_name, argument.spec});
      return Type::none();
    }
    is_signed = is_signed && argument.is_signed;
  }
  return Type::integer(8, is_signed);
}

template <typename Source>
Source
TypeChecker::targets_source(Source (*source_of)(probes::ProbeKind)) const {
  if (targets_ == nullptr || targets_->empty()) {
    return Source::None;
  }
  Source first = source_of(targets_->front().kind);
  for (const probes::AttachTarget& target : *targets_) {
    if (source_of(target.kind) != first) {
      return Source::None;
    }
  }
  return first;
}

bool TypeChecker::format_fields_fit(const FormatSpec& spec,
                                    const ast::StringLiteral& literal) {
  for (const auto& piece : spec.pieces) {
    const auto* conversion = std::get_if<Conversion>(&piece);
    if (conversion != nullptr && conversion->field_too_wide()) {
      error(diag::Kind::FormatFieldTooWide, literal.range(),
            {literal.value.substr(conversion->offset, conversion->size),
             std::to_string(kMaxFormatField)});
      return false;
    }
  }
  return true;
}

Type TypeChecker::check_builtin(const ast::Builtin& builtin) {
  if (std::optional<unsigned> index = register_argument(builtin.name)) {
    probes::ArgumentSource source = targets_source(probes::argument_source);
    if (source == probes::ArgumentSource::Usdt) {
      return check_usdt_argument(builtin, *index);
    }
    if (source == probes::ArgumentSource::None) {
      error(diag::Kind::RegisterArgumentOutsideProbe, builtin.range(),
            {builtin.name});
      return Type::none();
    }
    if (source == probes::ArgumentSource::RawTracepoint) {
      // The kernel checks the count against the tracepoint when attaching.
      if (*index >= kRawTracepointArguments) {
        error(diag::Kind::RawTracepointArgumentTooHigh, builtin.range(),
              {builtin.name});
        return Type::none();
      }
      return Type::u64();
    }
    if (*index >= kRegisterArguments) {
      error(diag::Kind::RegisterArgumentTooHigh, builtin.range(),
            {builtin.name});
      return Type::none();
    }
    return Type::u64();
  }
  std::optional<BuiltinVariable> variable = find_variable(builtin.name);
  if (!variable && builtin.name == "dw_ustack") {
    diagnostic(diag::Kind::DwarfUnwindingUnavailable, builtin.range(), {})
        .hint(diag::Kind::UseFramePointerStacks)
        .emit();
    return Type::none();
  }
  if (!variable && builtin.name.size() > 4 &&
      builtin.name.starts_with("sarg") &&
      builtin.name.find_first_not_of("0123456789", 4) == std::string::npos) {
    // bpftrace removed sargN in 0.25: at a function's entry the stack
    // pointer points at the return address, the arguments are above it.
    uint64_t index = std::strtoull(builtin.name.c_str() + 4, nullptr, 10);
    diagnostic(diag::Kind::StackArgumentRemoved, builtin.range(),
               {builtin.name})
        .hint(diag::Kind::StackArgumentHint,
              {std::to_string((index + 1) * 8), builtin.name})
        .emit();
    return Type::none();
  }
  if (!variable) {
    // #define constants, then enumerators, of the script's C definitions
    // (and their headers) and of the kernel.
    if (std::optional<Type> defined = check_c_define(builtin)) {
      return *defined;
    }
    if (std::optional<EnumConstant> constant = enum_constant(builtin.name)) {
      checked_.constants[&builtin] = static_cast<uint64_t>(constant->value);
      return constant->type;
    }
    auto report =
        diagnostic(diag::Kind::UnknownBuiltin, builtin.range(), {builtin.name});
    if (auto close = closest_match(builtin.name, variable_names())) {
      report.hint(diag::Kind::DidYouMean, {*close});
    }
    report.emit();
    return Type::none();
  }
  switch (*variable) {
  // Read the same way in every probe.
  case BuiltinVariable::Pid:
  case BuiltinVariable::Tid:
  case BuiltinVariable::Uid:
  case BuiltinVariable::Gid:
  case BuiltinVariable::Nsecs:
  case BuiltinVariable::Cpu:
  case BuiltinVariable::Comm:
  case BuiltinVariable::Cpid:
  case BuiltinVariable::Elapsed:
  case BuiltinVariable::Jiffies:
  case BuiltinVariable::Rand:
  case BuiltinVariable::Cgroup:
  case BuiltinVariable::Numaid:
  case BuiltinVariable::Ncpus:
  case BuiltinVariable::Username:
    return variable_type(*variable);
  case BuiltinVariable::Curtask: {
    // Without BTF, curtask is an address (bpftrace does the same).
    std::optional<Type> task = lookup_named_type("struct task_struct");
    return task ? Type::pointer(*task, types::AddressSpace::Kernel)
                : Type::u64();
  }
  // Valid in some probes, or typed by them.
  case BuiltinVariable::Args:
    return check_args(builtin);
  case BuiltinVariable::Retval:
    if (targets_source(probes::retval_source) == probes::RetvalSource::None) {
      error(diag::Kind::RetvalOutsideReturnProbe, builtin.range());
      return Type::none();
    }
    return variable_type(*variable);
  case BuiltinVariable::Kstack:
    return Type::stack(false, 127, default_stack_mode(false));
  case BuiltinVariable::Ustack:
    return Type::stack(true, 127, default_stack_mode(true));
  case BuiltinVariable::Usermode:
    // Probes sonde runs itself (begin, end, self) are in user mode.
    if (all_targets_have([](const probes::ProbeTraits& kind) {
          return kind.registers || !probes::is_attached(kind.trigger);
        })) {
      return variable_type(*variable);
    }
    return require_registers(builtin.range(), builtin.name)
               ? variable_type(*variable)
               : Type::none();
  case BuiltinVariable::Func:
    return check_func_variable(builtin);
  case BuiltinVariable::Probe:
    return check_probe_name(/*full_name=*/true);
  case BuiltinVariable::Probetype:
    return check_probe_name(/*full_name=*/false);
  case BuiltinVariable::Ctx:
    return check_iter_context(builtin.range());
  // Constants of the running configuration (check_type_predicates.cpp).
  case BuiltinVariable::DefaultStrLength:
    return check_default_str_length(builtin);
  case BuiltinVariable::Config:
    return check_config_variable(builtin);
  case BuiltinVariable::Arch:
    return check_arch(builtin);
  case BuiltinVariable::SafeMode:
    return check_safe_mode(builtin);
  }
  return Type::none();
}

Type TypeChecker::check_args(const ast::Builtin& builtin) {
  if (args_records_.empty() && uprobe_targets()) {
    return load_register_args(builtin.range()) ? args_records_.front().second
                                               : Type::none();
  }
  if (args_records_.empty() && targets_ != nullptr && !targets_->empty() &&
      probes::traits(targets_->front().kind).args == probes::ArgsRecord::Btf) {
    // fentry/fexit and rawtracepoint arguments are typed from kernel BTF.
    error(diag::Kind::NotSupportedYet, builtin.range(),
          {std::string("'args' in ") +
           probes::kind_spelling(targets_->front().kind) + " probes"});
    return Type::none();
  }
  if (args_records_.empty()) {
    error(diag::Kind::ArgsOutsideTracepoint, builtin.range());
    return Type::none();
  }
  return args_records_.front().second;
}

std::optional<std::string>
TypeChecker::positional_string(const ast::Expr* arg) const {
  uint64_t skip = 0;
  if (const auto* sum = ast::dyn_cast<ast::Binary>(arg);
      sum != nullptr && sum->op == ast::BinaryOp::Add) {
    const auto* offset = ast::dyn_cast<ast::IntLiteral>(sum->rhs);
    if (offset == nullptr) {
      return std::nullopt;
    }
    skip = offset->value;
    arg = sum->lhs;
  }
  const auto* positional = ast::dyn_cast<ast::Positional>(arg);
  if (positional == nullptr) {
    return std::nullopt;
  }
  std::string text = positional_text(positional->index).value_or("");
  return skip < text.size() ? text.substr(skip) : std::string();
}

Type TypeChecker::check_call(const ast::Call& call) {
  std::optional<FunctionSignature> signature = find_function(call.callee);
  if (!signature) {
    if (call.callee == "dw_ustack") {
      diagnostic(diag::Kind::DwarfUnwindingUnavailable, call.callee_range, {})
          .hint(diag::Kind::UseFramePointerStacks)
          .emit();
    } else {
      auto report = diagnostic(diag::Kind::UnknownFunction, call.callee_range,
                               {call.callee});
      if (auto close = closest_match(call.callee, function_names())) {
        report.hint(diag::Kind::DidYouMean, {*close});
      }
      report.emit();
    }
    for (const ast::Expr* arg : call.args) {
      check_expr(arg);
    }
    return Type::none();
  }
  // Most functions take values: typed() types the arguments into `args`
  // and checks their count (false, reported, when it is wrong). Functions
  // that name a map, a stack mode or a type check their own arguments.
  std::vector<Type> args;
  auto typed = [&] {
    for (const ast::Expr* arg : call.args) {
      args.push_back(check_expr(arg));
    }
    return check_argument_count(call, *signature);
  };
  using types::Presentation;
  switch (signature->function) {
  // The basics and formats (this file).
  case BuiltinFunction::Printf:
  case BuiltinFunction::Cat:
  case BuiltinFunction::Errorf:
  case BuiltinFunction::Warnf:
    if (typed()) {
      check_printf(call, args);
    }
    return Type::none();
  case BuiltinFunction::Str:
    // str($N) and str($N + k) are the parameter's text (from byte k), as
    // in bpftrace, whether it reads as a number or not.
    if (std::optional<std::string> text = call.args.size() == 1
                                              ? positional_string(call.args[0])
                                              : std::nullopt) {
      checked_.positional_strings[&call] = *text;
      return Type::string(text->size() + 1);
    }
    return typed() ? check_str(call, args) : Type::none();
  case BuiltinFunction::Exit:
    return typed() ? check_exit(call, args) : Type::none();
  case BuiltinFunction::Print:
    if (const auto* map = call.args.empty()
                              ? nullptr
                              : ast::dyn_cast<ast::MapAccess>(call.args[0]);
        map != nullptr && map->keys.empty()) {
      return check_map_function(call, *signature);
    }
    if (typed()) {
      check_print_value(call, args);
    }
    return Type::none();
    // Maps (check_maps.cpp, check_functions.cpp): aggregations
    // (types/map_kinds.def) are only assigned, checked by check_assign_map;
    // the other functions name the map, they do not read it.
#define AGGREGATION(Enum, Name) case BuiltinFunction::Enum:
#include "types/map_kinds.def"
    if (typed()) {
      error(diag::Kind::AggregationNotAssigned, call.range(), {call.callee});
    }
    return Type::none();
  case BuiltinFunction::Delete:
  case BuiltinFunction::Clear:
  case BuiltinFunction::Zero:
    return check_map_function(call, *signature);
  case BuiltinFunction::HasKey:
    return check_map_query(call, *signature);
  case BuiltinFunction::Len:
    // len(@m) counts a map's keys, len(kstack) a stack's frames.
    if (call.args.size() == 1 && takes_stack(call.args[0])) {
      return check_stack_length(call, *signature);
    }
    return check_map_query(call, *signature);

  // Stacks, values formatted in user space, user-space actions,
  // compile-time constants, registers and unsafe actions
  // (check_functions.cpp, check_uaddr.cpp).
  case BuiltinFunction::Kstack:
    return check_stack_call(call, /*user=*/false);
  case BuiltinFunction::Ustack:
    return check_stack_call(call, /*user=*/true);
  case BuiltinFunction::Ksym:
    return typed() ? check_integer_function(
                         call, args, Type::formatted(Presentation::Ksym, 8))
                   : Type::none();
  case BuiltinFunction::Usym:
    return typed() ? check_integer_function(
                         call, args, Type::formatted(Presentation::Usym, 16))
                   : Type::none();
  case BuiltinFunction::Ntop:
    return typed() ? check_ntop(call, args) : Type::none();
  case BuiltinFunction::Macaddr:
    return typed() ? check_macaddr(call, args) : Type::none();
  case BuiltinFunction::Strftime:
    return typed() ? check_strftime(call, args) : Type::none();
  case BuiltinFunction::CgroupPath:
    return typed() ? check_cgroup_path(call, args) : Type::none();
  case BuiltinFunction::Time:
    return typed() ? check_time(call, args) : Type::none();
  case BuiltinFunction::System:
    return typed() ? check_system(call, args) : Type::none();
  case BuiltinFunction::Join:
    if (typed()) {
      check_join(call, args);
    }
    return Type::none();
  case BuiltinFunction::Kaddr:
    return typed() ? check_kaddr(call) : Type::none();
  case BuiltinFunction::Uaddr:
    return typed() ? check_uaddr(call) : Type::none();
  case BuiltinFunction::Pton:
    return typed() ? check_pton(call) : Type::none();
  case BuiltinFunction::Cgroupid:
    return typed() ? check_cgroupid(call) : Type::none();
  case BuiltinFunction::Reg:
    return typed() ? check_reg(call) : Type::none();
  case BuiltinFunction::Bswap:
    return typed() ? check_bswap(call, args) : Type::none();
  case BuiltinFunction::Kptr:
    return typed()
               ? check_pointer_space(call, args, types::AddressSpace::Kernel)
               : Type::none();
  case BuiltinFunction::Uptr:
    return typed() ? check_pointer_space(call, args, types::AddressSpace::User)
                   : Type::none();
  case BuiltinFunction::Signal:
  case BuiltinFunction::SignalThread:
    return typed() ? check_signal(call, args) : Type::none();
  case BuiltinFunction::Override:
    return typed() ? check_override(call, args) : Type::none();

  // Strings and bytes (check_strings.cpp, check_string_functions.cpp,
  // check_path.cpp).
  case BuiltinFunction::Strncmp:
    return typed() ? check_strncmp(call, args) : Type::none();
  case BuiltinFunction::Buf:
    return typed() ? check_buf(call, args) : Type::none();
  case BuiltinFunction::Strlen:
    return typed() ? check_strlen(call, args) : Type::none();
  case BuiltinFunction::Strstr:
    return typed() ? check_strstr(call, args) : Type::none();
  case BuiltinFunction::Memcmp:
    return typed() ? check_memcmp(call, args) : Type::none();
  case BuiltinFunction::StrConcat:
    return typed() ? check_str_concat(call, args) : Type::none();
  case BuiltinFunction::Strcap:
    return typed() ? check_strcap(call, args) : Type::none();
  case BuiltinFunction::AssertStr:
    return typed() ? check_assert_str(call, args) : Type::none();
  case BuiltinFunction::Path:
    return typed() ? check_path(call, args) : Type::none();

  // Numbers named in user space, named parameters, checks, debugf and
  // kernel objects (check_control.cpp).
  case BuiltinFunction::Strerror:
    return typed()
               ? check_integer_function(
                     call, args, Type::formatted(Presentation::ErrnoText, 8))
               : Type::none();
  case BuiltinFunction::SignalName:
    return typed()
               ? check_integer_function(
                     call, args, Type::formatted(Presentation::SignalName, 8))
               : Type::none();
  case BuiltinFunction::SyscallName:
    return typed()
               ? check_integer_function(
                     call, args, Type::formatted(Presentation::SyscallName, 8))
               : Type::none();
  case BuiltinFunction::Getopt:
    return typed() ? check_getopt(call, args) : Type::none();
  case BuiltinFunction::Fail:
    return typed() ? check_fail(call) : Type::none();
  case BuiltinFunction::StaticAssert:
    return typed() ? check_static_assert(call) : Type::none();
  case BuiltinFunction::Assert:
    return typed() ? check_assert(call, args) : Type::none();
  case BuiltinFunction::Debugf:
    return typed() ? check_debugf(call, args) : Type::none();
  case BuiltinFunction::WriteUser:
    return typed() ? check_write_user(call, args) : Type::none();
  case BuiltinFunction::Unwatch:
    if (typed()) {
      require_integer(call, 0, args[0]);
    }
    return Type::none();
  case BuiltinFunction::PercpuKaddr:
    return typed() ? check_percpu_kaddr(call, args) : Type::none();
  case BuiltinFunction::SocketCookie:
    return typed() ? check_socket_cookie(call, args) : Type::none();

  // Questions about types, answered at compile time; their operand is
  // typed, never run (check_type_predicates.cpp).
  case BuiltinFunction::IsStr:
    return check_type_predicate(
        call, *signature, [](const Type& type) { return type.is_string(); });
  case BuiltinFunction::IsPtr:
    return check_type_predicate(
        call, *signature, [](const Type& type) { return type.is_pointer(); });
  case BuiltinFunction::IsArray:
    return check_type_predicate(
        call, *signature, [](const Type& type) { return type.is_array(); });
  case BuiltinFunction::IsInteger:
    return check_type_predicate(
        call, *signature, [](const Type& type) { return type.is_integer(); });
  case BuiltinFunction::IsUnsignedInteger:
    return check_type_predicate(call, *signature, [](const Type& type) {
      return type.is_integer() && !type.is_signed();
    });
  case BuiltinFunction::IsLiteral:
    return check_is_literal(call, *signature);
  case BuiltinFunction::ConfigRecord:
    return config_record_type();
  // Kernel pointers (check_type_predicates.cpp).
  case BuiltinFunction::ContainerOf:
    return check_container_of(call, *signature);
  case BuiltinFunction::NsecsOf:
  case BuiltinFunction::PidOf:
  case BuiltinFunction::TidOf:
    return check_variable_mode(call, *signature);
  case BuiltinFunction::TaskFromPid:
    return typed() ? check_task_from_pid(call, args) : Type::none();
  }
  return Type::none();
}

Type TypeChecker::check_str(const ast::Call& call,
                            const std::vector<Type>& args) {
  // str() of a value that already is a string (a __data_loc field, comm)
  // is that string, as in bpftrace.
  if (args[0].is_string()) {
    if (args.size() > 1) {
      require_integer(call, 1, args[1]);
    }
    return args[0];
  }
  if (!args[0].is_none() && !is_scalar(args[0])) {
    error(diag::Kind::WrongArgumentType, call.args[0]->range(),
          {"1", "str", "a pointer or an integer", args[0].name()});
  }
  if (args.size() > 1) {
    require_integer(call, 1, args[1]);
  }
  return Type::string(checked_.config.max_strlen);
}

Type TypeChecker::check_exit(const ast::Call& call,
                             const std::vector<Type>& args) {
  if (!args.empty()) {
    require_integer(call, 0, args[0]);
  }
  return Type::none();
}

bool TypeChecker::check_argument_count(const ast::Call& call,
                                       const FunctionSignature& signature) {
  if (call.args.size() >= signature.min_args &&
      call.args.size() <= signature.max_args) {
    return true;
  }
  std::string expected = std::to_string(signature.min_args);
  if (signature.max_args != signature.min_args) {
    expected += signature.max_args == 128
                    ? " or more"
                    : " to " + std::to_string(signature.max_args);
  }
  error(diag::Kind::WrongArgumentCount, call.range(),
        {call.callee, expected, std::to_string(call.args.size())});
  return false;
}

void TypeChecker::check_print_value(const ast::Call& call,
                                    const std::vector<Type>& args) {
  if (call.args.size() > 1) {
    error(diag::Kind::WrongArgumentCount, call.range(),
          {call.callee, "1", std::to_string(call.args.size())});
    return;
  }
  const Type& type = args[0];
  if (type.is_none()) {
    return;
  }
  if (!storable(type)) {
    error(diag::Kind::CannotStore, call.args[0]->range(),
          {type.name(), "print()"});
    return;
  }
  if (!reporting_) {
    return;
  }
  checked_.print_value_ids[&call] = checked_.print_values.size();
  checked_.print_values.push_back({storage_type(type)});
}

bool TypeChecker::require_integer(const ast::Call& call,
                                  size_t index,
                                  const Type& type) {
  if (!type.is_none() && !is_scalar(type)) {
    error(diag::Kind::WrongArgumentType, call.args[index]->range(),
          {std::to_string(index + 1), call.callee, "an integer", type.name()});
    return false;
  }
  return !type.is_none();
}

void TypeChecker::check_printf(const ast::Call& call,
                               const std::vector<Type>& args) {
  const auto* literal = ast::dyn_cast<ast::StringLiteral>(call.args[0]);
  if (literal == nullptr) {
    error(diag::Kind::FormatNotLiteral, call.args[0]->range(), {call.callee});
    return;
  }
  FormatSpec spec;
  std::string bad;
  size_t bad_offset = 0;
  if (!parse_format(literal->value, spec, bad, bad_offset)) {
    // Point at the conversion when the literal's source has no escapes
    // (it is then the value in quotes, so offsets carry over).
    SourceRange range = literal->range();
    if (range.end - range.begin == literal->value.size() + 2) {
      uint32_t begin = range.begin + 1 + static_cast<uint32_t>(bad_offset);
      range = {begin, begin + static_cast<uint32_t>(bad.size())};
    }
    diagnostic(diag::Kind::FormatUnknownConversion, range, {bad})
        .hint(diag::Kind::FormatConversionsHint, {})
        .emit();
    return;
  }
  if (!format_fields_fit(spec, *literal)) {
    return;
  }
  size_t given = call.args.size() - 1;
  if (spec.argument_count() != given) {
    error(diag::Kind::FormatArgumentCount, call.range(),
          {c_escape(literal->value), std::to_string(spec.argument_count()),
           std::to_string(given)});
    return;
  }
  PrintfInfo info{literal->value, {}, call.range().begin};
  size_t index = 1;
  for (const auto& piece : spec.pieces) {
    const auto* conversion = std::get_if<Conversion>(&piece);
    if (conversion == nullptr) {
      continue;
    }
    std::string text =
        literal->value.substr(conversion->offset, conversion->size);
    // `*` width and precision come first, as integers.
    for (size_t star = 0; star < conversion->star_count(); ++star) {
      const Type& type = args[index];
      if (!type.is_none() && !type.is_integer()) {
        error(diag::Kind::FormatArgumentType, call.args[index]->range(),
              {text, "an integer for '*'", type.name()});
      }
      info.arg_types.push_back(Type::s64());
      ++index;
    }
    const Type& type = args[index];
    const ast::Expr* arg = call.args[index];
    ++index;
    if (type.is_none()) {
      info.arg_types.push_back(Type::u64());
      continue;
    }
    if ((conversion->is_integer() || conversion->is_floating()) &&
        !is_scalar(type)) {
      error(diag::Kind::FormatArgumentType, arg->range(),
            {text, "an integer", type.name()});
    } else if (conversion->is_string() && is_scalar(type) && !type.is_enum() &&
               !type.is_bool()) {
      // A plain number: %s would hide a mistaken argument order. A bool
      // prints as true or false, an enum value as its enumerator's name.
      diagnostic(diag::Kind::FormatArgumentType, arg->range(),
                 {text, "a string or a formatted value", type.name()})
          .hint(diag::Kind::FormatIntegerForString,
                {type.is_pointer() ? "%p" : "%d"})
          .emit();
    } else if (conversion->is_string() && !storable(type)) {
      error(diag::Kind::FormatArgumentType, arg->range(),
            {text, "a string", type.name()});
    } else if (conversion->is_raw() && !type.is_buffer() && !type.is_string() &&
               !type.is_array()) {
      error(diag::Kind::FormatArgumentType, arg->range(),
            {text, "a buffer, string or array", type.name()});
    }
    info.arg_types.push_back(storage_type(type));
  }
  if (!reporting_) {
    return;
  }
  checked_.printf_ids[&call] = checked_.printfs.size();
  checked_.printfs.push_back(std::move(info));
}

} // namespace sonde::sema
