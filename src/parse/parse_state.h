// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"
#include "ast/context.h"
#include "diag/engine.h"
#include "source/source_buffer.h"

#include <cstdint>
#include <string>
#include <vector>

// State shared by the generated lexer and parser of one parse() call. It is
// private to sonde_parse; nothing in it is global, so parses on different
// threads never share anything.
namespace sonde::parse::detail {

// The deepest nesting of brackets and blocks the lexer accepts, and the
// deepest expression tree the parser accepts (operator chains such as
// `pid == 1 || pid == 2 || ...` nest without brackets, one level per
// operator). Deeper input gets NestingTooDeep instead of exhausting the
// stack of later recursive passes, which need about 1 KiB per level.
inline constexpr uint32_t kMaxNesting = 256;
inline constexpr uint32_t kMaxExpressionDepth = 4096;

struct ParseState {
  ParseState(const SourceBuffer& source,
             ast::Context& context,
             diag::DiagnosticEngine& diag)
      : source(source), context(context), diag(diag) {}

  // Called by the lexer before each rule's action: the matched text spans
  // [offset, offset + length).
  void begin_token(uint32_t length) {
    token = {offset, offset + length};
    offset += length;
  }

  // Counts an opening '(', '[' or '{'. Past kMaxNesting it reports
  // NestingTooDeep, stops the lexer and returns false.
  bool open_bracket();
  void close_bracket();

  // Whether the '/' just lexed inside a predicate closes it: only
  // whitespace and comments stand between it and a '{'.
  bool predicate_ends_here() const;

  // Whether the identifier that ends at `offset` is followed by one or
  // more '*' and then ')' (`(pid_t *)x`): such an identifier can only be a
  // type name.
  bool followed_by_stars_and_rparen() const;

  // What a top-level keyword that ends at `offset` is followed by, which
  // decides whether it starts an item or is an attach point: `= {`
  // (config), a string (import), white space and an identifier (macro,
  // fn), white space and a map or variable (let), white space (struct,
  // union, enum).
  bool followed_by_config_block() const;
  bool followed_by_string() const;
  bool followed_by_space_and_identifier() const;
  bool followed_by_space_and_variable() const;
  bool followed_by_space() const;

  // The length of the first word of a top-level item (a probe, macro, fn,
  // config block or root map declaration) that starts at `begin`, at the
  // very start of a line, while a probe body or another top-level item is
  // still open; 0 when there is none. The lexer uses it to recover from a
  // missing '}' (or ';') at the next item instead of reading the item as
  // statements.
  uint32_t top_level_item_at(uint32_t begin) const;

  // Stops lexing after a fatal lexer error: only end of input follows, and
  // the syntax error it would cause is not reported.
  void stop() { stopped = true; }

  // An empty range just after the last token, where "end of input" is
  // reported.
  SourceRange end_of_input() const { return {last_end, last_end}; }

  const SourceBuffer& source;
  ast::Context& context;
  diag::DiagnosticEngine& diag;

  // The Flex scanner (a yyscan_t).
  void* scanner = nullptr;

  // Lexer position: the next byte to read and the token just matched.
  uint32_t offset = 0;
  SourceRange token;
  // Open '{' of the probe body or top-level item being lexed; 0 at the top
  // level. open_braces holds their offsets, innermost last.
  uint32_t brace_depth = 0;
  std::vector<uint32_t> open_braces;
  // Open brackets of every kind, for the nesting limit.
  uint32_t bracket_depth = 0;
  // The lexer is between the '/' that opens a predicate and its end.
  bool in_predicate = false;
  // The lexer is inside a top-level item other than a probe (config,
  // import, macro, fn, root `let`); it returns to the top level at the
  // ';' or '}' that ends it.
  bool top_item = false;
  bool stopped = false;
  // Synthetic '}' tokens still to hand to the parser after a missing '}'
  // was found (they have empty ranges).
  uint32_t pending_rbraces = 0;

  // A C definition (`struct X {...};`) being lexed: where its keyword
  // starts, its '{' depth, and where its text ends so far.
  uint32_t cdef_begin = 0;
  uint32_t cdef_keyword_end = 0;
  uint32_t cdef_depth = 0;
  uint32_t cdef_paren = 0;
  uint32_t cdef_end = 0;

  // End offsets and kinds (Parser::symbol_kind_type values) of the last
  // token handed to the parser and of the one before it, for "missing ';'"
  // hints. A kind of -1 means no token.
  uint32_t last_end = 0;
  uint32_t prev_end = 0;
  int last_kind = -1;
  int prev_kind = -1;
  SourceRange last_range;
  SourceRange prev_range;
  // An `if` or `while` (condition_word) has been read and its '{' has not:
  // the parser is in its condition.
  bool in_condition = false;
  const char* condition_word = "if";
  // The identifier (or keyword-like attach point at the top level) that
  // started the current statement, for "did you mean 'while'?" hints.
  std::string stmt_word;
  SourceRange stmt_word_range;
  bool stmt_word_top_level = false;

  // Top-level items, collected as they are reduced so that a parse that
  // gives up early still returns what came before the error.
  std::vector<ast::Node*> items;
  std::vector<ast::Probe*> probes;
  std::vector<ast::CDefinition> c_definitions;
  std::vector<ast::Config*> configs;
  std::vector<ast::Import*> imports;
  std::vector<ast::MacroDef*> macros;
  std::vector<ast::FunctionDef*> functions;
  std::vector<ast::MapDecl*> map_decls;
  // The CDefinitions node, created at the first C definition and placed in
  // `items` there.
  ast::CDefinitions* c_definitions_node = nullptr;
};

} // namespace sonde::parse::detail
