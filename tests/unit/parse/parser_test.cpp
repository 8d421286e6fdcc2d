// SPDX-License-Identifier: Apache-2.0
#include "parse/literals.h"
#include "parse/parse.h"
#include "unit/parse/parse_fixture.h"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace sonde::parse {
namespace {

using namespace test_support;

// ---- Program and probes ---------------------------------------------------

TEST_F(ParserTest, EmptyScriptIsAnEmptyProgram) {
  ASSERT_NE(run(""), nullptr);
  EXPECT_TRUE(program_->probes.empty());
  EXPECT_TRUE(capture_.diagnostics.empty());
}

TEST_F(ParserTest, CommentsAndWhitespaceOnly) {
  ASSERT_NE(run("  // line\n/* block\n comment */\n\t\n"), nullptr);
  EXPECT_TRUE(program_->probes.empty());
  EXPECT_TRUE(capture_.diagnostics.empty());
}

TEST_F(ParserTest, ShebangLineIsSkipped) {
  ASSERT_NE(run("#!/usr/bin/env bpftrace\nBEGIN {}"), nullptr);
  ASSERT_EQ(program_->probes.size(), 1u);
  EXPECT_TRUE(capture_.diagnostics.empty());
  EXPECT_EQ(text(program_->probes[0]->attach_points[0]), "BEGIN");
}

TEST_F(ParserTest, ProbeStructureAndRanges) {
  ASSERT_NE(run("  BEGIN { 1 }  "), nullptr);
  ASSERT_EQ(program_->probes.size(), 1u);
  ast::Probe* probe = program_->probes[0];
  EXPECT_EQ(text(probe), "BEGIN { 1 }");
  EXPECT_EQ(text(program_), "BEGIN { 1 }");
  ASSERT_EQ(probe->attach_points.size(), 1u);
  EXPECT_EQ(probe->attach_points[0]->raw, "BEGIN");
  EXPECT_EQ(probe->attach_points[0]->parts, std::vector<std::string>{"BEGIN"});
  EXPECT_EQ(probe->predicate, nullptr);
  EXPECT_EQ(text(probe->body), "{ 1 }");
}

struct AttachPointCase {
  const char* raw;
  std::vector<std::string> parts;
};

TEST_F(ParserTest, AttachPointForms) {
  const AttachPointCase cases[] = {
      {"END", {"END"}},
      {"tracepoint:syscalls:sys_enter_openat",
       {"tracepoint", "syscalls", "sys_enter_openat"}},
      {"tracepoint:syscalls:sys_enter_*",
       {"tracepoint", "syscalls", "sys_enter_*"}},
      {"interval:s:1", {"interval", "s", "1"}},
      {"i:ms:100", {"i", "ms", "100"}},
      {"profile:hz:99", {"profile", "hz", "99"}},
      {"kprobe:vfs_read+4", {"kprobe", "vfs_read+4"}},
      {"uprobe:/bin/bash:readline", {"uprobe", "/bin/bash", "readline"}},
      {"uprobe:./a.out:main", {"uprobe", "./a.out", "main"}},
      {"usdt:/usr/bin/python3.11:python:function__entry",
       {"usdt", "/usr/bin/python3.11", "python", "function__entry"}},
      {"uprobe:/bin/x:\"a::b\"", {"uprobe", "/bin/x", "a::b"}},
      {"uprobe:\"/path with space/x\":fn",
       {"uprobe", "/path with space/x", "fn"}},
  };
  for (const AttachPointCase& c : cases) {
    SCOPED_TRACE(c.raw);
    context_ = {};
    capture_.diagnostics.clear();
    std::string script = std::string(c.raw) + " { }";
    ASSERT_NE(run(script), nullptr);
    EXPECT_TRUE(capture_.diagnostics.empty()) << first_message();
    ASSERT_EQ(program_->probes.size(), 1u);
    ast::AttachPoint* ap = program_->probes[0]->attach_points[0];
    EXPECT_EQ(ap->raw, c.raw);
    EXPECT_EQ(text(ap), c.raw);
    EXPECT_EQ(ap->parts, c.parts);
  }
}

TEST_F(ParserTest, SeveralAttachPointsAndTrailingComma) {
  ASSERT_NE(run("kprobe:a,\n kprobe:b , kretprobe:c, { }"), nullptr);
  EXPECT_TRUE(capture_.diagnostics.empty()) << first_message();
  ASSERT_EQ(program_->probes.size(), 1u);
  auto& aps = program_->probes[0]->attach_points;
  ASSERT_EQ(aps.size(), 3u);
  EXPECT_EQ(aps[0]->raw, "kprobe:a");
  EXPECT_EQ(aps[1]->raw, "kprobe:b");
  EXPECT_EQ(aps[2]->raw, "kretprobe:c");
}

TEST_F(ParserTest, SlashAfterAttachPointStartsThePredicate) {
  ASSERT_NE(run("tracepoint:a:b/pid == 1/ {} BEGIN/1/{}"), nullptr);
  EXPECT_TRUE(capture_.diagnostics.empty()) << first_message();
  ASSERT_EQ(program_->probes.size(), 2u);
  ast::Probe* first = program_->probes[0];
  EXPECT_EQ(first->attach_points[0]->raw, "tracepoint:a:b");
  auto* pred = as<ast::Binary>(first->predicate);
  ASSERT_NE(pred, nullptr);
  EXPECT_EQ(pred->op, BinaryOp::Eq);
  EXPECT_EQ(text(pred), "pid == 1");
  ast::Probe* second = program_->probes[1];
  EXPECT_EQ(second->attach_points[0]->raw, "BEGIN");
  EXPECT_EQ(as<ast::IntLiteral>(second->predicate)->value, 1u);
}

TEST_F(ParserTest, PredicateMayContainDivision) {
  ASSERT_NE(run("BEGIN /pid / 2 == 1/ // why\n /* not */ { }"), nullptr);
  EXPECT_TRUE(capture_.diagnostics.empty()) << first_message();
  auto* eq = as<ast::Binary>(program_->probes[0]->predicate);
  ASSERT_NE(eq, nullptr);
  EXPECT_EQ(eq->op, BinaryOp::Eq);
  auto* div = as<ast::Binary>(eq->lhs);
  ASSERT_NE(div, nullptr);
  EXPECT_EQ(div->op, BinaryOp::Div);
  EXPECT_EQ(text(div), "pid / 2");
}

// ---- Expressions ----------------------------------------------------------

TEST_F(ParserTest, MultiplicationBindsTighterThanAddition) {
  auto* add = as<ast::Binary>(expr("1 + 2 * 3"));
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->op, BinaryOp::Add);
  EXPECT_EQ(as<ast::IntLiteral>(add->lhs)->value, 1u);
  auto* mul = as<ast::Binary>(add->rhs);
  ASSERT_NE(mul, nullptr);
  EXPECT_EQ(mul->op, BinaryOp::Mul);
  EXPECT_EQ(text(add), "1 + 2 * 3");
  EXPECT_EQ(text(mul), "2 * 3");
}

