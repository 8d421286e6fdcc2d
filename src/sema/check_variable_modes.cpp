// SPDX-License-Identifier: Apache-2.0
// nsecs(boot|monotonic|tai|sw_tai), pid(curr_ns|init), tid(curr_ns|init):
// a builtin variable with a mode, named by a bare identifier.
#include "sema/type_checker.h"
#include "sema/variable_modes.h"

#include <span>

namespace sonde::sema {

namespace {

std::string mode_list(std::span<const std::string_view> modes) {
  std::string list;
  for (size_t i = 0; i < modes.size(); ++i) {
    list += i == 0 ? "" : i + 1 == modes.size() ? " or " : ", ";
    list += modes[i];
  }
  return list;
}

} // namespace

Type TypeChecker::check_variable_mode(const ast::Call& call,
                                      const FunctionSignature& signature) {
  if (!check_argument_count(call, signature)) {
    return Type::none();
  }
  const bool clock = signature.function == BuiltinFunction::NsecsOf;
  std::span<const std::string_view> modes =
      clock ? std::span<const std::string_view>(kClockModes)
            : std::span<const std::string_view>(kPidNamespaces);
  uint64_t mode = 0;
  if (!call.args.empty()) {
    const auto* name = ast::dyn_cast<ast::Builtin>(call.args[0]);
    auto found = name == nullptr
                     ? modes.end()
                     : std::find(modes.begin(), modes.end(), name->name);
    if (found == modes.end()) {
      error(diag::Kind::VariableModeUnknown, call.args[0]->range(),
            {call.callee, mode_list(modes)});
      return Type::none();
    }
    mode = static_cast<uint64_t>(found - modes.begin());
  }
  checked_.constants[&call] = mode;
  return clock ? Type::u64() : Type::integer(4, false);
}

} // namespace sonde::sema
