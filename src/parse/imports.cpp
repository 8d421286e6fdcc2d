// SPDX-License-Identifier: Apache-2.0
// Resolving `import "path";`: imported scripts are parsed into the same
// SourceBuffer (so diagnostics name their file and line) and merged into
// the program before macros are expanded.
#include "parse/imports.h"

#include "base/source_file.h"
#include "parse/parse.h"
#include "parse/stdlib.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>
#include <sys/stat.h>

namespace sonde::parse {

namespace fs = std::filesystem;

namespace {

// The `import` statements inside blocks (unstable; sema decides whether
// they are allowed), in source order.
void collect_block_imports(ast::Node* node, std::vector<ast::Import*>& out) {
  std::vector<ast::Node*> stack{node};
  std::vector<ast::Node*> kids;
  while (!stack.empty()) {
    ast::Node* current = stack.back();
    stack.pop_back();
    if (auto* import = ast::dyn_cast<ast::Import>(current)) {
      out.push_back(import);
      continue;
    }
    kids.clear();
    ast::collect_children(current, kids);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
      stack.push_back(*it);
    }
  }
}

bool has_suffix(const std::string& name, std::string_view suffix) {
  return name.size() > suffix.size() && name.ends_with(suffix);
}

class Importer {
public:
  Importer(ast::Program& program,
           SourceBuffer& source,
           ast::Context& context,
           diag::DiagnosticEngine& diag)
      : program_(program), source_(source), context_(context), diag_(diag) {}

  void mark_seen(const std::string& path) {
    std::error_code error;
    fs::path real = fs::canonical(path, error);
    if (!error) {
      seen_.insert(real.string());
    }
  }

  // Imports what `imports` name, relative to `dir`.
  void import_all(const std::vector<ast::Import*>& imports,
                  const fs::path& dir) {
    for (const ast::Import* import : imports) {
      import_one(*import, dir);
    }
  }

  // The script's own macros and fns come after the imported ones, and
  // those after the stdlib's, so that the script's win when signatures
  // collide, then those of the files it imports.
  void finish() {
    program_.macros = joined(stdlib_macros_, imported_macros_, program_.macros);
    program_.functions =
        joined(stdlib_functions_, imported_functions_, program_.functions);
  }

  // Links the prelude modules the program uses without defining or
  // importing what it uses, until they need no more.
  bool link_stdlib() {
    for (;;) {
      std::vector<const StdlibModule*> needed;
      if (!stdlib_modules_needed(program_, diag_, needed)) {
        return false;
      }
      if (needed.empty()) {
        return true;
      }
      for (const StdlibModule* module : needed) {
        import_module(*module);
      }
      finish();
    }
  }

private:
  void import_one(const ast::Import& import, const fs::path& dir) {
    // A bare name is a stdlib module; a file or directory of that name is
    // imported as before when no module has it.
    if (is_stdlib_module_name(import.path)) {
      if (const StdlibModule* module = find_stdlib_module(import.path)) {
        import_module(*module);
        return;
      }
      struct stat info{};
      if (stat((dir / import.path).c_str(), &info) != 0) {
        diag_
            .build(diag::Kind::StdlibUnknownModule, import.path_range,
                   {import.path})
            .hint(diag::Kind::StdlibModulesHint, {stdlib_module_list()})
            .emit();
        return;
      }
    }
    fs::path path = fs::path(import.path).is_absolute() ? fs::path(import.path)
                                                        : (dir / import.path);
    path = path.lexically_normal();
    struct stat info{};
    if (stat(path.c_str(), &info) != 0) {
      diag_
          .build(diag::Kind::ImportNotFound, import.path_range,
                 {import.path, path.string(), std::strerror(errno)})
          .emit();
      return;
    }
    if (S_ISDIR(info.st_mode)) {
      if (!safe_directory(import, path)) {
        return;
      }
      std::vector<fs::path> files;
      std::error_code error;
      for (const fs::directory_entry& entry :
           fs::directory_iterator(path, error)) {
        std::string name = entry.path().filename().string();
        if (entry.is_regular_file() &&
            (has_suffix(name, ".bt") || has_suffix(name, ".h"))) {
          files.push_back(entry.path());
        }
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) {
        import_file(import, file);
      }
      return;
    }
    if (!safe_directory(import, path.parent_path().empty()
                                    ? fs::path(".")
                                    : path.parent_path())) {
      return;
    }
    import_file(import, path);
  }

  // Anyone could plant a script in a world-writable directory.
  bool safe_directory(const ast::Import& import, const fs::path& dir) {
    struct stat info{};
    if (stat(dir.c_str(), &info) == 0 && (info.st_mode & S_IWOTH) != 0) {
      diag_
          .build(diag::Kind::ImportWorldWritable, import.path_range,
                 {import.path, dir.string()})
          .hint(diag::Kind::ImportWorldWritableHint, {dir.string()})
          .emit();
      return false;
    }
    return true;
  }