TEST_F(ParserTest, BinaryOperatorsAreLeftAssociative) {
  auto* outer = as<ast::Binary>(expr("a - b - c"));
  ASSERT_NE(outer, nullptr);
  auto* inner = as<ast::Binary>(outer->lhs);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(text(inner), "a - b");
  EXPECT_EQ(as<ast::Builtin>(outer->rhs)->name, "c");
}

struct OperatorCase {
  const char* spelling;
  BinaryOp op;
  int level; // Higher binds tighter.
};

const OperatorCase kOperators[] = {
    {"||", BinaryOp::LogicalOr, 0}, {"&&", BinaryOp::LogicalAnd, 1},
    {"|", BinaryOp::BitOr, 2},      {"^", BinaryOp::BitXor, 3},
    {"&", BinaryOp::BitAnd, 4},     {"==", BinaryOp::Eq, 5},
    {"!=", BinaryOp::Ne, 5},        {"<", BinaryOp::Lt, 6},
    {">", BinaryOp::Gt, 6},         {"<=", BinaryOp::Le, 6},
    {">=", BinaryOp::Ge, 6},        {"<<", BinaryOp::Shl, 7},
    {">>", BinaryOp::Shr, 7},       {"+", BinaryOp::Add, 8},
    {"-", BinaryOp::Sub, 8},        {"*", BinaryOp::Mul, 9},
    {"/", BinaryOp::Div, 9},        {"%", BinaryOp::Mod, 9},
};

