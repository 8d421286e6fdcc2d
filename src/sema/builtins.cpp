// SPDX-License-Identifier: Apache-2.0
#include "sema/builtins.h"

namespace sonde::sema {

namespace {
struct VariableEntry {
  BuiltinVariable variable;
  const char* name;
};

constexpr VariableEntry kVariables[] = {
#define VARIABLE(Enum, Name, Type) {BuiltinVariable::Enum, Name},
#include "sema/builtins.def"
};

constexpr FunctionSignature kFunctions[] = {
#define FUNCTION(Enum, Name, MinArgs, MaxArgs)                                 \
  {BuiltinFunction::Enum, Name, MinArgs, MaxArgs},
#include "sema/builtins.def"
};
} // namespace

std::optional<BuiltinVariable> find_variable(const std::string& name) {
  for (const VariableEntry& entry : kVariables) {
    if (name == entry.name) {
      return entry.variable;
    }
  }
  return std::nullopt;
}

types::Type variable_type(BuiltinVariable variable) {
  switch (variable) {
#define VARIABLE(Enum, Name, Type)                                             \
  case BuiltinVariable::Enum:                                                  \
    return Type;
#include "sema/builtins.def"
  }
  return types::Type::none();
}

std::optional<FunctionSignature> find_function(const std::string& name) {
  for (const FunctionSignature& entry : kFunctions) {
    if (name == entry.name) {
      return entry;
    }
  }
  return std::nullopt;
}

std::vector<std::string> variable_names() {
  std::vector<std::string> names;
  for (const VariableEntry& entry : kVariables) {
    names.emplace_back(entry.name);
  }
  return names;
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  for (const FunctionSignature& entry : kFunctions) {
    names.emplace_back(entry.name);
  }
  return names;
}

} // namespace sonde::sema
