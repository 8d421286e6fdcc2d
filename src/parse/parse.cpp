// SPDX-License-Identifier: Apache-2.0
#include "parse/parse.h"

#include "base/check.h"
#include "base/strings.h"
#include "lexer.h"
#include "parse/literals.h"
#include "parse/parse_state.h"
#include "parser.h"

#include <algorithm>
#include <cctype>
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

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v';
}

bool is_ident_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

// The offset of the first character at or after `i` that is neither
// whitespace nor inside a comment (text.size() at the end).
size_t skip_space_and_comments(std::string_view text, size_t i) {
  while (i < text.size()) {
    if (is_space(text[i])) {
      ++i;
    } else if (text.substr(i, 2) == "//") {
      i = text.find('\n', i);
      if (i == std::string_view::npos) {
        return text.size();
      }
    } else if (text.substr(i, 2) == "/*") {
      size_t close = text.find("*/", i + 2);
      if (close == std::string_view::npos) {
        return text.size();
      }
      i = close + 2;
    } else {
      break;
    }
  }
  return i;
}

size_t skip_space(std::string_view text, size_t i) {
  while (i < text.size() && is_space(text[i])) {
    ++i;
  }
  return i;
}

// The offset just after `word` at `i` when it is there as a whole word.
size_t word_at(std::string_view text, size_t i, std::string_view word) {
  if (text.substr(i, word.size()) != word) {
    return 0;
  }
  size_t end = i + word.size();
  if (end < text.size() && is_ident_char(text[end])) {
    return 0;
  }
  return end;
}

bool is_attach_point_char(char c) {
  return is_ident_char(c) || c == '-' || c == '.' || c == '*' || c == '+' ||
         c == '@' || c == '$' || c == '=';
}

// The end of the attach point that starts at `begin`, scanned like the
// lexer's `attachpoint` pattern, and whether it has a ':'.
size_t attach_point_end(std::string_view text, size_t begin, bool& colon) {
  size_t i = begin;
  bool segment_start = true;
  bool path = false;
  colon = false;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"' && text[j] != '\n') {
        j += text[j] == '\\' ? 2 : 1;
      }
      if (j >= text.size() || text[j] != '"') {
        return begin;
      }
      i = j + 1;
      segment_start = false;
    } else if (c == ':') {
      colon = true;
      segment_start = true;
      path = false;
      ++i;
    } else if (segment_start && i > begin && (c == '/' || c == '.')) {
      path = true;
      segment_start = false;
      ++i;
    } else if (is_attach_point_char(c) || (c == '/' && path)) {
      segment_start = false;
      ++i;
    } else {
      break;
    }
  }
  return i;
}

} // namespace

bool ParseState::predicate_ends_here() const {
  std::string_view text = source.text();
  size_t i = skip_space_and_comments(text, offset);
  return i < text.size() && text[i] == '{';
}

bool ParseState::followed_by_stars_and_rparen() const {
  std::string_view text = source.text();
  size_t i = offset;
  unsigned stars = 0;
  while (i < text.size() && (is_space(text[i]) || text[i] == '*')) {
    stars += text[i] == '*' ? 1 : 0;
    ++i;
  }
  return stars > 0 && i < text.size() && text[i] == ')';
}

bool ParseState::followed_by_config_block() const {
  std::string_view text = source.text();
  size_t i = skip_space(text, offset);
  if (i >= text.size() || text[i] != '=') {
    return false;
  }
  i = skip_space(text, i + 1);
  return i < text.size() && text[i] == '{';
}

bool ParseState::followed_by_string() const {
  std::string_view text = source.text();
  size_t i = skip_space(text, offset);
  return i < text.size() && text[i] == '"';
}

bool ParseState::followed_by_space_and_identifier() const {
  std::string_view text = source.text();
  size_t i = skip_space(text, offset);
  return i > offset && i < text.size() &&
         (std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '_');
}

bool ParseState::followed_by_space_and_variable() const {
  std::string_view text = source.text();
  size_t i = skip_space(text, offset);
  return i > offset && i < text.size() && (text[i] == '@' || text[i] == '$');
}

bool ParseState::followed_by_space() const {
  std::string_view text = source.text();
  return offset < text.size() && is_space(text[offset]);
}