TEST_F(ParserTest, EveryBinaryOperator) {
  for (const OperatorCase& c : kOperators) {
    SCOPED_TRACE(c.spelling);
    auto* binary = as<ast::Binary>(expr(std::string("a ") + c.spelling + " b"));
    ASSERT_NE(binary, nullptr);
    EXPECT_EQ(binary->op, c.op);
  }
}

TEST_F(ParserTest, PrecedenceBetweenEveryPairOfLevels) {
  for (const OperatorCase& low : kOperators) {
    for (const OperatorCase& high : kOperators) {
      if (low.level >= high.level) {
        continue;
      }
      SCOPED_TRACE(std::string(low.spelling) + " vs " + high.spelling);
      // a LOW b HIGH c == a LOW (b HIGH c)
      auto* root = as<ast::Binary>(expr(std::string("a ") + low.spelling +
                                        " b " + high.spelling + " c"));
      ASSERT_NE(root, nullptr);
      EXPECT_EQ(root->op, low.op);
      EXPECT_EQ(as<ast::Binary>(root->rhs)->op, high.op);
      // a HIGH b LOW c == (a HIGH b) LOW c
      root = as<ast::Binary>(expr(std::string("a ") + high.spelling + " b " +
                                  low.spelling + " c"));
      ASSERT_NE(root, nullptr);
      EXPECT_EQ(root->op, low.op);
      EXPECT_EQ(as<ast::Binary>(root->lhs)->op, high.op);
    }
  }
}

TEST_F(ParserTest, ParenthesesOverridePrecedence) {
  auto* mul = as<ast::Binary>(expr("(1 + 2) * 3"));
  ASSERT_NE(mul, nullptr);
  EXPECT_EQ(mul->op, BinaryOp::Mul);
  EXPECT_EQ(text(mul), "(1 + 2) * 3");
  auto* add = as<ast::Binary>(mul->lhs);
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(text(add), "1 + 2");
}

TEST_F(ParserTest, UnaryOperators) {
  const std::pair<const char*, ast::UnaryOp> cases[] = {
      {"-x", ast::UnaryOp::Neg},
      {"!x", ast::UnaryOp::LogicalNot},
      {"~x", ast::UnaryOp::BitNot},
  };
  for (const auto& [source, op] : cases) {
    SCOPED_TRACE(source);
    auto* unary = as<ast::Unary>(expr(source));
    ASSERT_NE(unary, nullptr);
    EXPECT_EQ(unary->op, op);
    EXPECT_EQ(text(unary), source);
  }
}

TEST_F(ParserTest, UnaryBindsTighterThanBinaryAndLooserThanPostfix) {
  auto* mul = as<ast::Binary>(expr("-a.b * !~c"));
  ASSERT_NE(mul, nullptr);
  auto* neg = as<ast::Unary>(mul->lhs);
  ASSERT_NE(neg, nullptr);
  EXPECT_EQ(neg->operand->kind(), NodeKind::FieldAccess);
  auto* negation = as<ast::Unary>(mul->rhs);
  ASSERT_NE(negation, nullptr);
  EXPECT_EQ(negation->op, ast::UnaryOp::LogicalNot);
  EXPECT_EQ(as<ast::Unary>(negation->operand)->op, ast::UnaryOp::BitNot);
}

TEST_F(ParserTest, FieldAccessDotAndArrow) {
  auto* outer = as<ast::FieldAccess>(expr("args->filename.len"));
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(outer->field, "len");
  EXPECT_FALSE(outer->arrow);
  EXPECT_EQ(text(outer->field_range), "len");
  EXPECT_EQ(text(outer), "args->filename.len");
  auto* inner = as<ast::FieldAccess>(outer->base);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->field, "filename");
  EXPECT_TRUE(inner->arrow);
  EXPECT_EQ(text(inner->field_range), "filename");
  EXPECT_EQ(as<ast::Builtin>(inner->base)->name, "args");
}

