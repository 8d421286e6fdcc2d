// SPDX-License-Identifier: Apache-2.0
#include "sema/builtins.h"

#include <csignal>
#include <cstdlib>
#include <string_view>
#include <utility>

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

struct SignalName {
  const char* name;
  int number;
};

constexpr SignalName kSignals[] = {
    {"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},     {"SIGQUIT", SIGQUIT},
    {"SIGILL", SIGILL},   {"SIGTRAP", SIGTRAP},   {"SIGABRT", SIGABRT},
    {"SIGBUS", SIGBUS},   {"SIGFPE", SIGFPE},     {"SIGKILL", SIGKILL},
    {"SIGUSR1", SIGUSR1}, {"SIGSEGV", SIGSEGV},   {"SIGUSR2", SIGUSR2},
    {"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM},   {"SIGTERM", SIGTERM},
    {"SIGCHLD", SIGCHLD}, {"SIGCONT", SIGCONT},   {"SIGSTOP", SIGSTOP},
    {"SIGTSTP", SIGTSTP}, {"SIGTTIN", SIGTTIN},   {"SIGTTOU", SIGTTOU},
    {"SIGURG", SIGURG},   {"SIGXCPU", SIGXCPU},   {"SIGXFSZ", SIGXFSZ},
    {"SIGPROF", SIGPROF}, {"SIGWINCH", SIGWINCH}, {"SIGIO", SIGIO},
    {"SIGSYS", SIGSYS},
};

} // namespace

std::optional<unsigned> register_offset(const std::string& name) {
  // x86_64 struct pt_regs.
  static const std::pair<const char*, unsigned> kRegisters[] = {
      {"r15", 0},       {"r14", 8},  {"r13", 16}, {"r12", 24}, {"bp", 32},
      {"bx", 40},       {"r11", 48}, {"r10", 56}, {"r9", 64},  {"r8", 72},
      {"ax", 80},       {"cx", 88},  {"dx", 96},  {"si", 104}, {"di", 112},
      {"orig_ax", 120}, {"ip", 128}, {"pc", 128}, {"cs", 136}, {"flags", 144},
      {"sp", 152},      {"ss", 160},
  };
  for (const auto& [register_name, offset] : kRegisters) {
    if (name == register_name) {
      return offset;
    }
  }
  return std::nullopt;
}

std::optional<int> signal_number(const std::string& name) {
  if (!name.empty() && name[0] >= '0' && name[0] <= '9') {
    int number = std::atoi(name.c_str());
    if (number > 0 && number < 65) {
      return number;
    }
    return std::nullopt;
  }
  for (const SignalName& signal : kSignals) {
    if (name == signal.name || name == signal.name + 3) {
      return signal.number;
    }
  }
  return std::nullopt;
}

std::optional<BuiltinVariable> find_variable(const std::string& name) {
  for (const VariableEntry& entry : kVariables) {
    if (name == entry.name) {
      return entry.variable;
    }
  }
  if (std::optional<std::string> aliased = raw_builtin_name(name)) {
    return find_variable(*aliased);
  }
  return std::nullopt;
}

std::optional<std::string> raw_builtin_name(const std::string& name) {
  // The raw names bpftrace's stdlib macros are built on.
  static const char* const kRawNames[] = {
      "comm",      "cpid",   "cpu",      "elapsed",   "func", "ncpus", "probe",
      "probetype", "retval", "usermode", "safe_mode", "arch", "config"};
  constexpr std::string_view kPrefix = "__builtin_";
  if (!name.starts_with(kPrefix)) {
    return std::nullopt;
  }
  std::string rest = name.substr(kPrefix.size());
  for (const char* raw : kRawNames) {
    if (rest == raw) {
      return rest;
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
