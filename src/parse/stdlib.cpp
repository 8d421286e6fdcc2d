// SPDX-License-Identifier: Apache-2.0
// Finding stdlib modules by name and by the names a script uses. The texts
// and the index are generated (cmake/stdlib.py); this file only searches
// them, and walks the program for the names it calls.
#include "parse/stdlib.h"

#include <algorithm>
#include <map>

namespace sonde::parse {

namespace {

// Every name the program calls or uses bare, with the first place it does
// and whether it is ever called. A bare identifier that is a parameter of
// the macro it is in is the argument, not a use.
class UsedNames {
public:
  void add_node(const ast::Node* node, const std::set<std::string>& params) {
    std::vector<const ast::Node*> stack{node};
    std::vector<ast::Node*> kids;
    while (!stack.empty()) {
      const ast::Node* current = stack.back();
      stack.pop_back();
      if (const auto* call = ast::dyn_cast<ast::Call>(current)) {
        add(call->callee, call->callee_range, /*called=*/true);
      } else if (const auto* bare = ast::dyn_cast<ast::Builtin>(current)) {
        if (!params.contains(bare->name)) {
          add(bare->name, bare->range(), /*called=*/false);
        }
      }
      kids.clear();
      ast::collect_children(const_cast<ast::Node*>(current), kids);
      for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
        stack.push_back(*it);
      }
    }
  }

  struct Use {
    std::string name;
    SourceRange range;
    bool called;
  };

  const std::vector<Use>& names() const { return names_; }

private:
  void add(const std::string& name, SourceRange range, bool called) {
    auto [at, inserted] = seen_.emplace(name, names_.size());
    if (inserted) {
      names_.push_back({name, range, called});
    } else if (called && !names_[at->second].called) {
      names_[at->second] = {name, range, called};
    }
  }

  std::map<std::string, size_t> seen_;
  std::vector<Use> names_;
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

const StdlibModule* stdlib_module_defining(std::string_view name, bool called) {
  std::span<const StdlibEntry> entries = stdlib_entries();
  auto found =
      std::lower_bound(entries.begin(), entries.end(), name,
                       [](const StdlibEntry& entry, std::string_view key) {
                         return entry.name < key;
                       });
  // Used bare, a name is a call of no arguments: `comm` stays the builtin
  // although stdlib defines comm(pid).
  for (; found != entries.end() && found->name == name; ++found) {
    if (called || found->arity == 0) {
      return found->module;
    }
  }
  return nullptr;
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
  for (const auto& [name, range, called] : used.names()) {
    if (defined.contains(name)) {
      continue;
    }
    const StdlibModule* module = stdlib_module_defining(name, called);
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