TEST_F(ParserTest, CallWithArguments) {
  auto* call = as<ast::Call>(expr("printf(\"%d\\n\", pid + 1)"));
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->callee, "printf");
  EXPECT_EQ(text(call->callee_range), "printf");
  EXPECT_EQ(text(call), "printf(\"%d\\n\", pid + 1)");
  ASSERT_EQ(call->args.size(), 2u);
  EXPECT_EQ(as<ast::StringLiteral>(call->args[0])->value, "%d\n");
  EXPECT_EQ(call->args[1]->kind(), NodeKind::Binary);
}

TEST_F(ParserTest, CallWithoutArguments) {
  auto* call = as<ast::Call>(expr("count( )"));
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->callee, "count");
  EXPECT_TRUE(call->args.empty());
  EXPECT_EQ(text(call), "count( )");
}

TEST_F(ParserTest, MapForms) {
  ast::Block* block = body("@; @x; @x[1]; @x[1, comm]; @[k]");
  ASSERT_NE(block, nullptr);
  ASSERT_EQ(block->stmts.size(), 5u);
  const std::pair<const char*, size_t> expected[] = {
      {"@", 0}, {"@x", 0}, {"@x", 1}, {"@x", 2}, {"@", 1}};
  const char* spans[] = {"@", "@x", "@x[1]", "@x[1, comm]", "@[k]"};
  for (size_t i = 0; i < 5; ++i) {
    auto* map = as<ast::MapAccess>(as<ast::ExprStmt>(block->stmts[i])->expr);
    ASSERT_NE(map, nullptr);
    EXPECT_EQ(map->name, expected[i].first);
    EXPECT_EQ(map->keys.size(), expected[i].second);
    EXPECT_EQ(text(map), spans[i]);
  }
}

TEST_F(ParserTest, VariablesAndBuiltins) {
  auto* add = as<ast::Binary>(expr("$count + nsecs"));
  ASSERT_NE(add, nullptr);
  auto* var = as<ast::Variable>(add->lhs);
  ASSERT_NE(var, nullptr);
  EXPECT_EQ(var->name, "count");
  EXPECT_EQ(text(var), "$count");
  EXPECT_EQ(as<ast::Builtin>(add->rhs)->name, "nsecs");
}

TEST_F(ParserTest, IntegerLiteralForms) {
  const std::pair<const char*, uint64_t> cases[] = {
      {"0", 0},
      {"42", 42},
      {"0x1F", 31},
      {"0XfF", 255},
      {"017", 15},
      {"1_000_000", 1000000},
      {"10U", 10},
      {"10ul", 10},
      {"10LL", 10},
      {"10ULL", 10},
      {"18446744073709551615", UINT64_MAX},
      {"0xffffffffffffffff", UINT64_MAX},
      {"1e6", 1000000},
      {"5ms", 5000000},
      {"2s", 2000000000},
  };
  for (const auto& [source, value] : cases) {
    SCOPED_TRACE(source);
    auto* literal = as<ast::IntLiteral>(expr(source));
    ASSERT_NE(literal, nullptr);
    EXPECT_EQ(literal->value, value);
    EXPECT_EQ(text(literal), source);
  }
}

TEST_F(ParserTest, IntegerTooLarge) {
  run("BEGIN { 18446744073709551616; 1 }");
  ASSERT_EQ(kinds(), std::vector<Kind>{Kind::IntegerTooLarge});
  EXPECT_EQ(text(capture_.diagnostics[0].range), "18446744073709551616");
  EXPECT_EQ(capture_.diagnostics[0].args[0], "18446744073709551616");
  // The literal still parses, so nothing else is reported.
  ASSERT_NE(program_, nullptr);
  EXPECT_EQ(program_->probes[0]->body->stmts.size(), 2u);
}

TEST_F(ParserTest, InvalidIntegers) {
  run("BEGIN { 09; 1abc; 0x }");
  EXPECT_EQ(kinds(),
            (std::vector<Kind>{Kind::InvalidInteger, Kind::InvalidInteger,
                               Kind::InvalidInteger}));
}

