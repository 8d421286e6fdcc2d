// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types/types.h"

#include <optional>
#include <string>
#include <vector>

namespace sonde::sema {

enum class BuiltinVariable : uint8_t {
#define VARIABLE(Enum, Name, Type) Enum,
#include "sema/builtins.def"
};

enum class BuiltinFunction : uint8_t {
#define FUNCTION(Enum, Name, MinArgs, MaxArgs) Enum,
#include "sema/builtins.def"
};

struct FunctionSignature {
  BuiltinFunction function;
  const char* name;
  unsigned min_args;
  unsigned max_args;
};

// Also finds the raw `__builtin_NAME` forms (raw_builtin_name).
std::optional<BuiltinVariable> find_variable(const std::string& name);
// "comm" for "__builtin_comm" and the other raw names SPEC lists; nullopt
// for other names.
std::optional<std::string> raw_builtin_name(const std::string& name);
types::Type variable_type(BuiltinVariable variable);
std::optional<FunctionSignature> find_function(const std::string& name);

// Names for "did you mean" hints.
std::vector<std::string> variable_names();
std::vector<std::string> function_names();

// For `arg0`..`arg5`: the argument's index; nullopt for other names.
// Arguments past the sixth live on the stack, not in registers.
std::optional<unsigned> register_argument(const std::string& name);
inline constexpr unsigned kRegisterArguments = 6;
// A raw tracepoint passes at most 12 u64 arguments (MAX_BPF_FUNC_ARGS).
inline constexpr unsigned kRawTracepointArguments = 12;

// reg("name"): the offset of an x86_64 register in struct pt_regs ("pc" is
// "ip"); nullopt for unknown names.
std::optional<unsigned> register_offset(const std::string& name);

// signal(): "SIGKILL", "KILL" or "9" as a signal number; nullopt when it
// names none.
std::optional<int> signal_number(const std::string& name);

} // namespace sonde::sema
