// SPDX-License-Identifier: Apache-2.0
// Named parameters (getopt), checks (fail, static_assert, assert), debugf,
// and the later unsafe and kernel-object builtins (write_user,
// percpu_kaddr, socket_cookie).
#include "base/format_spec.h"
#include "sema/getopt_values.h"
#include "sema/type_checker.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sonde::sema {

namespace {

// The printf conversion `conversion` applied to `value` (an integer) or
// `text` (for %s), as C's snprintf prints it.
std::string format_constant(const Conversion& conversion,
                            int64_t value,
                            const std::string* text) {
  std::string spec = "%" + conversion.flags + conversion.width;
  if (conversion.has_precision) {
    spec += "." + conversion.precision;
  }
  char buffer[512];
  if (conversion.is_string() && text != nullptr) {
    spec += "s";
    snprintf(buffer, sizeof(buffer), spec.c_str(), text->c_str());
  } else if (conversion.specifier == 'c') {
    spec += "c";
    snprintf(buffer, sizeof(buffer), spec.c_str(), static_cast<int>(value));
  } else if (std::strchr("di", conversion.specifier) != nullptr) {
    spec += "lld";
    snprintf(buffer, sizeof(buffer), spec.c_str(),
             static_cast<long long>(value));
  } else if (std::strchr("ouxX", conversion.specifier) != nullptr) {
    spec += std::string("ll") + conversion.specifier;
    snprintf(buffer, sizeof(buffer), spec.c_str(),
             static_cast<unsigned long long>(value));
  } else {
    return text != nullptr ? *text : std::to_string(value);
  }
  return buffer;
}

// bpf_trace_printk's conversions (kernel/bpf/helpers.c bpf_bprintf_prepare
// accepts these; %s reads a string from kernel memory).
bool trace_printk_conversion(const Conversion& conversion) {
  if (conversion.width_star || conversion.precision_star ||
      conversion.raw_form != 0) {
    return false;
  }
  if (!conversion.length.empty() && conversion.length != "l" &&
      conversion.length != "ll" && conversion.length != "h" &&
      conversion.length != "hh") {
    return false;
  }
  return std::strchr("diuxXcsp%", conversion.specifier) != nullptr;
}

} // namespace

bool parse_getopt_bool(const std::string& text, int64_t& value) {
  if (text == "true" || text == "1") {
    value = 1;
    return true;
  }
  if (text == "false" || text == "0") {
    value = 0;
    return true;
  }
  return false;
}

bool parse_getopt_integer(const std::string& text, int64_t& value) {
  if (text.empty()) {
    return false;
  }
  char* end = nullptr;
  errno = 0;
  value = std::strtoll(text.c_str(), &end, 0);
  if (errno == ERANGE && text[0] != '-') {
    // Up to 0xffffffffffffffff, as a uint64's bits.
    errno = 0;
    value = static_cast<int64_t>(std::strtoull(text.c_str(), &end, 0));
  }
  return errno == 0 && *end == '\0';
}

std::optional<std::string> TypeChecker::constant_format(const ast::Call& call) {
  const auto* literal = ast::dyn_cast<ast::StringLiteral>(call.args[0]);
  if (literal == nullptr) {
    error(diag::Kind::FormatNotLiteral, call.args[0]->range(), {call.callee});
    return std::nullopt;
  }
  FormatSpec spec;
  std::string bad;
  size_t bad_offset = 0;
  if (!parse_format(literal->value, spec, bad, bad_offset)) {
    diagnostic(diag::Kind::FormatUnknownConversion, literal->range(), {bad})
        .hint(diag::Kind::FormatConversionsHint, {})
        .emit();
    return std::nullopt;
  }
  if (!format_fields_fit(spec, *literal)) {
    return std::nullopt;
  }
  if (spec.argument_count() != call.args.size() - 1) {
    error(diag::Kind::FormatArgumentCount, call.range(),
          {c_escape(literal->value), std::to_string(spec.argument_count()),
           std::to_string(call.args.size() - 1)});
    return std::nullopt;
  }
  std::string text;
  size_t index = 1;
  for (const auto& piece : spec.pieces) {
    if (const auto* plain = std::get_if<std::string>(&piece)) {
      text += *plain;
      continue;
    }
    const auto& conversion = std::get<Conversion>(piece);
    if (!conversion.takes_argument()) {
      text += "%";
      continue;
    }
    if (conversion.star_count() != 0) {
      error(diag::Kind::NotCompileTimeConstant, call.args[index]->range(),
            {std::to_string(index + 1), call.callee});
      return std::nullopt;
    }
    const ast::Expr* arg = call.args[index];
    if (const auto* string = ast::dyn_cast<ast::StringLiteral>(arg)) {
      text += format_constant(conversion, 0, &string->value);
    } else if (std::optional<int64_t> value = fold_constant(arg)) {
      text += format_constant(conversion, *value, nullptr);
    } else {
      error(diag::Kind::NotCompileTimeConstant, arg->range(),
            {std::to_string(index + 1), call.callee});
      return std::nullopt;
    }
    ++index;
  }
  return text;
}