TEST_F(ParserTest, StringEscapesAreDecoded) {
  auto* literal = as<ast::StringLiteral>(expr(R"("a\n\t\r\"\\\101\x42\0z")"));
  ASSERT_NE(literal, nullptr);
  EXPECT_EQ(literal->value, std::string("a\n\t\r\"\\AB\0z", 10));
  EXPECT_EQ(text(literal), R"("a\n\t\r\"\\\101\x42\0z")");
}

TEST_F(ParserTest, InvalidEscape) {
  run(R"(BEGIN { "ab\qc\777" })");
  ASSERT_EQ(kinds(),
            (std::vector<Kind>{Kind::InvalidEscape, Kind::InvalidEscape}));
  EXPECT_EQ(text(capture_.diagnostics[0].range), "\\q");
  EXPECT_EQ(capture_.diagnostics[0].args[0], "\\q");
  EXPECT_EQ(text(capture_.diagnostics[1].range), "\\777");
}

TEST_F(ParserTest, UnterminatedStringEndsAtTheLine) {
  run("BEGIN { printf(\"abc);\n}\nEND { 1 }");
  // The call lacking its ')' is not reported again; the parser recovers at
  // the '}' and the next probe still parses.
  ASSERT_EQ(kinds(), std::vector<Kind>{Kind::UnterminatedString});
  EXPECT_EQ(text(capture_.diagnostics[0].range), "\"abc);");
  ASSERT_NE(program_, nullptr);
  ASSERT_EQ(program_->probes.size(), 2u);
}

TEST_F(ParserTest, UnterminatedCommentReportsOnce) {
  run("BEGIN { 1 } /* never closed\nEND { }");
  ASSERT_EQ(kinds(), std::vector<Kind>{Kind::UnterminatedComment});
  EXPECT_EQ(text(capture_.diagnostics[0].range), "/*");
  ASSERT_NE(program_, nullptr);
  EXPECT_EQ(program_->probes.size(), 1u);
}

TEST_F(ParserTest, InvalidCharacterThenRecovery) {
  run("BEGIN { a ` b; c d }");
  ASSERT_EQ(kinds(),
            (std::vector<Kind>{Kind::InvalidCharacter, Kind::SyntaxError}));
  EXPECT_EQ(text(capture_.diagnostics[0].range), "`");
  EXPECT_EQ(capture_.diagnostics[0].args[0], "`");
}

TEST_F(ParserTest, InvalidCharacterIsPrintable) {
  run("BEGIN { \x01 }\nEND { \xc3\xa9 }");
  ASSERT_EQ(kinds(), (std::vector<Kind>{Kind::InvalidCharacter,
                                        Kind::InvalidCharacter}));
  EXPECT_EQ(capture_.diagnostics[0].args[0], "\\x01");
  EXPECT_EQ(capture_.diagnostics[1].args[0], "\xc3\xa9");
  EXPECT_EQ(capture_.diagnostics[1].range.end -
                capture_.diagnostics[1].range.begin,
            2u);
}

// ---- Statements -----------------------------------------------------------

TEST_F(ParserTest, StatementForms) {
  ast::Block* block = body("f(); $x = 1; @m = 2; @m[k, 1] = 3; @ = 4");
  ASSERT_NE(block, nullptr);
  ASSERT_EQ(block->stmts.size(), 5u);
  EXPECT_EQ(block->stmts[0]->kind(), NodeKind::ExprStmt);
  EXPECT_EQ(text(block->stmts[0]), "f()");

  auto* var = as<ast::AssignVar>(block->stmts[1]);
  ASSERT_NE(var, nullptr);
  EXPECT_EQ(var->target->name, "x");
  EXPECT_EQ(text(var->target), "$x");
  EXPECT_EQ(text(var), "$x = 1");

  auto* map = as<ast::AssignMap>(block->stmts[3]);
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->target->name, "@m");
  EXPECT_EQ(map->target->keys.size(), 2u);
  EXPECT_EQ(text(map), "@m[k, 1] = 3");
  EXPECT_EQ(as<ast::IntLiteral>(map->value)->value, 3u);

  auto* anon = as<ast::AssignMap>(block->stmts[4]);
  ASSERT_NE(anon, nullptr);
  EXPECT_EQ(anon->target->name, "@");
}

