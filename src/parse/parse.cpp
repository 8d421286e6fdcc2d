// SPDX-License-Identifier: Apache-2.0
#include "parse/parse.h"

#include "base/check.h"
#include "lexer.h"
#include "parse/literals.h"
#include "parse/parse_state.h"
#include "parser.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace sonde::parse {

namespace detail {

bool ParseState::open_bracket() {
  if (++bracket_depth <= kMaxNesting) {
    return true;
  }
  diag.build(diag::Kind::NestingTooDeep, token, {std::to_string(kMaxNesting)})
      .emit();
  stop();
  return false;
}

void ParseState::close_bracket() {
  if (bracket_depth > 0) {
    --bracket_depth;
  }
}

bool ParseState::predicate_ends_here() const {
  std::string_view text = source.text();
  size_t i = offset;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
        c == '\v') {
      ++i;
    } else if (text.substr(i, 2) == "//") {
      i = text.find('\n', i);
    } else if (text.substr(i, 2) == "/*") {
      size_t close = text.find("*/", i + 2);
      i = close == std::string_view::npos ? close : close + 2;
    } else {
      return c == '{';
    }
  }
  return false;
}

// Reports a syntax error at the parser's lookahead. The message names the
// unexpected token and, when there are at most four, the tokens that would
// have been accepted; hints guess at two common slips.
void Parser::report_syntax_error(const context& ctx) const {
  symbol_kind_type token = ctx.token();
  SourceRange range = ctx.location();
  if (token == symbol_kind::S_YYUNDEF) {
    state.diag
        .build(diag::Kind::InvalidCharacter, range,
               {printable(state.source.slice(range))})
        .emit();
    return;
  }
  if (token == symbol_kind::S_YYEOF && state.stopped) {
    // The lexer already reported why the input ended early.
    return;
  }

  symbol_kind_type expected[symbol_kind::YYNTOKENS];
  int count = ctx.expected_tokens(expected, symbol_kind::YYNTOKENS);
  auto is_expected = [&](symbol_kind_type kind) {
    return std::find(expected, expected + count, kind) != expected + count;
  };

  constexpr int kMaxListed = 4;
  std::string unexpected = symbol_name(token);
  diag::DiagnosticBuilder builder = [&] {
    if (count == 0 || count > kMaxListed) {
      return state.diag.build(diag::Kind::SyntaxError, range, {unexpected});
    }
    std::string list;
    for (int i = 0; i < count; ++i) {
      if (i > 0) {
        list += " or ";
      }
      list += symbol_name(expected[i]);
    }
    return state.diag.build(diag::Kind::SyntaxErrorExpected, range,
                            {unexpected, list});
  }();

  // `=` where `==` would do, inside a predicate or parentheses
  // (`if ($x = 1)`), is most likely a comparison.
  if (token == symbol_kind::S_ASSIGN && is_expected(symbol_kind::S_EQ) &&
      (state.in_predicate || is_expected(symbol_kind::S_RPAREN))) {
    builder.hint(diag::Kind::AssignInPredicate);
  }
  // A statement that starts on a new line right where a ';' would have been
  // accepted most likely follows one whose ';' was forgotten (unless the
  // line before ended with a token that needs no ';' after it).
  auto previous = static_cast<symbol_kind_type>(state.prev_kind);
  bool previous_ends_statement = previous == symbol_kind::S_SEMI ||
                                 previous == symbol_kind::S_LBRACE ||
                                 previous == symbol_kind::S_RBRACE;
  if (is_expected(symbol_kind::S_SEMI) && !previous_ends_statement &&
      token != symbol_kind::S_YYEOF &&
      state.source.line_column(range.begin).line >
          state.source.line_column(state.prev_end).line) {
    builder.hint_at({state.prev_end, state.prev_end},
                    diag::Kind::MissingSemicolon);
  }
  builder.emit();
}

// Bison calls this only for a `syntax_error` thrown by an action or the
// lexer, and neither throws: every syntax error goes through
// report_syntax_error.
void Parser::error(const SourceRange&, const std::string& message) {
  SONDE_CHECK(false, message.c_str());
}

} // namespace detail