Type TypeChecker::check_getopt(const ast::Call& call,
                               const std::vector<Type>& args) {
  std::optional<std::string> name = string_argument(call, 0);
  if (!name) {
    return Type::none();
  }
  GetoptInfo info{*name, "bool", "false", ""};
  int64_t number = 0;
  std::string text;
  if (args.size() >= 2) {
    const ast::Expr* given = call.args[1];
    std::optional<int64_t> constant;
    if (const auto* string = ast::dyn_cast<ast::StringLiteral>(given)) {
      info.type = "string";
      info.default_text = text = string->value;
    } else if (const auto* flag = ast::dyn_cast<ast::BoolLiteral>(given)) {
      number = flag->value ? 1 : 0;
      info.default_text = flag->value ? "true" : "false";
    } else if ((constant = fold_constant(given))) {
      info.type = "int";
      number = *constant;
      info.default_text = std::to_string(number);
    } else {
      error(diag::Kind::GetoptDefaultNotLiteral, given->range(), {*name});
      return Type::none();
    }
  }
  if (args.size() >= 3) {
    std::optional<std::string> description = string_argument(call, 2);
    if (!description) {
      return Type::none();
    }
    info.description = *description;
  }
  if (args.size() == 4) {
    std::optional<std::string> flag = string_argument(call, 3);
    if (!flag) {
      return Type::none();
    }
    if (flag->size() != 1 ||
        !std::isalnum(static_cast<unsigned char>((*flag)[0]))) {
      error(diag::Kind::GetoptShortFlag, call.args[3]->range(), {*name, *flag});
      return Type::none();
    }
    info.short_flag = (*flag)[0];
    for (const auto& [other, other_info] : checked_.getopts) {
      if (other != *name && other_info.short_flag == info.short_flag) {
        error(diag::Kind::GetoptShortFlagConflict, call.args[3]->range(),
              {other, *name, *flag});
        return Type::none();
      }
    }
  }
  auto [known, inserted] = checked_.getopts.emplace(*name, info);
  if (!inserted && known->second.type != info.type) {
    error(diag::Kind::GetoptTypeConflict, call.range(),
          {*name, info.type, known->second.type});
    return Type::none();
  }
  if (!inserted && known->second.description.empty()) {
    known->second.description = info.description;
  }
  if (!inserted && known->second.short_flag == '\0') {
    known->second.short_flag = info.short_flag;
  }
  // The command line's value replaces the default.
  auto value = checked_.named_params.find(*name);
  if (value != checked_.named_params.end()) {
    const std::optional<std::string>& given = value->second;
    bool ok = true;
    if (info.type == "bool") {
      ok = !given || parse_getopt_bool(*given, number);
      number = given ? number : 1;
    } else if (info.type == "int") {
      ok = given && parse_getopt_integer(*given, number);
    } else {
      ok = given.has_value();
      text = given.value_or("");
    }
    if (!ok) {
      const char* expected = info.type == "bool"  ? "true or false"
                             : info.type == "int" ? "an integer"
                                                  : "a string (--name=text)";
      diagnostic(diag::Kind::GetoptBadValue, call.range(),
                 {*name, expected, given.value_or("")})
          .hint(diag::Kind::GetoptValueHint, {})
          .emit();
      return Type::none();
    }
  }
  if (info.type == "string") {
    checked_.getopt_strings[&call] = text;
    return Type::string(static_cast<uint32_t>(text.size() + 1));
  }
  checked_.constants[&call] = static_cast<uint64_t>(number);
  return info.type == "bool" ? Type::boolean() : Type::s64();
}

Type TypeChecker::check_percpu_kaddr(const ast::Call& call,
                                     const std::vector<Type>& args) {
  std::optional<std::string> name = string_argument(call, 0);
  if (!name || (args.size() == 2 && !require_integer(call, 1, args[1]))) {
    return Type::none();
  }
  std::optional<std::string> shape;
  if (checked_.kernel_types != nullptr) {
    shape = checked_.kernel_types->percpu_variable_shape(*name);
  }
  if (!shape) {
    error(diag::Kind::NotPercpuSymbol, call.args[0]->range(), {*name});
    return Type::none();
  }
  // The verifier binds a BTF variable through kallsyms, which lists data
  // symbols only with CONFIG_KALLSYMS_ALL.
  if (!kernel_symbols_.address_of(*name)) {
    error(diag::Kind::UnknownKernelSymbol, call.args[0]->range(), {*name});
    return Type::none();
  }
  checked_.percpu_shapes[&call] = *shape;
  return Type::u64();
}

Type TypeChecker::check_fail(const ast::Call& call) {
  // Only code that can run fails the build: not a branch that a constant
  // condition rules out.
  std::optional<std::string> message = constant_format(call);
  if (message && unreachable_depth_ == 0) {
    error(diag::Kind::FailCalled, call.range(), {*message});
  }
  return Type::none();
}

