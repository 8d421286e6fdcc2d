// SPDX-License-Identifier: Apache-2.0
// The read_c_definitions pass: the script's C definitions and #include
// lines are parsed with libclang (loaded only when a script has them), and
// the kernel's BTF is made available, lazily, for the types scripts name.
#include "ast/visitor.h"
#include "base/source_file.h"
#include "sema/builtins.h"
#include "sema/pipeline.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <unistd.h>

namespace sonde::sema {

namespace {

// The definitions at their own script lines, so that clang's line numbers
// are the script's.
std::string text_at_script_lines(const ast::CDefinitions& definitions,
                                 const SourceBuffer* source) {
  std::string text;
  uint32_t line = 1;
  for (const ast::CDefinition& item : definitions.items) {
    uint32_t at =
        source != nullptr ? source->line_column(item.range.begin).line : line;
    for (; line < at; ++line) {
      text += '\n';
    }
    text += item.text;
    if (item.kind != ast::CDefinition::Kind::Preprocessor &&
        !item.text.ends_with(';')) {
      // The ';' after a definition is optional in scripts, not in C.
      text += ';';
    }
    text += '\n';
    line += 1 + std::count(item.text.begin(), item.text.end(), '\n');
  }
  return text;
}

// "LINE:COL: error: MESSAGE" lines from clang become located diagnostics;
// errors inside headers keep their file name.
void report_clang_errors(const std::string& errors,
                         const SourceBuffer* source,
                         SourceRange fallback,
                         diag::DiagnosticEngine& diag) {
  size_t start = 0;
  while (start < errors.size()) {
    size_t end = errors.find('\n', start);
    if (end == std::string::npos) {
      end = errors.size();
    }
    std::string line = errors.substr(start, end - start);
    start = end + 1;
    if (line.empty()) {
      continue;
    }
    unsigned line_number = 0;
    unsigned column = 0;
    auto [after_line, line_error] =
        std::from_chars(line.data(), line.data() + line.size(), line_number);
    const char* after_column = after_line;
    if (line_error == std::errc() && *after_line == ':') {
      auto [next, column_error] =
          std::from_chars(after_line + 1, line.data() + line.size(), column);
      after_column = column_error == std::errc() ? next : nullptr;
    }
    size_t message_at = line.find("error: ");
    std::string message =
        message_at == std::string::npos ? line : line.substr(message_at + 7);
    if (source == nullptr || line_error != std::errc() ||
        after_column == nullptr || line_number == 0) {
      // In a header, or not located: report at the definitions.
      diag.build(diag::Kind::CDefinitionError, fallback, {line}).emit();
      continue;
    }
    uint32_t offset =
        source->offset_of({line_number, column == 0 ? 1 : column});
    diag.build(diag::Kind::CDefinitionError, {offset, offset + 1}, {message})
        .emit();
  }
}

// Checks a file an `#include` (or --include) names before clang reads it:
// a device such as /dev/zero, a FIFO or a huge file would make clang read
// without end. `quoted` (`#include "..."`, --include) looks in the current
// directory first; then the -I directories and the system's. A header
// that is not found is left to clang, which reports it.
bool include_is_readable(const std::string& name,
                         bool quoted,
                         const btf::CParseOptions& options,
                         SourceRange range,
                         diag::DiagnosticEngine& diag) {
  std::vector<std::string> candidates;
  if (name.starts_with("/")) {
    candidates.push_back(name);
  } else {
    if (quoted) {
      candidates.push_back(name);
    }
    for (const std::string& dir : options.include_dirs) {
      candidates.push_back(dir + "/" + name);
    }
    for (const char* dir : btf::kSystemIncludeDirs) {
      candidates.push_back(std::string(dir) + "/" + name);
    }
  }
  for (const std::string& path : candidates) {
    if (::access(path.c_str(), F_OK) != 0) {
      continue;
    }
    if (llvm::Error problem = check_source_file(path)) {
      diag.build(diag::Kind::IncludeNotReadable, range,
                 {name, path, llvm::toString(std::move(problem))})
          .emit();
      return false;
    }
    break;
  }
  return true;
}

// Checks the files the script's `#include` lines and --include name.
bool includes_are_readable(const ast::CDefinitions* definitions,
                           const btf::CParseOptions& options,
                           SourceRange fallback,
                           diag::DiagnosticEngine& diag) {
  bool readable = true;
  for (const std::string& include : options.includes) {
    readable &= include_is_readable(include, true, options, fallback, diag);
  }
  if (definitions == nullptr) {
    return readable;
  }
  for (const ast::CDefinition& item : definitions->items) {
    std::string_view text = item.text;
    size_t hash = text.find_first_not_of(" \t");
    if (hash == std::string_view::npos || text[hash] != '#') {
      continue;
    }
    size_t word = text.find_first_not_of(" \t", hash + 1);
    if (word == std::string_view::npos || text.substr(word, 7) != "include") {
      continue;
    }
    size_t open = text.find_first_of("\"<", word + 7);
    if (open == std::string_view::npos) {
      continue;
    }
    char close = text[open] == '"' ? '"' : '>';
    size_t end = text.find(close, open + 1);
    if (end == std::string_view::npos) {
      continue;
    }
    readable &=
        include_is_readable(std::string(text.substr(open + 1, end - open - 1)),
                            close == '"', options, item.range, diag);
  }
  return readable;
}

// The identifiers a program's probes use that are not builtins: any may
// be a #define constant.
class IdentifierCollector : public ast::Visitor<IdentifierCollector> {
public:
  void visit_Builtin(ast::Builtin* node) {
    if (!find_variable(node->name)) {
      names.insert(node->name);
    }
  }
  std::set<std::string> names;
};

std::vector<std::string> identifiers_of(const ast::Program& program) {
  IdentifierCollector collector;
  // The visitor only reads.
  collector.visit(const_cast<ast::Program*>(&program));
  return {collector.names.begin(), collector.names.end()};
}

} // namespace

bool read_c_definitions(const ast::Program& program,
                        const SourceBuffer* source,
                        diag::DiagnosticEngine& diag,
                        CheckedProgram& checked,
                        const btf::CParseOptions& options) {
  checked.kernel_types = btf::KernelTypes::shared();
  const ast::CDefinitions* definitions = program.c_definitions;
  const bool has_definitions =
      definitions != nullptr && !definitions->items.empty();
  if (!has_definitions && options.includes.empty()) {
    return true;
  }
  const SourceRange fallback =
      has_definitions ? definitions->range() : SourceRange{0, 0};
  if (!includes_are_readable(definitions, options, fallback, diag)) {
    return false;
  }
  btf::CParseOptions parse_options = options;
  parse_options.kernel = checked.kernel_types.get();
  parse_options.identifiers = identifiers_of(program);
  Result<btf::CDefinitions> parsed = btf::parse_c_definitions(
      has_definitions ? text_at_script_lines(*definitions, source) : "",
      parse_options);
  if (!parsed) {
    report_clang_errors(llvm::toString(parsed.takeError()), source, fallback,
                        diag);
    return false;
  }
  checked.c_definitions =
      std::make_shared<btf::CDefinitions>(std::move(*parsed));
  return true;
}

} // namespace sonde::sema
