// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"
#include "ast/context.h"
#include "diag/engine.h"
#include "source/source_buffer.h"

#include <cstdint>
#include <vector>

// State shared by the generated lexer and parser of one parse() call. It is
// private to sonde_parse; nothing in it is global, so parses on different
// threads never share anything.
namespace sonde::parse::detail {

// The deepest nesting of brackets, blocks and expressions the parser
// accepts; deeper input gets NestingTooDeep instead of exhausting the stack
// of later recursive passes.
inline constexpr uint32_t kMaxNesting = 256;

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
  // Open '{' of the probe body being lexed; 0 at the top level.
  uint32_t brace_depth = 0;
  // Open brackets of every kind, for the nesting limit.
  uint32_t bracket_depth = 0;
  // The lexer is between the '/' that opens a predicate and its end.
  bool in_predicate = false;
  bool stopped = false;

  // End offsets and kinds (Parser::symbol_kind_type values) of the last
  // token handed to the parser and of the one before it, for "missing ';'"
  // hints. A kind of -1 means no token.
  uint32_t last_end = 0;
  uint32_t prev_end = 0;
  int last_kind = -1;
  int prev_kind = -1;

  // Probes are collected as they are reduced, so a parse that gives up
  // early still returns the probes before the error.
  std::vector<ast::Probe*> probes;
};

} // namespace sonde::parse::detail