namespace {

using detail::kMaxNesting;

// The children of a node, in source order.
void children(ast::Node* node, std::vector<ast::Node*>& out) {
  auto add = [&](ast::Node* child) {
    if (child != nullptr) {
      out.push_back(child);
    }
  };
  switch (node->kind()) {
  case ast::NodeKind::Program:
    for (ast::Probe* probe : static_cast<ast::Program*>(node)->probes) {
      add(probe);
    }
    return;
  case ast::NodeKind::Probe: {
    auto* probe = static_cast<ast::Probe*>(node);
    for (ast::AttachPoint* ap : probe->attach_points) {
      add(ap);
    }
    add(probe->predicate);
    add(probe->body);
    return;
  }
  case ast::NodeKind::Block:
    for (ast::Stmt* stmt : static_cast<ast::Block*>(node)->stmts) {
      add(stmt);
    }
    return;
  case ast::NodeKind::ExprStmt:
    add(static_cast<ast::ExprStmt*>(node)->expr);
    return;
  case ast::NodeKind::AssignVar: {
    auto* assign = static_cast<ast::AssignVar*>(node);
    add(assign->target);
    add(assign->value);
    return;
  }
  case ast::NodeKind::AssignMap: {
    auto* assign = static_cast<ast::AssignMap*>(node);
    add(assign->target);
    add(assign->value);
    return;
  }
  case ast::NodeKind::If: {
    auto* stmt = static_cast<ast::If*>(node);
    add(stmt->cond);
    add(stmt->then_block);
    add(stmt->else_block);
    return;
  }
  case ast::NodeKind::MapAccess:
    for (ast::Expr* key : static_cast<ast::MapAccess*>(node)->keys) {
      add(key);
    }
    return;
  case ast::NodeKind::Binary: {
    auto* binary = static_cast<ast::Binary*>(node);
    add(binary->lhs);
    add(binary->rhs);
    return;
  }
  case ast::NodeKind::Unary:
    add(static_cast<ast::Unary*>(node)->operand);
    return;
  case ast::NodeKind::Call:
    for (ast::Expr* arg : static_cast<ast::Call*>(node)->args) {
      add(arg);
    }
    return;
  case ast::NodeKind::FieldAccess:
    add(static_cast<ast::FieldAccess*>(node)->base);
    return;
  case ast::NodeKind::AttachPoint:
  case ast::NodeKind::IntLiteral:
  case ast::NodeKind::StringLiteral:
  case ast::NodeKind::Builtin:
  case ast::NodeKind::Variable:
    return;
  }
}

// Finds the first node nested deeper than kMaxNesting blocks and
// expressions, without recursing: brackets are capped by the lexer, but
// long operator chains (`1+1+...`, `- - - x`) nest without them, and every
// later pass walks the tree recursively.
ast::Node* too_deep(ast::Program* program) {
  std::vector<std::pair<ast::Node*, uint32_t>> stack{{program, 0}};
  std::vector<ast::Node*> kids;
  while (!stack.empty()) {
    auto [node, level] = stack.back();
    stack.pop_back();
    if (ast::dyn_cast<ast::Expr>(node) != nullptr ||
        node->kind() == ast::NodeKind::Block) {
      if (++level > kMaxNesting) {
        return node;
      }
    }
    kids.clear();
    children(node, kids);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
      stack.emplace_back(*it, level);
    }
  }
  return nullptr;
}

// Owns the Flex scanner and its input buffer for one parse.
class Scanner {
public:
  Scanner(std::string_view text, detail::ParseState& state) {
    sonde_yylex_init(&scanner_);
    buffer_ = sonde_yy_scan_bytes(text.data(), static_cast<int>(text.size()),
                                  scanner_);
    state.scanner = scanner_;
  }
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;
  ~Scanner() {
    sonde_yy_delete_buffer(buffer_, scanner_);
    sonde_yylex_destroy(scanner_);
  }

private:
  yyscan_t scanner_ = nullptr;
  YY_BUFFER_STATE buffer_ = nullptr;
};

} // namespace

ast::Program* parse(const SourceBuffer& source,
                    ast::Context& context,
                    diag::DiagnosticEngine& diag) {
  detail::ParseState state(source, context, diag);
  std::string_view text = source.text();

  // A `#!` line at the very start is the interpreter line, not bpftrace.
  uint32_t start = 0;
  if (text.starts_with("#!")) {
    size_t newline = text.find('\n');
    start = newline == std::string_view::npos ? text.size() : newline;
  }
  state.offset = start;
  state.last_end = start;
  state.prev_end = start;

  {
    Scanner scanner(text.substr(start), state);
    detail::Parser parser(state);
    parser.parse();
  }

  SourceRange range{start, start};
  if (!state.probes.empty()) {
    range = SourceRange::join(state.probes.front()->range(),
                              state.probes.back()->range());
  }
  auto* program = context.make<ast::Program>(range, std::move(state.probes));
  if (ast::Node* node = too_deep(program)) {
    diag.build(diag::Kind::NestingTooDeep, node->range(),
               {std::to_string(kMaxNesting)})
        .emit();
    return nullptr;
  }
  return program;
}

} // namespace sonde::parse