  void import_file(const ast::Import& import, const fs::path& path) {
    std::error_code error;
    fs::path real = fs::canonical(path, error);
    if (error) {
      diag_
          .build(diag::Kind::ImportNotFound, import.path_range,
                 {import.path, path.string(), error.message()})
          .emit();
      return;
    }
    if (!seen_.insert(real.string()).second) {
      return; // Imported already (or a cycle back to an importer).
    }
    const std::string name = path.filename().string();
    if (has_suffix(name, ".bpf.c")) {
      diag_.build(diag::Kind::ImportBpfC, import.path_range, {import.path})
          .emit();
      return;
    }
    if (llvm::Error problem = check_source_file(real.string())) {
      diag_
          .build(diag::Kind::ImportNotFound, import.path_range,
                 {import.path, path.string(), error_text(std::move(problem))})
          .emit();
      return;
    }
    if (has_suffix(name, ".h")) {
      add_c_definition({ast::CDefinition::Kind::Preprocessor, "",
                        "#include \"" + real.string() + "\"", import.range()});
      return;
    }
    if (!has_suffix(name, ".bt")) {
      diag_
          .build(diag::Kind::ImportUnknownKind, import.path_range,
                 {import.path})
          .emit();
      return;
    }
    Result<std::string> text = read_source_file(path.string());
    if (!text) {
      diag_
          .build(diag::Kind::ImportNotFound, import.path_range,
                 {import.path, path.string(), error_text(text.takeError())})
          .emit();
      return;
    }
    if (size_t nul = text->find('\0'); nul != std::string::npos) {
      diag_
          .build(diag::Kind::ImportNotFound, import.path_range,
                 {import.path, path.string(),
                  "it contains a NUL byte at offset " + std::to_string(nul) +
                      "; scripts are text"})
          .emit();
      return;
    }
    import_text(path.string(), *text, path.parent_path(), false);
  }

  void import_module(const StdlibModule& module) {
    if (!seen_.insert("stdlib:" + std::string(module.name)).second) {
      return;
    }
    import_text(std::string(module.path), module.text, fs::path(), true);
  }

  // Parses `text` as the file `name` (a stdlib module or not) and merges
  // it; its own imports are relative to `dir`.
  void import_text(const std::string& name,
                   std::string_view text,
                   const fs::path& dir,
                   bool stdlib) {
    SourceRange file = source_.add_file(name, text);
    ast::Program* imported = parse_file(source_, file, context_, diag_);
    if (imported == nullptr) {
      return;
    }
    merge(*imported, stdlib);
    std::vector<ast::Import*> nested = imported->imports;
    for (ast::Node* item : imported->items) {
      if (item->kind() != ast::NodeKind::Import) {
        collect_block_imports(item, nested);
      }
    }
    import_all(nested, dir);
  }

  template <typename T>
  static std::vector<T*> joined(std::vector<T*>& first,
                                std::vector<T*>& second,
                                const std::vector<T*>& third) {
    std::vector<T*> all = std::move(first);
    all.insert(all.end(), second.begin(), second.end());
    all.insert(all.end(), third.begin(), third.end());
    first.clear();
    second.clear();
    return all;
  }

  void merge(ast::Program& imported, bool stdlib) {
    for (const ast::Config* config : imported.configs) {
      SourceRange keyword{config->range().begin, config->range().begin + 6};
      diag_.build(diag::Kind::ImportedConfig, keyword).emit();
    }
    if (imported.c_definitions != nullptr) {
      for (const ast::CDefinition& item : imported.c_definitions->items) {
        add_c_definition(item);
      }
    }
    std::vector<ast::MacroDef*>& macros =
        stdlib ? stdlib_macros_ : imported_macros_;
    macros.insert(macros.end(), imported.macros.begin(), imported.macros.end());
    std::vector<ast::FunctionDef*>& functions =
        stdlib ? stdlib_functions_ : imported_functions_;
    functions.insert(functions.end(), imported.functions.begin(),
                     imported.functions.end());
    program_.map_decls.insert(program_.map_decls.end(),
                              imported.map_decls.begin(),
                              imported.map_decls.end());
    program_.probes.insert(program_.probes.end(), imported.probes.begin(),
                           imported.probes.end());
    program_.items.insert(program_.items.end(), imported.items.begin(),
                          imported.items.end());
  }

  void add_c_definition(ast::CDefinition item) {
    if (program_.c_definitions == nullptr) {
      program_.c_definitions = context_.make<ast::CDefinitions>(
          item.range, std::vector<ast::CDefinition>{});
    }
    program_.c_definitions->items.push_back(std::move(item));
  }

  ast::Program& program_;
  SourceBuffer& source_;
  ast::Context& context_;
  diag::DiagnosticEngine& diag_;
  std::set<std::string> seen_;
  std::vector<ast::MacroDef*> imported_macros_;
  std::vector<ast::FunctionDef*> imported_functions_;
  std::vector<ast::MacroDef*> stdlib_macros_;
  std::vector<ast::FunctionDef*> stdlib_functions_;
};

} // namespace

bool resolve_imports(ast::Program& program,
                     SourceBuffer& source,
                     ast::Context& context,
                     diag::DiagnosticEngine& diag,
                     const std::string& script_dir,
                     const std::string& script_path) {
  std::vector<ast::Import*> imports = program.imports;
  for (ast::Node* item : program.items) {
    if (item->kind() != ast::NodeKind::Import) {
      collect_block_imports(item, imports);
    }
  }
  unsigned errors = diag.error_count();
  Importer importer(program, source, context, diag);
  if (!imports.empty()) {
    if (!script_path.empty()) {
      importer.mark_seen(script_path);
    }
    importer.import_all(imports, fs::path(script_dir));
    importer.finish();
  }
  if (diag.error_count() != errors) {
    return false;
  }
  return importer.link_stdlib() && diag.error_count() == errors;
}

} // namespace sonde::parse