TEST_F(ParserTest, EmptyStatementsAndOptionalLastSemicolon) {
  ast::Block* block = body(";; a; ; b;");
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(block->stmts.size(), 2u);
  block = body("");
  ASSERT_NE(block, nullptr);
  EXPECT_TRUE(block->stmts.empty());
}

TEST_F(ParserTest, IfElseIfElse) {
  ast::Block* block = body("if (a) { 1 } else if (b) { 2; 3 } else { 4 } x");
  ASSERT_NE(block, nullptr);
  ASSERT_EQ(block->stmts.size(), 2u);
  auto* outer = as<ast::If>(block->stmts[0]);
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(text(outer), "if (a) { 1 } else if (b) { 2; 3 } else { 4 }");
  EXPECT_EQ(as<ast::Builtin>(outer->cond)->name, "a");
  EXPECT_EQ(text(outer->then_block), "{ 1 }");
  ASSERT_NE(outer->else_block, nullptr);
  ASSERT_EQ(outer->else_block->stmts.size(), 1u);
  auto* inner = as<ast::If>(outer->else_block->stmts[0]);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(text(inner), "if (b) { 2; 3 } else { 4 }");
  EXPECT_EQ(text(outer->else_block), text(inner));
  EXPECT_EQ(inner->then_block->stmts.size(), 2u);
  ASSERT_NE(inner->else_block, nullptr);
  EXPECT_EQ(text(inner->else_block), "{ 4 }");
}

TEST_F(ParserTest, IfWithoutElse) {
  ast::Block* block = body("if ($x > 1) { @y = 2; }");
  ASSERT_NE(block, nullptr);
  auto* stmt = as<ast::If>(block->stmts[0]);
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->else_block, nullptr);
  EXPECT_EQ(as<ast::Binary>(stmt->cond)->op, BinaryOp::Gt);
}

// ---- Syntax errors and recovery -------------------------------------------

TEST_F(ParserTest, SyntaxErrorListsExpectedTokens) {
  run("BEGIN");
  ASSERT_EQ(kinds(), std::vector<Kind>{Kind::SyntaxErrorExpected});
  const diag::Diagnostic& d = capture_.diagnostics[0];
  EXPECT_EQ(d.args[0], "end of input");
  EXPECT_NE(d.args[1].find("'{'"), std::string::npos);
  EXPECT_NE(d.args[1].find("','"), std::string::npos);
  EXPECT_NE(d.args[1].find(" or "), std::string::npos);
  // End of input is reported just after the last token.
  EXPECT_EQ(d.range.begin, 5u);
  EXPECT_EQ(d.range.end, 5u);
}

TEST_F(ParserTest, SyntaxErrorWithManyExpectedTokensListsNone) {
  run("BEGIN { 1 2 }");
  ASSERT_EQ(kinds(), std::vector<Kind>{Kind::SyntaxError});
  EXPECT_EQ(capture_.diagnostics[0].args[0], "integer");
  EXPECT_EQ(text(capture_.diagnostics[0].range), "2");
}

TEST_F(ParserTest, UnexpectedTokenNames) {
  run("BEGIN { f(1,) }");
  ASSERT_EQ(kinds().size(), 1u);
  EXPECT_EQ(capture_.diagnostics[0].args[0], "')'");
  capture_.diagnostics.clear();
  run("BEGIN { } }");
  ASSERT_EQ(kinds(), std::vector<Kind>{Kind::SyntaxErrorExpectedItem});
  EXPECT_EQ(capture_.diagnostics[0].args[0], "'}'");
}

TEST_F(ParserTest, OneErrorPerStatement) {
  run("BEGIN { a b; c d; $x = 1; e f }");
  EXPECT_EQ(kinds(), (std::vector<Kind>{Kind::SyntaxError, Kind::SyntaxError,
                                        Kind::SyntaxError}));
  ASSERT_NE(program_, nullptr);
  ASSERT_EQ(program_->probes.size(), 1u);
  // Only the good statement survives.
  ASSERT_EQ(program_->probes[0]->body->stmts.size(), 1u);
  EXPECT_EQ(program_->probes[0]->body->stmts[0]->kind(), NodeKind::AssignVar);
}