Type TypeChecker::check_static_assert(const ast::Call& call) {
  std::optional<std::string> message = string_argument(call, 1);
  std::optional<int64_t> holds = fold_constant(call.args[0]);
  if (!holds) {
    error(diag::Kind::NotCompileTimeConstant, call.args[0]->range(),
          {"1", call.callee});
  } else if (*holds == 0 && message && unreachable_depth_ == 0) {
    error(diag::Kind::StaticAssertFailed, call.range(), {*message});
  }
  return Type::none();
}

Type TypeChecker::check_assert(const ast::Call& call,
                               const std::vector<Type>& args) {
  std::optional<std::string> message = string_argument(call, 1);
  if (!require_integer(call, 0, args[0]) || !message || !reporting_) {
    return Type::none();
  }
  // An errorf() record with the message, sent when the check fails.
  checked_.printf_ids[&call] = checked_.printfs.size();
  std::string format = "assertion failed: ";
  for (char c : *message) {
    format += c == '%' ? "%%" : std::string(1, c);
  }
  checked_.printfs.push_back({format, {}, call.range().begin});
  return Type::none();
}

Type TypeChecker::check_debugf(const ast::Call& call,
                               const std::vector<Type>& args) {
  const auto* literal = ast::dyn_cast<ast::StringLiteral>(call.args[0]);
  if (literal == nullptr) {
    error(diag::Kind::FormatNotLiteral, call.args[0]->range(), {call.callee});
    return Type::none();
  }
  FormatSpec spec;
  std::string bad;
  size_t bad_offset = 0;
  if (!parse_format(literal->value, spec, bad, bad_offset)) {
    diagnostic(diag::Kind::FormatUnknownConversion, literal->range(), {bad})
        .hint(diag::Kind::DebugfConversionsHint, {})
        .emit();
    return Type::none();
  }
  if (spec.argument_count() != call.args.size() - 1) {
    error(diag::Kind::FormatArgumentCount, call.range(),
          {c_escape(literal->value), std::to_string(spec.argument_count()),
           std::to_string(call.args.size() - 1)});
    return Type::none();
  }
  size_t index = 1;
  for (const auto& piece : spec.pieces) {
    const auto* conversion = std::get_if<Conversion>(&piece);
    if (conversion == nullptr || !conversion->takes_argument()) {
      continue;
    }
    if (!trace_printk_conversion(*conversion)) {
      diagnostic(diag::Kind::DebugfConversion, literal->range(),
                 {literal->value.substr(conversion->offset, conversion->size)})
          .hint(diag::Kind::DebugfConversionsHint, {})
          .emit();
      return Type::none();
    }
    const Type& type = args[index];
    if (conversion->is_string() ? !type.is_string() && !type.is_none()
                                : !type.is_none() && !is_scalar(type)) {
      error(diag::Kind::FormatArgumentType, call.args[index]->range(),
            {literal->value.substr(conversion->offset, conversion->size),
             conversion->is_string() ? "a string" : "an integer", type.name()});
      return Type::none();
    }
    ++index;
  }
  return Type::none();
}

Type TypeChecker::check_write_user(const ast::Call& call,
                                   const std::vector<Type>& args) {
  if (!require_unsafe(call) || !require_integer(call, 0, args[0])) {
    return Type::none();
  }
  const Type& source = args[1];
  if (source.is_none()) {
    return Type::none();
  }
  uint32_t capacity = 0;
  if (is_scalar(source)) {
    capacity = 8;
  } else if (source.is_string() || source.is_array()) {
    capacity = source.size();
  } else if (source.is_buffer()) {
    capacity = source.element_count();
  } else {
    error(diag::Kind::WrongArgumentType, call.args[1]->range(),
          {"2", call.callee, "an integer, string, array or buffer",
           source.name()});
    return Type::none();
  }
  std::optional<int64_t> length = fold_constant(call.args[2]);
  if (!length) {
    error(diag::Kind::NotCompileTimeConstant, call.args[2]->range(),
          {"3", call.callee});
    return Type::none();
  }
  if (*length < 1 || *length > capacity) {
    error(diag::Kind::WriteUserLength, call.args[2]->range(),
          {std::to_string(capacity), std::to_string(*length)});
    return Type::none();
  }
  checked_.constants[call.args[2]] = static_cast<uint64_t>(*length);
  return Type::integer(1, false);
}

Type TypeChecker::check_socket_cookie(const ast::Call& call,
                                      const std::vector<Type>& args) {
  // A tracing program's helper, on a 'struct sock *' typed from BTF: an
  // argument of fentry/fexit.
  if (!all_providers([](const probes::ProbeType& type,
                        const probes::AttachTarget& target) {
        return type.program_type() == probes::ProgramType::Tracing &&
               probes::traits(target.kind).args == probes::ArgsRecord::Btf;
      })) {
    error(diag::Kind::SocketCookieProbe, call.callee_range, {current_kind()});
    return Type::none();
  }
  const Type& socket = args[0];
  if (!socket.is_none() && (!socket.is_pointer() ||
                            socket.pointee().name().find("struct sock") != 0)) {
    error(diag::Kind::WrongArgumentType, call.args[0]->range(),
          {"1", call.callee, "a 'struct sock *' argument", socket.name()});
    return Type::none();
  }
  return Type::u64();
}

} // namespace sonde::sema
