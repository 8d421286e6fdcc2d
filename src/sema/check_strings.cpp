// SPDX-License-Identifier: Apache-2.0
// String and byte functions: strncmp(a, b, n) and buf(pointer[, length]).
// strcontains() is stdlib/base.bt's, over strstr().
#include "sema/type_checker.h"

namespace sonde::sema {

namespace {

// The most bytes buf() copies, as bpftrace's default max_strlen.
constexpr uint32_t kMaxBufferSize = 64;

} // namespace

bool TypeChecker::require_string(const ast::Call& call,
                                 size_t index,
                                 const Type& type) {
  if (type.is_none()) {
    return false;
  }
  if (!type.is_string()) {
    error(diag::Kind::WrongArgumentType, call.args[index]->range(),
          {std::to_string(index + 1), call.callee, "a string", type.name()});
    return false;
  }
  return true;
}

Type TypeChecker::check_strncmp(const ast::Call& call,
                                const std::vector<Type>& args) {
  // Both arguments are checked, so both are reported.
  const bool first = require_string(call, 0, args[0]);
  const bool strings = require_string(call, 1, args[1]) && first;
  std::optional<int64_t> length = constant_value(call.args[2]);
  if (!length || *length < 0) {
    error(diag::Kind::ArgumentNotLiteral, call.args[2]->range(),
          {"3", call.callee, "a non-negative integer"});
    return Type::none();
  }
  checked_.constants[&call] = static_cast<uint64_t>(*length);
  return strings ? Type::u64() : Type::none();
}

Type TypeChecker::check_buf(const ast::Call& call,
                            const std::vector<Type>& args) {
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

} // namespace sonde::sema