uint32_t ParseState::top_level_item_at(uint32_t begin) const {
  std::string_view text = source.text();
  if ((brace_depth == 0 && !top_item) || begin >= text.size() ||
      (begin > 0 && text[begin - 1] != '\n')) {
    return 0;
  }
  // `macro NAME`, `fn NAME`, `config = {`, `let @m`, and (between items,
  // where it cannot be a statement) `import "x"`.
  for (std::string_view keyword : {"macro", "fn"}) {
    size_t end = word_at(text, begin, keyword);
    size_t next = skip_space(text, end);
    if (end != 0 && next > end && next < text.size() &&
        is_ident_char(text[next])) {
      return static_cast<uint32_t>(keyword.size());
    }
  }
  if (size_t end = word_at(text, begin, "config")) {
    size_t next = skip_space(text, end);
    if (next < text.size() && text[next] == '=') {
      next = skip_space(text, next + 1);
      if (next < text.size() && text[next] == '{') {
        return 6;
      }
    }
  }
  if (size_t end = word_at(text, begin, "let")) {
    size_t next = skip_space(text, end);
    if (next > end && next < text.size() && text[next] == '@') {
      return 3;
    }
  }
  if (size_t end = word_at(text, begin, "import");
      end != 0 && brace_depth == 0) {
    size_t next = skip_space(text, end);
    if (next < text.size() && text[next] == '"') {
      return 6;
    }
  }
  // An attach point with a ':' (or BEGIN/END) followed by its predicate,
  // its block or another attach point.
  bool colon = false;
  size_t end = attach_point_end(text, begin, colon);
  std::string_view word = text.substr(begin, end - begin);
  bool special =
      word == "BEGIN" || word == "END" || word == "begin" || word == "end";
  if (end == begin || (!colon && !special)) {
    return 0;
  }
  size_t next = skip_space_and_comments(text, end);
  if (next < text.size() &&
      (text[next] == '{' || text[next] == '/' || text[next] == ',')) {
    return static_cast<uint32_t>(end - begin);
  }
  return 0;
}

namespace {

bool is_binary_operator(Parser::symbol_kind_type kind) {
  using K = Parser::symbol_kind;
  switch (kind) {
  case K::S_PLUS:
  case K::S_MINUS:
  case K::S_STAR:
  case K::S_SLASH:
  case K::S_PERCENT:
  case K::S_AMP:
  case K::S_PIPE:
  case K::S_CARET:
  case K::S_EQ:
  case K::S_NE:
  case K::S_LT:
  case K::S_LE:
  case K::S_GT:
  case K::S_GE:
  case K::S_SHL:
  case K::S_SHR:
  case K::S_LAND:
  case K::S_LOR:
  case K::S_QUESTION:
  case K::S_ELVIS:
    return true;
  default:
    return false;
  }
}

const std::vector<std::string>& statement_keywords() {
  static const std::vector<std::string> keywords = {
      "if",    "else",     "while",  "for", "unroll",
      "break", "continue", "return", "let", "import"};
  return keywords;
}

const std::vector<std::string>& top_level_keywords() {
  static const std::vector<std::string> keywords = {"config", "import", "macro",
                                                    "fn", "let"};
  return keywords;
}

} // namespace

