// SPDX-License-Identifier: Apache-2.0
// Finding stdlib modules by name and by the names a script uses. The texts
// and the index are generated (cmake/stdlib.py); this file only searches
// them, and walks the program for the names it calls.
#include "parse/stdlib.h"

#include <algorithm>

namespace sonde::parse {

namespace {

// Every name the program calls or uses bare, with the first place it does.
// A bare identifier that is a parameter of the macro it is in is the
// argument, not a use.
class UsedNames {
public:
  void add_node(const ast::Node* node, const std::set<std::string>& params) {
    std::vector<const ast::Node*> stack{node};
    std::vector<ast::Node*> kids;
    while (!stack.empty()) {
      const ast::Node* current = stack.back();
      stack.pop_back();
      if (const auto* call = ast::dyn_cast<ast::Call>(current)) {
        add(call->callee, call->callee_range);
      } else if (const auto* bare = ast::dyn_cast<ast::Builtin>(current)) {
        if (!params.contains(bare->name)) {
          add(bare->name, bare->range());
        }
      }
      kids.clear();
      ast::collect_children(const_cast<ast::Node*>(current), kids);
      for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
        stack.push_back(*it);
      }
    }
  }

  const std::vector<std::pair<std::string, SourceRange>>& names() const {
    return names_;
  }

private:
  void add(const std::string& name, SourceRange range) {
    if (seen_.insert(name).second) {
      names_.emplace_back(name, range);
    }
  }

  std::set<std::string> seen_;
  std::vector<std::pair<std::string, SourceRange>> names_;
};

} // namespace

const StdlibModule* find_stdlib_module(std::string_view name) {
  for (const StdlibModule& module : stdlib_modules()) {
    if (module.name == name) {
      return &module;
    }
  }
  return nullptr;
}

const StdlibModule* stdlib_module_defining(std::string_view name) {
  std::span<const StdlibEntry> entries = stdlib_entries();
  auto found =
      std::lower_bound(entries.begin(), entries.end(), name,
                       [](const StdlibEntry& entry, std::string_view key) {
                         return entry.name < key;
                       });
  return found != entries.end() && found->name == name ? found->module
                                                       : nullptr;
}

bool is_stdlib_module_name(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos &&
         name.find('.') == std::string_view::npos;
}

std::string stdlib_module_list() {
  std::string list;
  std::span<const StdlibModule> modules = stdlib_modules();
  for (size_t i = 0; i < modules.size(); ++i) {
    if (i > 0) {
      list += i + 1 == modules.size() ? " and " : ", ";
    }
    list += "'" + std::string(modules[i].name) + "'";
  }
  return list;
}

bool stdlib_modules_needed(const ast::Program& program,
                           diag::DiagnosticEngine& diag,
                           std::vector<const StdlibModule*>& needed) {
  std::set<std::string> defined;
  UsedNames used;
  for (const ast::MacroDef* macro : program.macros) {
    defined.insert(macro->name);
    std::set<std::string> params;
    for (const ast::MacroParam& param : macro->params) {
      if (param.kind == ast::MacroParam::Kind::Ident) {
        params.insert(param.name);
      }
    }
    used.add_node(macro->body, params);
  }
  for (const ast::FunctionDef* function : program.functions) {
    defined.insert(function->name);
    used.add_node(function->body, {});
  }
  for (const ast::Probe* probe : program.probes) {
    used.add_node(probe, {});
  }
  bool ok = true;
  for (const auto& [name, range] : used.names()) {
    if (defined.contains(name)) {
      continue;
    }
    const StdlibModule* module = stdlib_module_defining(name);
    if (module == nullptr) {
      continue;
    }
    if (!module->prelude) {
      diag.build(diag::Kind::StdlibNotImported, range,
                 {name, std::string(module->name)})
          .hint(diag::Kind::StdlibImportHint, {std::string(module->name)})
          .emit();
      ok = false;
      continue;
    }
    if (std::find(needed.begin(), needed.end(), module) == needed.end()) {
      needed.push_back(module);
    }
  }
  return ok;
}

} // namespace sonde::parse
