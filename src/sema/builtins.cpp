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

std::optional<unsigned> register_argument(const std::string& name) {
  if (name.size() < 4 || name.compare(0, 3, "arg") != 0) {
    return std::nullopt;
  }
  unsigned index = 0;
  for (size_t i = 3; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || index > 1000) {
      return std::nullopt;
    }
    index = index * 10 + (name[i] - '0');
  }
  return index;
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