TEST_F(ParserTest, RecoveryKeepsLaterProbes) {
  // After `kprobe:a` the parser resumes at the next attach point, so
  // `kprobe:b` is kept (with its body's error reported).
  run("BEGIN { 1 + } kprobe:a kprobe:b { x y } END { 2 }");
  EXPECT_EQ(kinds().size(), 3u);
  ASSERT_NE(program_, nullptr);
  ASSERT_EQ(program_->probes.size(), 3u);
  EXPECT_EQ(program_->probes[0]->attach_points[0]->raw, "BEGIN");
  EXPECT_EQ(program_->probes[1]->attach_points[0]->raw, "kprobe:b");
  EXPECT_EQ(program_->probes[2]->attach_points[0]->raw, "END");
}

TEST_F(ParserTest, RecoveryInsideIfCondition) {
  run("BEGIN { if (a b) { c d } e }");
  EXPECT_EQ(kinds().size(), 2u);
  ASSERT_NE(program_, nullptr);
  ASSERT_EQ(program_->probes.size(), 1u);
}

TEST_F(ParserTest, RecoveryInsidePredicate) {
  run("BEGIN / a b / { c d }");
  EXPECT_EQ(kinds().size(), 2u);
  ASSERT_NE(program_, nullptr);
  ASSERT_EQ(program_->probes.size(), 1u);
  EXPECT_EQ(program_->probes[0]->predicate, nullptr);
}

TEST_F(ParserTest, AssignInPredicateHint) {
  run("BEGIN /pid = 1/ { }");
  ASSERT_EQ(capture_.diagnostics.size(), 1u);
  const diag::Diagnostic& d = capture_.diagnostics[0];
  EXPECT_EQ(text(d.range), "=");
  ASSERT_EQ(d.attachments.size(), 1u);
  EXPECT_EQ(d.attachments[0].kind, Kind::AssignInPredicate);
}

TEST_F(ParserTest, MissingSemicolonHint) {
  run("BEGIN {\n  $x = 1\n  @y = 2\n}");
  ASSERT_EQ(capture_.diagnostics.size(), 1u);
  const diag::Diagnostic& d = capture_.diagnostics[0];
  EXPECT_EQ(text(d.range), "@y");
  ASSERT_EQ(d.attachments.size(), 1u);
  EXPECT_EQ(d.attachments[0].kind, Kind::MissingSemicolon);
  EXPECT_TRUE(d.attachments[0].has_range);
  // The hint points just after `1`.
  EXPECT_EQ(d.attachments[0].range.begin, source_->text().find("1\n") + 1);
}

TEST_F(ParserTest, NoMissingSemicolonHintOnTheSameLine) {
  run("BEGIN { $x = 1 @y = 2 }");
  ASSERT_EQ(capture_.diagnostics.size(), 1u);
  EXPECT_TRUE(capture_.diagnostics[0].attachments.empty());
}

TEST_F(ParserTest, NoMissingSemicolonHintAfterASemicolon) {
  run("BEGIN {\n  1;\n  else { 2 }\n}");
  ASSERT_EQ(capture_.diagnostics.size(), 1u);
  EXPECT_TRUE(capture_.diagnostics[0].attachments.empty());
}

TEST_F(ParserTest, RecoverySkipsANestedBlockWhole) {
  // The '}' of `{ 1 }` must not close the probe's block.
  run("BEGIN { else { 1 } 2 x }");
  ASSERT_EQ(kinds(),
            (std::vector<Kind>{Kind::ElseWithoutIf, Kind::SyntaxError}));
  EXPECT_EQ(text(capture_.diagnostics[1].range), "x");
}

// ---- Limits and robustness ------------------------------------------------

TEST_F(ParserTest, NestingJustBelowTheLimitIsAccepted) {
  std::string deep = std::string(200, '(') + "1" + std::string(200, ')');
  auto* literal = as<ast::IntLiteral>(expr(deep));
  ASSERT_NE(literal, nullptr);
}

TEST_F(ParserTest, TooManyBracketsAreNestingTooDeep) {
  run("BEGIN { " + std::string(100000, '(') + "1 }");
  EXPECT_EQ(kinds(), std::vector<Kind>{Kind::NestingTooDeep});
}

