// SPDX-License-Identifier: Apache-2.0
// strlen, strstr, memcmp, str_concat, strcap and assert_str. Strings are
// `string[N]` values and, where a function reads memory, arrays of and
// pointers to 1-byte integers ("string-like" values).
#include "sema/type_checker.h"

namespace sonde::sema {

namespace {

bool char_like(const Type& type) {
  return type.is_integer() && type.size() == 1;
}

// A string or char array the program holds: its bytes are read in place.
bool held_string(const Type& type) {
  return type.is_string() || (type.is_array() && char_like(type.element()));
}

} // namespace

bool TypeChecker::require_string_like(const ast::Call& call,
                                      size_t index,
                                      const Type& type,
                                      bool allow_pointer) {
  if (type.is_none()) {
    return false;
  }
  if (held_string(type) ||
      (allow_pointer && type.is_pointer() && char_like(type.pointee()))) {
    return true;
  }
  if (allow_pointer) {
    error(diag::Kind::NotStringLike, call.args[index]->range(),
          {call.callee, type.name()});
  } else {
    error(diag::Kind::WrongArgumentType, call.args[index]->range(),
          {std::to_string(index + 1), call.callee,
           "a string or an array of 1-byte integers", type.name()});
  }
  return false;
}

Type TypeChecker::check_strlen(const ast::Call& call,
                               const std::vector<Type>& args) {
  return require_string_like(call, 0, args[0], true) ? Type::u64()
                                                     : Type::none();
}

Type TypeChecker::check_strcap(const ast::Call& call,
                               const std::vector<Type>& args) {
  if (!require_string_like(call, 0, args[0], true)) {
    return Type::none();
  }
  // The capacity of a held value is known now; a pointer's is its length,
  // read when the probe runs.
  if (args[0].is_string()) {
    checked_.constants[&call] = args[0].size();
  } else if (args[0].is_array()) {
    checked_.constants[&call] = args[0].element_count();
  }
  return Type::s64();
}

Type TypeChecker::check_assert_str(const ast::Call& call,
                                   const std::vector<Type>& args) {
  require_string_like(call, 0, args[0], true);
  return Type::none();
}

Type TypeChecker::check_strstr(const ast::Call& call,
                               const std::vector<Type>& args) {
  const bool first = require_string_like(call, 0, args[0], false);
  const bool second = require_string_like(call, 1, args[1], false);
  return first && second ? Type::s64() : Type::none();
}

Type TypeChecker::check_str_concat(const ast::Call& call,
                                   const std::vector<Type>& args) {
  const bool first = require_string_like(call, 0, args[0], false);
  const bool second = require_string_like(call, 1, args[1], false);
  if (!first || !second) {
    return Type::none();
  }
  // Both texts share one NUL.
  return Type::string(args[0].size() + args[1].size() - 1);
}

Type TypeChecker::check_memcmp(const ast::Call& call,
                               const std::vector<Type>& args) {
  bool ok = true;
  for (size_t i = 0; i < 2; ++i) {
    if (args[i].is_none()) {
      ok = false;
    } else if (!args[i].in_memory() || args[i].is_buffer() ||
               args[i].is_stack() || args[i].is_formatted()) {
      error(diag::Kind::WrongArgumentType, call.args[i]->range(),
            {std::to_string(i + 1), call.callee,
             "a string, an array or a struct", args[i].name()});
      ok = false;
    }
  }
  if (!require_integer(call, 2, args[2]) || !ok) {
    return Type::none();
  }
  if (std::optional<int64_t> count = fold_constant(call.args[2])) {
    for (size_t i = 0; i < 2; ++i) {
      if (*count < 0 || static_cast<uint64_t>(*count) > args[i].size()) {
        error(diag::Kind::MemcmpTooLong, call.args[2]->range(),
              {std::to_string(*count), std::to_string(i + 1),
               std::to_string(args[i].size())});
        return Type::none();
      }
    }
  }
  return Type::s64();
}

} // namespace sonde::sema
