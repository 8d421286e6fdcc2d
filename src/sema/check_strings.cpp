// SPDX-License-Identifier: Apache-2.0
// String and byte functions: strncmp(a, b, n), strcontains(haystack,
// needle) and buf(pointer[, length]).
#include "base/check.h"
#include "sema/type_checker.h"

namespace sonde::sema {

namespace {

// The most bytes buf() copies, as bpftrace's default max_strlen.
constexpr uint32_t kMaxBufferSize = 64;

} // namespace

Type TypeChecker::check_string_function(const ast::Call& call,
                                        BuiltinFunction function,
                                        const std::vector<Type>& args) {
  auto require_string = [&](size_t index) {
    if (args[index].is_none()) {
      return false;
    }
    if (!args[index].is_string()) {
      error(diag::Kind::WrongArgumentType, call.args[index]->range(),
            {std::to_string(index + 1), call.callee, "a string",
             args[index].name()});
      return false;
    }
    return true;
  };
  switch (function) {
  case BuiltinFunction::Strncmp: {
    // Both arguments are checked, so both are reported.
    const bool first = require_string(0);
    const bool strings = require_string(1) && first;
    std::optional<int64_t> length = constant_value(call.args[2]);
    if (!length || *length < 0) {
      error(diag::Kind::ArgumentNotLiteral, call.args[2]->range(),
            {"3", call.callee, "a non-negative integer"});
      return Type::none();
    }
    checked_.constants[&call] = static_cast<uint64_t>(*length);
    return strings ? Type::u64() : Type::none();
  }
  case BuiltinFunction::Strcontains: {
    const bool first = require_string(0);
    const bool second = require_string(1);
    return first && second ? Type::integer(1, false) : Type::none();
  }
  case BuiltinFunction::Buf: {
    if (!args[0].is_none() && !is_scalar(args[0]) && !args[0].is_string() &&
        !args[0].is_array()) {
      error(diag::Kind::WrongArgumentType, call.args[0]->range(),
            {"1", "buf", "a pointer, an array or a string", args[0].name()});
      return Type::none();
    }
    uint32_t capacity = args[0].is_string() || args[0].is_array()
                            ? std::min(args[0].size(), kMaxBufferSize)
                            : kMaxBufferSize;
    if (call.args.size() > 1) {
      if (std::optional<int64_t> length = constant_value(call.args[1])) {
        if (*length < 0) {
          error(diag::Kind::ArgumentNotLiteral, call.args[1]->range(),
                {"2", "buf", "a non-negative integer"});
          return Type::none();
        }
        capacity = std::min<uint32_t>(capacity, *length);
      } else {
        require_integer(call, 1, args[1]);
      }
    }
    return Type::buffer(capacity);
  }
  default:
    SONDE_CHECK(false, "not a string function");
  }
  return Type::none();
}

} // namespace sonde::sema