TEST_F(ParserTest, LongOperatorChainsAreNestingTooDeep) {
  std::string chain = "1";
  for (int i = 0; i < 50000; ++i) {
    chain += "+1";
  }
  EXPECT_EQ(run("BEGIN { " + chain + " }"), nullptr);
  EXPECT_EQ(kinds(), std::vector<Kind>{Kind::NestingTooDeep});
  capture_.diagnostics.clear();
  EXPECT_EQ(run("BEGIN { " + std::string(50000, '!') + "x }"), nullptr);
  EXPECT_EQ(kinds(), std::vector<Kind>{Kind::NestingTooDeep});
}

TEST_F(ParserTest, HostileInputsDoNotCrash) {
  const std::string inputs[] = {
      std::string("\0\0\0", 3),
      "{",
      "}",
      "/",
      "BEGIN /",
      "BEGIN /x/",
      "BEGIN { if",
      "BEGIN { if (",
      "BEGIN { \"",
      "BEGIN { \"\\",
      "uprobe:\"abc",
      "BEGIN { @x[ }",
      ",,,{}",
      "BEGIN { ) ) ) }",
      "BEGIN { } } } } {",
      std::string("BEGIN { \xff\xfe }"),
      "BEGIN { 1 } /* ",
      "#!",
      "#!\n",
      "BEGIN { else }",
      "BEGIN { $ }",
      "BEGIN { a->; }",
      "kprobe:f:",
  };
  for (const std::string& input : inputs) {
    SCOPED_TRACE(input);
    capture_.diagnostics.clear();
    run(input);
    for (const diag::Diagnostic& d : capture_.diagnostics) {
      EXPECT_LE(d.range.begin, d.range.end);
      EXPECT_LE(d.range.end, input.size());
    }
  }
}

TEST(ParserThreadTest, ConcurrentParsesShareNothing) {
  const std::string script =
      "kprobe:f /pid == 1/ { @[comm] = count(); $x = 1 + 2 * 3 }";
  std::vector<std::thread> threads;
  std::vector<size_t> node_counts(8);
  for (size_t t = 0; t < node_counts.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        SourceBuffer source("t.bt", script);
        ast::Context context;
        diag::CaptureConsumer capture;
        diag::DiagnosticEngine diag(capture);
        if (parse(source, context, diag) != nullptr &&
            capture.diagnostics.empty()) {
          node_counts[t] = context.node_count();
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (size_t count : node_counts) {
    EXPECT_EQ(count, node_counts[0]);
    EXPECT_GT(count, 0u);
  }
}

// ---- Literal helpers ------------------------------------------------------

TEST(LiteralsTest, SplitAttachPointKeepsQuotedColons) {
  using detail::split_attach_point;
  EXPECT_EQ(
      split_attach_point("uprobe:/bin/x:cpp:\"ns::fn(int)\""),
      (std::vector<std::string>{"uprobe", "/bin/x", "cpp", "ns::fn(int)"}));
  EXPECT_EQ(split_attach_point("a::b:"),
            (std::vector<std::string>{"a", "", "b", ""}));
  EXPECT_EQ(split_attach_point(R"(u:"a\"b")"),
            (std::vector<std::string>{"u", "a\"b"}));
}

TEST(LiteralsTest, DecodeIntegerStatuses) {
  using detail::decode_integer;
  using Status = detail::IntegerLiteral::Status;
  EXPECT_EQ(decode_integer("0xffff_ffff").value, 0xffffffffu);
  EXPECT_EQ(decode_integer("1h").value, 3600000000000u);
  EXPECT_EQ(decode_integer("0x1_0000_0000_0000_0000").status, Status::TooLarge);
  EXPECT_EQ(decode_integer("1e20").status, Status::TooLarge);
  EXPECT_EQ(decode_integer("100000d").status, Status::Ok);
  EXPECT_EQ(decode_integer("1000000000d").status, Status::TooLarge);
  EXPECT_EQ(decode_integer("1e").status, Status::Invalid);
  EXPECT_EQ(decode_integer("08").status, Status::Invalid);
  EXPECT_EQ(decode_integer("1uu").status, Status::Invalid);
  EXPECT_EQ(decode_integer("010s").status, Status::Invalid);
}

} // namespace
} // namespace sonde::parse