// Reports a syntax error at the parser's lookahead. The message names the
// unexpected token and, when there are at most four, the tokens that would
// have been accepted; hints guess at common slips.
void Parser::report_syntax_error(const context& ctx) const {
  symbol_kind_type token = ctx.token();
  SourceRange range = ctx.location();
  if (token == symbol_kind::S_YYUNDEF) {
    std::string_view text = state.source.slice(range);
    diag::DiagnosticBuilder builder = state.diag.build(
        diag::Kind::InvalidCharacter, range, {printable(text)});
    if (text == "'") {
      builder.hint(diag::Kind::NoCharacterLiterals);
    }
    builder.emit();
    return;
  }
  if (token == symbol_kind::S_YYEOF && state.stopped) {
    // The lexer already reported why the input ended early.
    return;
  }
  if (token == symbol_kind::S_RBRACE && range.begin == range.end) {
    // A '}' the lexer added after reporting MissingClosingBrace.
    return;
  }

  symbol_kind_type expected[symbol_kind::YYNTOKENS];
  int count = ctx.expected_tokens(expected, symbol_kind::YYNTOKENS);
  auto is_expected = [&](symbol_kind_type kind) {
    return std::find(expected, expected + count, kind) != expected + count;
  };

  constexpr int kMaxListed = 4;
  // A type keyword is named by its spelling ("unexpected 'string'").
  std::string unexpected =
      token == symbol_kind::S_BUILTIN_TYPE || token == symbol_kind::S_SIZED_TYPE
          ? "'" + std::string(state.source.slice(range)) + "'"
          : std::string(symbol_name(token));
  diag::DiagnosticBuilder builder = [&] {
    if (token == symbol_kind::S_ELSE) {
      return state.diag.build(diag::Kind::ElseWithoutIf, range);
    }
    if (count > kMaxListed && is_expected(symbol_kind::S_ATTACH_POINT)) {
      return state.diag.build(diag::Kind::SyntaxErrorExpectedItem, range,
                              {unexpected});
    }
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

  // The block that end of input left open.
  if (token == symbol_kind::S_YYEOF && !state.open_braces.empty()) {
    uint32_t open = state.open_braces.back();
    builder.note({open, open + 1}, diag::Kind::UnclosedBrace);
  }
  // `=` where `==` would do, inside a predicate, parentheses
  // (`if ($x = 1)`) or a condition, is most likely a comparison.
  auto previous = static_cast<symbol_kind_type>(state.prev_kind);
  bool after_keyword =
      previous == symbol_kind::S_IF || previous == symbol_kind::S_WHILE;
  if (token == symbol_kind::S_ASSIGN &&
      ((is_expected(symbol_kind::S_EQ) &&
        (state.in_predicate || is_expected(symbol_kind::S_RPAREN))) ||
       (state.in_condition && !after_keyword))) {
    builder.hint(diag::Kind::AssignInPredicate);
  } else if (state.in_condition && is_binary_operator(token) &&
             is_expected(symbol_kind::S_LBRACE)) {
    // `if $x > 1 {`: only a unary condition may go without parentheses.
    std::string keyword = std::string(state.condition_word);
    builder.hint(diag::Kind::ConditionNeedsParens, {keyword});
  }
  // A ')' is missing when the statement or block ends inside a call or
  // parenthesised expression.
  bool ends_statement =
      token == symbol_kind::S_SEMI || token == symbol_kind::S_LBRACE ||
      token == symbol_kind::S_RBRACE || token == symbol_kind::S_YYEOF;
  if (ends_statement && is_expected(symbol_kind::S_RPAREN)) {
    builder.hint_at({state.prev_end, state.prev_end}, diag::Kind::MissingParen);
  }
  // A statement that starts on a new line right where a ';' would have been
  // accepted most likely follows one whose ';' was forgotten (unless the
  // line before ended with a token that needs no ';' after it).
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
  // `whlie (x) {`, `retrun 1`, `macor m() {}`: a misspelled keyword starts
  // the statement or item, and the error comes right after it (or at the
  // '{' of what should have been an if or loop).
  if (!state.stmt_word.empty()) {
    const auto& keywords =
        state.stmt_word_top_level ? top_level_keywords() : statement_keywords();
    bool right_after = state.prev_range.begin == state.stmt_word_range.begin &&
                       state.prev_range.end == state.stmt_word_range.end;
    auto close = closest_match(state.stmt_word, keywords);
    bool takes_block = close && (*close == "if" || *close == "while" ||
                                 *close == "for" || *close == "unroll");
    if (close && *close != state.stmt_word &&
        (right_after || (takes_block && token == symbol_kind::S_LBRACE))) {
      builder.hint_at(state.stmt_word_range, diag::Kind::MisspelledKeyword,
                      {state.stmt_word, *close});
    }
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

using detail::kMaxExpressionDepth;

// Finds the first node nested deeper than kMaxExpressionDepth blocks, types
// and expressions, without recursing: brackets are capped by the lexer, but
// long operator chains (`1+1+...`, `- - - x`) nest without them, and every
// later pass walks the tree recursively.
ast::Node* too_deep(ast::Program* program) {
  std::vector<std::pair<ast::Node*, uint32_t>> stack{{program, 0}};
  std::vector<ast::Node*> kids;
  while (!stack.empty()) {
    auto [node, level] = stack.back();
    stack.pop_back();
    if (ast::dyn_cast<ast::Expr>(node) != nullptr ||
        node->kind() == ast::NodeKind::Block ||
        node->kind() == ast::NodeKind::TypeSpec) {
      if (++level > kMaxExpressionDepth) {
        return node;
      }
    }
    kids.clear();
    ast::collect_children(node, kids);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
      stack.emplace_back(*it, level);
    }
  }
  return nullptr;
}

// One top-level item for the order check. Rank 0: C definitions; 1: config
// blocks and imports; 2: everything else.
struct OrderedItem {
  int rank;
  SourceRange range; // Where to report it.
  std::string word;  // How a note names it.
};

std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

// Reports items that come after an item of a later group (SPEC: C
// definitions, then config and imports, then the rest).
void check_order(const detail::ParseState& state,
                 diag::DiagnosticEngine& diag) {
  std::vector<OrderedItem> items;
  auto keyword = [](SourceRange range, uint32_t length) {
    return SourceRange{range.begin, range.begin + length};
  };
  for (const ast::CDefinition& def : state.c_definitions) {
    items.push_back({0, def.range, first_line(def.text)});
  }
  for (const ast::Config* config : state.configs) {
    items.push_back({1, keyword(config->range(), 6), "config"});
  }
  for (const ast::Import* import : state.imports) {
    items.push_back({1, keyword(import->range(), 6), "import"});
  }
  for (const ast::Probe* probe : state.probes) {
    const ast::AttachPoint* ap = probe->attach_points.front();
    items.push_back({2, ap->range(), ap->raw});
  }
  for (const ast::MacroDef* macro : state.macros) {
    items.push_back({2, keyword(macro->range(), 5), "macro " + macro->name});
  }
  for (const ast::FunctionDef* fn : state.functions) {
    items.push_back({2, keyword(fn->range(), 2), "fn " + fn->name});
  }
  for (const ast::MapDecl* decl : state.map_decls) {
    items.push_back({2, keyword(decl->range(), 3), "let " + decl->name});
  }
  // Items never share a start offset, so the order is total.
  std::sort(items.begin(), items.end(),
            [](const OrderedItem& a, const OrderedItem& b) {
              return a.range.begin < b.range.begin;
            });
  // The first item of each rank, to point at in notes.
  const OrderedItem* first_of_rank[3] = {nullptr, nullptr, nullptr};
  for (const OrderedItem& item : items) {
    const OrderedItem* later = nullptr;
    for (int rank = 2; rank > item.rank; --rank) {
      if (first_of_rank[rank] != nullptr) {
        later = first_of_rank[rank];
        // Point at the earliest of the items it should precede.
        for (int other = rank - 1; other > item.rank; --other) {
          if (first_of_rank[other] != nullptr &&
              first_of_rank[other]->range.begin < later->range.begin) {
            later = first_of_rank[other];
          }
        }
        break;
      }
    }
    if (first_of_rank[item.rank] == nullptr) {
      first_of_rank[item.rank] = &item;
    }
    if (later == nullptr) {
      continue;
    }
    diag::DiagnosticBuilder builder =
        item.rank == 0
            ? diag.build(diag::Kind::CDefinitionOutOfOrder, item.range)
            : diag.build(diag::Kind::ConfigOutOfOrder, item.range, {item.word});
    builder.note(later->range, diag::Kind::EarlierItem, {later->word}).emit();
  }
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
  return parse_file(source, source.main_range(), context, diag);
}

ast::Program* parse_file(const SourceBuffer& source,
                         SourceRange file,
                         ast::Context& context,
                         diag::DiagnosticEngine& diag) {
  detail::ParseState state(source, context, diag);
  std::string_view text = source.text().substr(0, file.end);

  // A `#!` line at the very start is the interpreter line, not bpftrace.
  uint32_t start = file.begin;
  if (text.substr(start).starts_with("#!")) {
    size_t newline = text.find('\n', start);
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
  if (!state.items.empty()) {
    range = SourceRange::join(state.items.front()->range(),
                              state.items.back()->range());
  }
  auto* program = context.make<ast::Program>(range, state.probes);
  program->c_definitions = state.c_definitions_node;
  program->configs = state.configs;
  program->imports = state.imports;
  program->macros = state.macros;
  program->functions = state.functions;
  program->map_decls = state.map_decls;
  program->items = state.items;
  check_order(state, diag);
  if (ast::Node* node = too_deep(program)) {
    diag.build(diag::Kind::NestingTooDeep, node->range(),
               {std::to_string(kMaxExpressionDepth)})
        .emit();
    return nullptr;
  }
  return program;
}

} // namespace sonde::parse
