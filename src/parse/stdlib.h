// SPDX-License-Identifier: Apache-2.0
// The standard library: the modules in stdlib/*.bt, embedded in the binary
// at build time (cmake/stdlib.py writes their text and a name-to-module
// index), so nothing is read or parsed at start-up. parse/imports.cpp
// imports a module by its bare name (`import "net";`) and links the
// prelude modules a script uses without importing them.
#pragma once

#include "ast/context.h"
#include "diag/engine.h"

#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sonde::parse {

struct StdlibModule {
  std::string_view name;    // "net"
  std::string_view path;    // "stdlib/net.bt", as diagnostics name it
  std::string_view summary; // The module's first line.
  bool prelude;             // Usable without an import.
  std::string_view text;
};

// One macro or fn of a module.
struct StdlibEntry {
  std::string_view name;
  unsigned arity;
  const StdlibModule* module;
};

// In name order (generated).
std::span<const StdlibModule> stdlib_modules();
// Sorted by name (generated).
std::span<const StdlibEntry> stdlib_entries();

// The module `import "NAME";` names; null when there is none.
const StdlibModule* find_stdlib_module(std::string_view name);
// The module that defines a macro or fn called `name`; null when none does.
// A name used bare (not `called`) only finds an entry without parameters.
const StdlibModule* stdlib_module_defining(std::string_view name, bool called);
// Whether `import "NAME";` names a stdlib module rather than a file: no '/'
// and no '.'.
bool is_stdlib_module_name(std::string_view name);
// "block, errno, fs, net, signal" for hints.
std::string stdlib_module_list();

// The stdlib modules the program needs and does not have yet: for each
// macro or fn the program calls (or names as a bare identifier) without
// defining it, the module defining it. A prelude module is returned for
// linking; a name from a module that must be imported is reported, with a
// hint naming the import. Returns false after reporting.
bool stdlib_modules_needed(const ast::Program& program,
                           diag::DiagnosticEngine& diag,
                           std::vector<const StdlibModule*>& needed);

} // namespace sonde::parse
