// SPDX-License-Identifier: Apache-2.0
// Structure of the full language: top-level items, statements, operators,
// types, casts and tuples, and how the parser recovers from the mistakes it
// has hints for.
#include "ast/visitor.h"
#include "parse/literals.h"
#include "parse/parse.h"
#include "unit/parse/parse_fixture.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace sonde::parse {
namespace {

using namespace test_support;
using ast::TypeKind;
using ast::UnaryOp;

// Every node's range lies inside its parent's and its children follow each
// other in source order.
void expect_nested_ranges(ast::Node* node, const SourceBuffer& source) {
  std::vector<ast::Node*> kids;
  ast::collect_children(node, kids);
  uint32_t previous_begin = node->range().begin;
  for (ast::Node* kid : kids) {
    SCOPED_TRACE(std::string(ast::kind_name(kid->kind())) + " '" +
                 std::string(source.slice(kid->range())) + "' in " +
                 ast::kind_name(node->kind()));
    EXPECT_LE(kid->range().begin, kid->range().end);
    if (node->kind() != ast::NodeKind::Program) {
      EXPECT_GE(kid->range().begin, node->range().begin);
      EXPECT_LE(kid->range().end, node->range().end);
    }
    EXPECT_GE(kid->range().begin, previous_begin);
    previous_begin = kid->range().begin;
    expect_nested_ranges(kid, source);
  }
}

const char* const kEverything = R"bt(#!/usr/bin/env bpftrace
#include <linux/sched.h>
struct Foo { int x; } __attribute__((packed));
config = { max_strlen = 100; stack_mode = perf }
import "lib.bt";
let @m = lruhash(100);
macro add($a, @b, c) { $a + c }
fn f($a: int32, $b: struct Foo*): uint64 { return $a + 1; }
p=kprobe:vfs_read+8, uprobe:/bin/x:cpp:"ns::f(int)" /pid == $1/ {
  let $x: uint8[4] = (1, 2);
  $z += 2; @c[1, 2] <<= 3; @d++; --$z; _ = $z ? 1 : 2; $e = $z ?: 5;
  if $z { 1 } else if ($z > 2) { 2 } else { 3 }
  for ($kv : @m) { $kv.0; break; }
  for $i : 0..10 { continue; }
  while ($i < 3) { $i++ }
  unroll(3) { @x = *$p; $q = &$z; }
  { let $w = 1; }
  $v = { let $t = 1; $t + 1 };
  $u = if $z { 1 } else if $y { 2 } else { 3 };
  $r = (name=1, size=(1, "a"), e=(), f=(1,));
  $s = sizeof(struct Foo) + sizeof($x) + offsetof(struct Foo, z.y);
  $t = (myident)*$a + (pid_t *)$p + (typeof($x))$y + (string[64])$p;
  $n = $# + $s[0] + true + comptime 1 + typeinfo(int8);
  container_of($p, struct Foo, z);
  return
}
)bt";

TEST_F(ParserTest, RangesNestInEveryNodeOfAFullScript) {
  ASSERT_NE(clean(kEverything), nullptr);
  expect_nested_ranges(program_, *source_);
}

// Counts every node it visits, recursing through the default children.
class CountingVisitor : public ast::Visitor<CountingVisitor> {
public:
#define NODE(Name)                                                             \
  void visit_##Name(ast::Name* node) {                                         \
    ++count;                                                                   \
    visit_children(node);                                                      \
  }
#include "ast/nodes.def"
  size_t count = 0;
};

TEST_F(ParserTest, VisitorAndCollectChildrenAgree) {
  ASSERT_NE(clean(kEverything), nullptr);
  size_t expected = 0;
  std::vector<ast::Node*> stack{program_};
  while (!stack.empty()) {
    ast::Node* node = stack.back();
    stack.pop_back();
    ++expected;
    ast::collect_children(node, stack);
  }
  CountingVisitor visitor;
  visitor.visit(program_);
  EXPECT_EQ(visitor.count, expected);
  EXPECT_GT(expected, 150u);
}

// ---- Top-level items ------------------------------------------------------

TEST_F(ParserTest, TopLevelItemsKeepTheirOrderAndKinds) {
  ASSERT_NE(clean(kEverything), nullptr);
  const NodeKind kinds[] = {NodeKind::CDefinitions, NodeKind::Config,
                            NodeKind::Import,       NodeKind::MapDecl,
                            NodeKind::MacroDef,     NodeKind::FunctionDef,
                            NodeKind::Probe};
  ASSERT_EQ(program_->items.size(), std::size(kinds));
  for (size_t i = 0; i < std::size(kinds); ++i) {
    EXPECT_EQ(program_->items[i]->kind(), kinds[i]) << i;
  }
  EXPECT_EQ(program_->probes.size(), 1u);
  EXPECT_EQ(program_->configs.size(), 1u);
  EXPECT_EQ(program_->imports.size(), 1u);
  EXPECT_EQ(program_->macros.size(), 1u);
  EXPECT_EQ(program_->functions.size(), 1u);
  EXPECT_EQ(program_->map_decls.size(), 1u);
  EXPECT_EQ(program_->c_definitions, program_->items[0]);
  // The program starts at the first item, after the shebang line.
  EXPECT_EQ(text(program_).substr(0, 8), "#include");
}

TEST_F(ParserTest, CDefinitionsAreKeptVerbatim) {
  const std::string script = "#include <linux/sched.h>\n"
                             "#define X(a) \\\n  ((a) + 1)\n"
                             "struct __attribute__((aligned(8))) S {\n"
                             "  int a; /* } */ char b[4]; // }\n"
                             "} __attribute__((packed));\n"
                             "union U { int x; };\n"
                             "enum { A, B };\n"
                             "struct Fwd;\n"
                             "BEGIN {}";
  ASSERT_NE(clean(script), nullptr);
  ASSERT_NE(program_->c_definitions, nullptr);
  const auto& items = program_->c_definitions->items;
  using CKind = ast::CDefinition::Kind;
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[0].kind, CKind::Preprocessor);
  EXPECT_EQ(items[0].text, "#include <linux/sched.h>");
  EXPECT_EQ(items[1].text, "#define X(a) \\\n  ((a) + 1)");
  EXPECT_EQ(items[2].kind, CKind::Struct);
  EXPECT_EQ(items[2].name, "S");
  EXPECT_TRUE(items[2].text.ends_with("\n} __attribute__((packed));"));
  EXPECT_EQ(items[3].kind, CKind::Union);
  EXPECT_EQ(items[3].name, "U");
  EXPECT_EQ(items[4].kind, CKind::Enum);
  EXPECT_EQ(items[4].name, "");
  EXPECT_EQ(items[5].text, "struct Fwd;");
  for (const ast::CDefinition& item : items) {
    EXPECT_EQ(text(item.range), item.text);
  }
  EXPECT_EQ(text(program_->c_definitions).substr(0, 8), "#include");
}

TEST_F(ParserTest, ConfigEntries) {
  ASSERT_NE(clean("config = { a = 1; B = \"x\"; c = true; d = perf; }"),
            nullptr);
  ASSERT_EQ(program_->configs.size(), 1u);
  const auto& entries = program_->configs[0]->entries;
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].key, "a");
  EXPECT_EQ(text(entries[0].key_range), "a");
  EXPECT_EQ(text(entries[0].range), "a = 1");
  EXPECT_EQ(as<ast::IntLiteral>(entries[0].value)->value, 1u);
  EXPECT_EQ(as<ast::StringLiteral>(entries[1].value)->value, "x");
  EXPECT_TRUE(as<ast::BoolLiteral>(entries[2].value)->value);
  EXPECT_EQ(as<ast::Builtin>(entries[3].value)->name, "perf");
  // The last ';' is optional and the block may be empty.
  EXPECT_NE(clean("config = { a = 1 }"), nullptr);
  EXPECT_NE(clean("config={}"), nullptr);
}

TEST_F(ParserTest, ImportMacroFunctionAndMapDecl) {
  ASSERT_NE(clean("import \"a/b.bt\";\n"
                  "macro m($v, @map, e) { $v + e }\n"
                  "macro none() { 1; }\n"
                  "fn f($a: int64, $b: string[8]): void { }\n"
                  "fn g() { }\n"
                  "let @h = percpuhash(1024);"),
            nullptr);
  auto* import = program_->imports[0];
  EXPECT_EQ(import->path, "a/b.bt");
  EXPECT_EQ(text(import), "import \"a/b.bt\"");
  EXPECT_EQ(text(import->path_range), "\"a/b.bt\"");

  auto* macro = program_->macros[0];
  EXPECT_EQ(macro->name, "m");
  EXPECT_EQ(text(macro->name_range), "m");
  ASSERT_EQ(macro->params.size(), 3u);
  EXPECT_EQ(macro->params[0].kind, ast::MacroParam::Kind::Variable);
  EXPECT_EQ(macro->params[0].name, "v");
  EXPECT_EQ(text(macro->params[0].range), "$v");
  EXPECT_EQ(macro->params[1].kind, ast::MacroParam::Kind::Map);
  EXPECT_EQ(macro->params[1].name, "@map");
  EXPECT_EQ(macro->params[2].kind, ast::MacroParam::Kind::Ident);
  EXPECT_TRUE(macro->body->ends_in_expr);
  EXPECT_FALSE(program_->macros[1]->body->ends_in_expr);
  EXPECT_TRUE(program_->macros[1]->params.empty());

  auto* fn = program_->functions[0];
  EXPECT_EQ(fn->name, "f");
  ASSERT_EQ(fn->params.size(), 2u);
  EXPECT_EQ(fn->params[0].name, "a");
  EXPECT_EQ(text(fn->params[0].name_range), "$a");
  EXPECT_EQ(fn->params[0].type->base, TypeKind::Int);
  EXPECT_EQ(fn->params[1].type->base, TypeKind::String);
  EXPECT_EQ(fn->params[1].type->size, 8u);
  ASSERT_NE(fn->return_type, nullptr);
  EXPECT_EQ(fn->return_type->base, TypeKind::Void);
  EXPECT_EQ(program_->functions[1]->return_type, nullptr);

  auto* decl = program_->map_decls[0];
  EXPECT_EQ(decl->name, "@h");
  EXPECT_EQ(decl->map_type, "percpuhash");
  EXPECT_EQ(text(decl->map_type_range), "percpuhash");
  ASSERT_EQ(decl->args.size(), 1u);
  EXPECT_EQ(as<ast::IntLiteral>(decl->args[0])->value, 1024u);
  EXPECT_EQ(text(decl), "let @h = percpuhash(1024)");
}

TEST_F(ParserTest, ItemsOutOfOrderAreReportedButKept) {
  run("BEGIN {}\nconfig = { a = 1 }\nimport \"x\";\n#define A 1\n");
  EXPECT_EQ(kinds(),
            (std::vector<Kind>{Kind::ConfigOutOfOrder, Kind::ConfigOutOfOrder,
                               Kind::CDefinitionOutOfOrder}));
  ASSERT_NE(program_, nullptr);
  EXPECT_EQ(program_->items.size(), 4u);
  const diag::Diagnostic& config = capture_.diagnostics[0];
  EXPECT_EQ(text(config.range), "config");
  ASSERT_EQ(config.attachments.size(), 1u);
  EXPECT_EQ(config.attachments[0].kind, Kind::EarlierItem);
  EXPECT_EQ(text(config.attachments[0].range), "BEGIN");
  // The C definition is reported against the first item it must precede.
  EXPECT_EQ(text(capture_.diagnostics[2].attachments[0].range), "BEGIN");
}

TEST_F(ParserTest, ItemsInOrderAreFine) {
  EXPECT_NE(clean("#define A 1\nimport \"x\";\nconfig = {}\nimport \"y\";\n"
                  "fn f() {}\nBEGIN {}\nmacro m() {}\nlet @m = hash(1);"),
            nullptr);
}

// ---- Attach points --------------------------------------------------------

struct AttachPointCase {
  const char* written;
  const char* raw;
  const char* label;
  std::vector<std::string> parts;
};

TEST_F(ParserTest, AttachPointsOfEveryProvider) {
  const AttachPointCase cases[] = {
      {"kprobe:vfs_read+16",
       "kprobe:vfs_read+16",
       "",
       {"kprobe", "vfs_read+16"}},
      {"kprobe:ext4:ext4_sync_file",
       "kprobe:ext4:ext4_sync_file",
       "",
       {"kprobe", "ext4", "ext4_sync_file"}},
      {"kprobe:0xffffffff8100",
       "kprobe:0xffffffff8100",
       "",
       {"kprobe", "0xffffffff8100"}},
      {"uprobe:/bin/bash:0x4a0",
       "uprobe:/bin/bash:0x4a0",
       "",
       {"uprobe", "/bin/bash", "0x4a0"}},
      {"uprobe:/bin/x@file.c:10:2",
       "uprobe:/bin/x@file.c:10:2",
       "",
       {"uprobe", "/bin/x@file.c", "10", "2"}},
      {"uprobe:libc:malloc",
       "uprobe:libc:malloc",
       "",
       {"uprobe", "libc", "malloc"}},
      {"uprobe:\"a.apk!/lib/x.so\":f",
       "uprobe:\"a.apk!/lib/x.so\":f",
       "",
       {"uprobe", "a.apk!/lib/x.so", "f"}},
      {"usdt:/usr/lib/libc.so.6:libc:setjmp",
       "usdt:/usr/lib/libc.so.6:libc:setjmp",
       "",
       {"usdt", "/usr/lib/libc.so.6", "libc", "setjmp"}},
      {"profile:10ms", "profile:10ms", "", {"profile", "10ms"}},
      {"software:faults:100",
       "software:faults:100",
       "",
       {"software", "faults", "100"}},
      {"hardware:cycles", "hardware:cycles", "", {"hardware", "cycles"}},
      {"watchpoint:0x10000000:8:rw",
       "watchpoint:0x10000000:8:rw",
       "",
       {"watchpoint", "0x10000000", "8", "rw"}},
      {"iter:task:/sys/fs/bpf/pin",
       "iter:task:/sys/fs/bpf/pin",
       "",
       {"iter", "task", "/sys/fs/bpf/pin"}},
      {"fentry:bpf:123:name",
       "fentry:bpf:123:name",
       "",
       {"fentry", "bpf", "123", "name"}},
      {"self:signal:SIGUSR1",
       "self:signal:SIGUSR1",
       "",
       {"self", "signal", "SIGUSR1"}},
      {"test:x", "test:x", "", {"test", "x"}},
      {"bench:x", "bench:x", "", {"bench", "x"}},
      {"*:foo", "*:foo", "", {"*", "foo"}},
      {"k*:vfs_read", "k*:vfs_read", "", {"k*", "vfs_read"}},
      {"uprobe:$1:main", "uprobe:$1:main", "", {"uprobe", "$1", "main"}},
      {"begin", "begin", "", {"begin"}},
      {"end:*", "end:*", "", {"end", "*"}},
      {"my_name=kprobe:f", "kprobe:f", "my_name", {"kprobe", "f"}},
      {"x1=BEGIN", "BEGIN", "x1", {"BEGIN"}},
  };
  for (const AttachPointCase& c : cases) {
    SCOPED_TRACE(c.written);
    context_ = {};
    capture_.diagnostics.clear();
    ASSERT_NE(clean(std::string(c.written) + " { }"), nullptr);
    ASSERT_EQ(program_->probes.size(), 1u);
    ast::AttachPoint* ap = program_->probes[0]->attach_points[0];
    EXPECT_EQ(ap->raw, c.raw);
    EXPECT_EQ(ap->label, c.label);
    EXPECT_EQ(ap->parts, c.parts);
    EXPECT_EQ(text(ap), c.written);
    if (ap->label.empty()) {
      EXPECT_EQ(ap->label_range.begin, ap->label_range.end);
    } else {
      EXPECT_EQ(text(ap->label_range), c.label);
    }
  }
}

// ---- Statements -----------------------------------------------------------

TEST_F(ParserTest, VarDeclForms) {
  ast::Block* block =
      body("let $a; let $b = 1; let $c: int16; let $d: pid_t* = 0; "
           "let $e: typeof($a)");
  ASSERT_NE(block, nullptr);
  ASSERT_EQ(block->stmts.size(), 5u);
  auto* a = as<ast::VarDecl>(block->stmts[0]);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->var->name, "a");
  EXPECT_EQ(a->type, nullptr);
  EXPECT_EQ(a->init, nullptr);
  EXPECT_EQ(text(a), "let $a");
  auto* b = as<ast::VarDecl>(block->stmts[1]);
  EXPECT_EQ(as<ast::IntLiteral>(b->init)->value, 1u);
  auto* c = as<ast::VarDecl>(block->stmts[2]);
  ASSERT_NE(c->type, nullptr);
  EXPECT_EQ(c->type->base, TypeKind::Int);
  EXPECT_TRUE(c->type->is_signed);
  EXPECT_EQ(c->type->bits, 16);
  auto* d = as<ast::VarDecl>(block->stmts[3]);
  EXPECT_EQ(d->type->base, TypeKind::Named);
  EXPECT_EQ(d->type->name, "pid_t");
  EXPECT_EQ(d->type->pointer_depth(), 1u);
  EXPECT_EQ(text(d->type), "pid_t*");
  EXPECT_EQ(text(d), "let $d: pid_t* = 0");
  auto* e = as<ast::VarDecl>(block->stmts[4]);
  EXPECT_EQ(e->type->base, TypeKind::Typeof);
  ASSERT_NE(e->type->of, nullptr);
  EXPECT_EQ(e->type->of->expr->kind(), NodeKind::Variable);
}

TEST_F(ParserTest, CompoundAssignments) {
  const std::pair<const char*, BinaryOp> ops[] = {
      {"+=", BinaryOp::Add},   {"-=", BinaryOp::Sub},
      {"*=", BinaryOp::Mul},   {"/=", BinaryOp::Div},
      {"%=", BinaryOp::Mod},   {"&=", BinaryOp::BitAnd},
      {"|=", BinaryOp::BitOr}, {"^=", BinaryOp::BitXor},
      {"<<=", BinaryOp::Shl},  {">>=", BinaryOp::Shr},
  };
  for (const auto& [spelling, op] : ops) {
    SCOPED_TRACE(spelling);
    ast::Block* block = body(std::string("$x ") + spelling + " 1; @m " +
                             spelling + " 2; @m[k] " + spelling + " 3; $y = 4");
    ASSERT_NE(block, nullptr);
    auto* var = as<ast::AssignVar>(block->stmts[0]);
    ASSERT_NE(var, nullptr);
    EXPECT_EQ(var->compound, op);
    auto* map = as<ast::AssignMap>(block->stmts[1]);
    ASSERT_NE(map, nullptr);
    EXPECT_EQ(map->compound, op);
    auto* keyed = as<ast::AssignMap>(block->stmts[2]);
    ASSERT_NE(keyed, nullptr);
    EXPECT_EQ(keyed->compound, op);
    EXPECT_EQ(keyed->target->keys.size(), 1u);
    EXPECT_EQ(as<ast::AssignVar>(block->stmts[3])->compound, std::nullopt);
  }
}

TEST_F(ParserTest, DiscardBreakContinueReturn) {
  ast::Block* block = body("_ = f(); break; continue; return; return 1 + 2");
  ASSERT_NE(block, nullptr);
  ASSERT_EQ(block->stmts.size(), 5u);
  auto* discard = as<ast::Discard>(block->stmts[0]);
  EXPECT_EQ(discard->expr->kind(), NodeKind::Call);
  EXPECT_EQ(text(discard), "_ = f()");
  EXPECT_EQ(block->stmts[1]->kind(), NodeKind::Break);
  EXPECT_EQ(block->stmts[2]->kind(), NodeKind::Continue);
  EXPECT_EQ(as<ast::Return>(block->stmts[3])->value, nullptr);
  auto* ret = as<ast::Return>(block->stmts[4]);
  EXPECT_EQ(text(ret), "return 1 + 2");
  EXPECT_EQ(ret->value->kind(), NodeKind::Binary);
}

TEST_F(ParserTest, IfWithoutParenthesesTakesAUnaryCondition) {
  for (const char* cond : {"$x", "!$x", "-f()", "@m[1]", "$t.0", "(a > b)",
                           "comptime is_str($s)", "*$p"}) {
    SCOPED_TRACE(cond);
    auto* stmt = as<ast::If>(this->stmt(std::string("if ") + cond + " { 1 }"));
    ASSERT_NE(stmt, nullptr);
    std::string_view written = cond;
    if (written.front() == '(') {
      written = written.substr(1, written.size() - 2);
    }
    EXPECT_EQ(text(stmt->cond), written);
  }
}

TEST_F(ParserTest, LoopsAndBlocks) {
  ast::Block* block = body("while ($i < 3) { $i++ } "
                           "for ($kv : @m) { } for $kv : @m { } "
                           "for ($i : 0..$n + 1) { } for $i : 1..10 { } "
                           "unroll(4) { } { 1; }");
  ASSERT_NE(block, nullptr);
  ASSERT_EQ(block->stmts.size(), 7u);
  auto* loop = as<ast::While>(block->stmts[0]);
  EXPECT_EQ(as<ast::Binary>(loop->cond)->op, BinaryOp::Lt);
  EXPECT_EQ(loop->body->stmts.size(), 1u);
  for (int i : {1, 2}) {
    auto* over_map = as<ast::ForMap>(block->stmts[i]);
    ASSERT_NE(over_map, nullptr);
    EXPECT_EQ(over_map->var->name, "kv");
    EXPECT_EQ(over_map->map->name, "@m");
    EXPECT_TRUE(over_map->map->keys.empty());
    EXPECT_EQ(text(over_map->map), "@m");
  }
  auto* range = as<ast::ForRange>(block->stmts[3]);
  ASSERT_NE(range, nullptr);
  EXPECT_EQ(text(range->start), "0");
  EXPECT_EQ(text(range->end), "$n + 1");
  EXPECT_EQ(text(range), "for ($i : 0..$n + 1) { }");
  auto* bare = as<ast::ForRange>(block->stmts[4]);
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(as<ast::IntLiteral>(bare->end)->value, 10u);
  auto* unroll = as<ast::Unroll>(block->stmts[5]);
  EXPECT_EQ(as<ast::IntLiteral>(unroll->count)->value, 4u);
  auto* inner = as<ast::BlockStmt>(block->stmts[6]);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(text(inner), "{ 1; }");
  EXPECT_FALSE(inner->block->ends_in_expr);
}

TEST_F(ParserTest, ImportStatementInsideABlock) {
  auto* import = as<ast::Import>(stmt("import \"x.bt\";"));
  ASSERT_NE(import, nullptr);
  EXPECT_EQ(import->path, "x.bt");
}

// ---- Expressions ----------------------------------------------------------

TEST_F(ParserTest, TernaryIsLowestAndRightAssociative) {
  auto* outer = as<ast::Ternary>(expr("a || b ? c : d ? e : f"));
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(as<ast::Binary>(outer->cond)->op, BinaryOp::LogicalOr);
  EXPECT_EQ(text(outer->then_expr), "c");
  auto* inner = as<ast::Ternary>(outer->else_expr);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(text(inner), "d ? e : f");
  // The middle operand may itself be a ternary.
  auto* middle = as<ast::Ternary>(expr("a ? b ? c : d : e"));
  ASSERT_NE(middle, nullptr);
  EXPECT_EQ(text(middle->then_expr), "b ? c : d");
}

TEST_F(ParserTest, ElvisHasNoThenBranch) {
  for (const char* source : {"a ?: b || c", "a ? : b || c"}) {
    SCOPED_TRACE(source);
    auto* elvis = as<ast::Ternary>(expr(source));
    ASSERT_NE(elvis, nullptr);
    EXPECT_EQ(elvis->then_expr, nullptr);
    EXPECT_EQ(text(elvis->cond), "a");
    EXPECT_EQ(as<ast::Binary>(elvis->else_expr)->op, BinaryOp::LogicalOr);
  }
}

TEST_F(ParserTest, DerefAndAddressOfAreUnary) {
  auto* mul = as<ast::Binary>(expr("*$p * &$x"));
  ASSERT_NE(mul, nullptr);
  EXPECT_EQ(mul->op, BinaryOp::Mul);
  EXPECT_EQ(as<ast::Unary>(mul->lhs)->op, UnaryOp::Deref);
  EXPECT_EQ(as<ast::Unary>(mul->rhs)->op, UnaryOp::AddressOf);
  // Postfix binds tighter: *$p.x is *($p.x).
  auto* deref = as<ast::Unary>(expr("*$p.x"));
  ASSERT_NE(deref, nullptr);
  EXPECT_EQ(deref->operand->kind(), NodeKind::FieldAccess);
  auto* bit_and = as<ast::Binary>(expr("$a & @m"));
  ASSERT_NE(bit_and, nullptr);
  EXPECT_EQ(bit_and->op, BinaryOp::BitAnd);
}

TEST_F(ParserTest, IncrementAndDecrement) {
  ast::Block* block = body("$x++; @m--; ++@m[1]; --$y; $a = $b++ + 1");
  ASSERT_NE(block, nullptr);
  const std::tuple<bool, bool, NodeKind> expected[] = {
      {true, false, NodeKind::Variable},
      {false, false, NodeKind::MapAccess},
      {true, true, NodeKind::MapAccess},
      {false, true, NodeKind::Variable},
  };
  for (size_t i = 0; i < std::size(expected); ++i) {
    auto* incdec = as<ast::IncDec>(as<ast::ExprStmt>(block->stmts[i])->expr);
    ASSERT_NE(incdec, nullptr);
    EXPECT_EQ(incdec->increment, std::get<0>(expected[i]));
    EXPECT_EQ(incdec->prefix, std::get<1>(expected[i]));
    EXPECT_EQ(incdec->operand->kind(), std::get<2>(expected[i]));
  }
  auto* add = as<ast::Binary>(as<ast::AssignVar>(block->stmts[4])->value);
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(text(add->lhs), "$b++");
}

TEST_F(ParserTest, CastsBindLikeUnaryOperators) {
  auto* add = as<ast::Binary>(expr("(uint8)$x + 1"));
  ASSERT_NE(add, nullptr);
  auto* cast = as<ast::Cast>(add->lhs);
  ASSERT_NE(cast, nullptr);
  EXPECT_EQ(text(cast), "(uint8)$x");
  EXPECT_EQ(cast->type->base, TypeKind::Int);
  EXPECT_FALSE(cast->type->is_signed);
  EXPECT_EQ(cast->type->bits, 8);
  EXPECT_EQ(text(cast->type), "uint8");
  auto* nested = as<ast::Cast>(expr("(int64)(uint8)-$x"));
  ASSERT_NE(nested, nullptr);
  auto* inner = as<ast::Cast>(nested->expr);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(as<ast::Unary>(inner->expr)->op, UnaryOp::Neg);
}

TEST_F(ParserTest, ParenthesisedIdentifierIsACastBeforeAnExpression) {
  // Followed by something that starts an expression: a cast.
  for (const char* source :
       {"(t)*$a", "(t)-1", "(t)&$x", "(t)(x)", "(t)$x", "(t)@m", "(t)1",
        "(t)\"s\"", "(t)!x", "(t)~x", "(t)y", "(t)--$x", "(t)sizeof(x)"}) {
    SCOPED_TRACE(source);
    auto* cast = as<ast::Cast>(expr(source));
    ASSERT_NE(cast, nullptr);
    EXPECT_EQ(cast->type->base, TypeKind::Named);
    EXPECT_EQ(cast->type->name, "t");
    EXPECT_EQ(text(cast->type), "t");
    EXPECT_EQ(text(cast), source);
  }
  // Otherwise a parenthesised builtin.
  for (const char* source : {"(t) + 1", "(t) == 1", "(t).f", "(t)[0]", "(t)",
                             "(t) ? 1 : 2", "(t) / 2"}) {
    SCOPED_TRACE(source);
    ast::Expr* e = expr(source);
    ASSERT_NE(e, nullptr);
    EXPECT_NE(e->kind(), NodeKind::Cast);
  }
  auto* builtin = as<ast::Builtin>(expr("(t)"));
  ASSERT_NE(builtin, nullptr);
  EXPECT_EQ(text(builtin), "t");
}

TEST_F(ParserTest, IdentifierFollowedByStarsIsAPointerType) {
  auto* cast = as<ast::Cast>(expr("(pid_t **)$p"));
  ASSERT_NE(cast, nullptr);
  EXPECT_EQ(cast->type->name, "pid_t");
  EXPECT_EQ(cast->type->pointer_depth(), 2u);
  EXPECT_EQ(text(cast->type), "pid_t **");
  // A multiplication is still a multiplication.
  auto* mul = as<ast::Binary>(expr("(a * b)"));
  ASSERT_NE(mul, nullptr);
  EXPECT_EQ(mul->op, BinaryOp::Mul);
}

TEST_F(ParserTest, TypeSuffixesReadLeftToRight) {
  auto* cast = as<ast::Cast>(expr("(int32*[4])$p"));
  ASSERT_NE(cast, nullptr);
  const ast::TypeSpec* type = cast->type;
  ASSERT_EQ(type->suffixes.size(), 2u);
  EXPECT_EQ(type->suffixes[0].kind, ast::TypeSuffix::Kind::Pointer);
  EXPECT_EQ(type->suffixes[1].kind, ast::TypeSuffix::Kind::Array);
  EXPECT_EQ(type->suffixes[1].size, 4u);
  EXPECT_EQ(text(type->suffixes[1].range), "[4]");
  EXPECT_EQ(type->array_sizes(),
            (std::vector<std::optional<uint64_t>>{uint64_t{4}}));
  auto* unsized = as<ast::Cast>(expr("(uint8[])$p"));
  ASSERT_NE(unsized, nullptr);
  EXPECT_EQ(unsized->type->array_sizes(),
            (std::vector<std::optional<uint64_t>>{std::nullopt}));
}

TEST_F(ParserTest, SizedTypesTakeTheirSize) {
  const std::tuple<const char*, TypeKind, std::optional<uint64_t>> cases[] = {
      {"string", TypeKind::String, std::nullopt},
      {"string[64]", TypeKind::String, 64},
      {"buffer[16]", TypeKind::Buffer, 16},
      {"inet[4]", TypeKind::Inet, 4},
  };
  for (const auto& [spelling, kind, size] : cases) {
    SCOPED_TRACE(spelling);
    auto* cast = as<ast::Cast>(expr(std::string("(") + spelling + ")$p"));
    ASSERT_NE(cast, nullptr);
    EXPECT_EQ(cast->type->base, kind);
    EXPECT_EQ(cast->type->size, size);
    EXPECT_TRUE(cast->type->suffixes.empty());
  }
  // A second `[N]` is an array of sized strings.
  auto* decl = as<ast::VarDecl>(stmt("let $s: string[8][2]"));
  ASSERT_NE(decl, nullptr);
  EXPECT_EQ(decl->type->size, 8u);
  EXPECT_EQ(decl->type->array_sizes().size(), 1u);
}

TEST_F(ParserTest, StructUnionEnumAndTupleTypes) {
  const std::pair<const char*, TypeKind> cases[] = {
      {"struct task_struct *", TypeKind::Struct},
      {"union u", TypeKind::Union},
      {"enum e", TypeKind::Enum},
      {"bool", TypeKind::Bool},
      {"void *", TypeKind::Void},
  };
  for (const auto& [spelling, kind] : cases) {
    SCOPED_TRACE(spelling);
    auto* size = as<ast::Sizeof>(expr(std::string("sizeof(") + spelling + ")"));
    ASSERT_NE(size, nullptr);
    ASSERT_NE(size->type, nullptr);
    EXPECT_EQ(size->expr, nullptr);
    EXPECT_EQ(size->type->base, kind);
    EXPECT_EQ(text(size->type), spelling);
  }
  auto* tuple = as<ast::VarDecl>(stmt("let $t: (int8, (string,), ())"));
  ASSERT_NE(tuple, nullptr);
  EXPECT_EQ(tuple->type->base, TypeKind::Tuple);
  ASSERT_EQ(tuple->type->elements.size(), 3u);
  EXPECT_EQ(tuple->type->elements[1]->elements.size(), 1u);
  EXPECT_TRUE(tuple->type->elements[2]->elements.empty());
}

TEST_F(ParserTest, TupleOrParenthesisedExpression) {
  EXPECT_EQ(expr("(1)")->kind(), NodeKind::IntLiteral);
  EXPECT_EQ(expr("((1))")->kind(), NodeKind::IntLiteral);
  auto* empty = as<ast::Tuple>(expr("()"));
  ASSERT_NE(empty, nullptr);
  EXPECT_TRUE(empty->elements.empty());
  auto* single = as<ast::Tuple>(expr("(1,)"));
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(single->elements.size(), 1u);
  EXPECT_EQ(text(single), "(1,)");
  auto* pair = as<ast::Tuple>(expr("(1, (2, 3))"));
  ASSERT_NE(pair, nullptr);
  ASSERT_EQ(pair->elements.size(), 2u);
  EXPECT_EQ(pair->elements[1]->kind(), NodeKind::Tuple);
  auto* access = as<ast::TupleAccess>(expr("$t.1.0"));
  ASSERT_NE(access, nullptr);
  EXPECT_EQ(access->index, 0u);
  EXPECT_EQ(text(access->index_range), "0");
  EXPECT_EQ(as<ast::TupleAccess>(access->base)->index, 1u);
}

TEST_F(ParserTest, RecordLiteral) {
  auto* record = as<ast::Record>(expr("(name = \"x\", size = 2)"));
  ASSERT_NE(record, nullptr);
  ASSERT_EQ(record->fields.size(), 2u);
  EXPECT_EQ(record->fields[0].name, "name");
  EXPECT_EQ(text(record->fields[0].name_range), "name");
  EXPECT_EQ(record->fields[1].name, "size");
  EXPECT_EQ(as<ast::IntLiteral>(record->fields[1].value)->value, 2u);
  EXPECT_EQ(as<ast::Record>(expr("(a=1)"))->fields.size(), 1u);
}

TEST_F(ParserTest, IndexOnValuesAndKeysOnMaps) {
  auto* index = as<ast::Index>(expr("$s[0]"));
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->base->kind(), NodeKind::Variable);
  auto* map = as<ast::MapAccess>(expr("@m[1]"));
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->keys.size(), 1u);
  // An index after the keys indexes the map's value.
  auto* value_index = as<ast::Index>(expr("@m[1][2]"));
  ASSERT_NE(value_index, nullptr);
  EXPECT_EQ(text(value_index->base), "@m[1]");
  auto* chained = as<ast::Index>(expr("args.argv[1][2]"));
  ASSERT_NE(chained, nullptr);
  EXPECT_EQ(chained->base->kind(), NodeKind::Index);
}

TEST_F(ParserTest, SizeofOffsetofTypeofTypeinfo) {
  auto* by_type = as<ast::Sizeof>(expr("sizeof(uint64_t)"));
  ASSERT_NE(by_type, nullptr);
  ASSERT_NE(by_type->type, nullptr);
  EXPECT_EQ(by_type->type->base, TypeKind::Named);
  auto* by_expr = as<ast::Sizeof>(expr("sizeof($x + 1)"));
  ASSERT_NE(by_expr, nullptr);
  EXPECT_EQ(by_expr->type, nullptr);
  EXPECT_EQ(by_expr->expr->kind(), NodeKind::Binary);

  auto* offset = as<ast::Offsetof>(expr("offsetof(struct task_struct, a.b.c)"));
  ASSERT_NE(offset, nullptr);
  EXPECT_EQ(offset->fields, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(offset->field_ranges.size(), 3u);
  EXPECT_EQ(text(offset->field_ranges[2]), "c");
  EXPECT_EQ(offset->type->name, "task_struct");
  auto* on_expr = as<ast::Offsetof>(expr("offsetof(*curtask, comm)"));
  ASSERT_NE(on_expr, nullptr);
  EXPECT_EQ(on_expr->type, nullptr);
  auto* on_typedef = as<ast::Offsetof>(expr("offsetof(foo_t, x)"));
  ASSERT_NE(on_typedef, nullptr);
  EXPECT_EQ(on_typedef->type->name, "foo_t");

  auto* type_of = as<ast::Typeof>(expr("typeof(struct x)"));
  ASSERT_NE(type_of, nullptr);
  EXPECT_EQ(type_of->type->base, TypeKind::Struct);
  EXPECT_FALSE(type_of->implicit);
  EXPECT_EQ(as<ast::Typeof>(expr("typeof($x)"))->expr->kind(),
            NodeKind::Variable);
  EXPECT_EQ(as<ast::Typeof>(expr("typeof(x)"))->type->name, "x");
  auto* info = as<ast::Typeinfo>(expr("typeinfo($x)"));
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->expr->kind(), NodeKind::Variable);
}

TEST_F(ParserTest, TypesAsCallArgumentsAreImplicitTypeofs) {
  auto* call = as<ast::Call>(expr("container_of($p, struct foo, list)"));
  ASSERT_NE(call, nullptr);
  ASSERT_EQ(call->args.size(), 3u);
  auto* type = as<ast::Typeof>(call->args[1]);
  ASSERT_NE(type, nullptr);
  EXPECT_TRUE(type->implicit);
  EXPECT_EQ(text(type), "struct foo");
  auto* macro = as<ast::Call>(expr("m(typeof(uint8), @map, $v)"));
  ASSERT_NE(macro, nullptr);
  EXPECT_FALSE(as<ast::Typeof>(macro->args[0])->implicit);
  EXPECT_EQ(macro->args[1]->kind(), NodeKind::MapAccess);
}

TEST_F(ParserTest, LiteralsAndPositionals) {
  EXPECT_TRUE(as<ast::BoolLiteral>(expr("true"))->value);
  EXPECT_FALSE(as<ast::BoolLiteral>(expr("false"))->value);
  auto* positional = as<ast::Positional>(expr("$12"));
  ASSERT_NE(positional, nullptr);
  EXPECT_EQ(positional->index, 12u);
  EXPECT_EQ(expr("$#")->kind(), NodeKind::PositionalCount);
  run("BEGIN { $99999999999999999999 }");
  EXPECT_EQ(kinds(), std::vector<Kind>{Kind::InvalidPositional});
}

TEST_F(ParserTest, ComptimeBindsLikeAUnaryOperator) {
  auto* eq = as<ast::Binary>(expr("comptime a == b"));
  ASSERT_NE(eq, nullptr);
  EXPECT_EQ(eq->lhs->kind(), NodeKind::Comptime);
  auto* call = as<ast::Comptime>(expr("comptime f(1)"));
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->expr->kind(), NodeKind::Call);
}

TEST_F(ParserTest, BlockAndIfExpressions) {
  auto* block = as<ast::BlockExpr>(value("{ let $a = 1; $a + 1 }"));
  ASSERT_NE(block, nullptr);
  EXPECT_TRUE(block->block->ends_in_expr);
  EXPECT_EQ(block->block->stmts.size(), 2u);
  EXPECT_EQ(text(block), "{ let $a = 1; $a + 1 }");

  auto* chain =
      as<ast::IfExpr>(value("if $a { 1 } else if $b { 2 } else { 3 }"));
  ASSERT_NE(chain, nullptr);
  EXPECT_TRUE(chain->then_block->ends_in_expr);
  ASSERT_EQ(chain->else_block->stmts.size(), 1u);
  EXPECT_TRUE(chain->else_block->ends_in_expr);
  auto* nested =
      as<ast::IfExpr>(as<ast::ExprStmt>(chain->else_block->stmts[0])->expr);
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(text(nested), "if $b { 2 } else { 3 }");
  // At the start of a statement `{` is a block and `if` a statement.
  EXPECT_EQ(stmt("{ 1 }")->kind(), NodeKind::BlockStmt);
  EXPECT_EQ(stmt("if $a { 1 } else { 2 }")->kind(), NodeKind::If);
  // Values in parentheses and arguments.
  EXPECT_EQ(expr("f({ 1 }, if $a { 1 } else { 2 })")->kind(), NodeKind::Call);
  EXPECT_EQ(expr("({ 1 })")->kind(), NodeKind::BlockExpr);
}

TEST_F(ParserTest, KeywordsAreFieldNames) {
  for (const char* field : {"string", "buffer", "let", "fn", "macro", "true",
                            "typeof", "comptime", "_", "int32", "import"}) {
    SCOPED_TRACE(field);
    auto* access = as<ast::FieldAccess>(expr(std::string("$x.") + field));
    ASSERT_NE(access, nullptr);
    EXPECT_EQ(access->field, field);
  }
  // `config` is a builtin inside a probe.
  EXPECT_EQ(as<ast::FieldAccess>(expr("config.max_strlen"))->base->kind(),
            NodeKind::Builtin);
}

// ---- Diagnostics and recovery --------------------------------------------

TEST_F(ParserTest, MissingBraceRecoversAtTheNextProbe) {
  run("BEGIN {\n  if ($x) {\n    @a = 1;\nkprobe:f /pid/ { @b = 2 }\n"
      "END { }");
  ASSERT_EQ(kinds(), std::vector<Kind>{Kind::MissingClosingBrace});
  const diag::Diagnostic& d = capture_.diagnostics[0];
  EXPECT_EQ(text(d.range), "kprobe:f");
  ASSERT_EQ(d.attachments.size(), 1u);
  EXPECT_EQ(d.attachments[0].kind, Kind::UnclosedBrace);
  ASSERT_NE(program_, nullptr);
  ASSERT_EQ(program_->probes.size(), 3u);
  EXPECT_EQ(program_->probes[1]->attach_points[0]->raw, "kprobe:f");
  EXPECT_NE(program_->probes[1]->predicate, nullptr);
  // The unclosed probe keeps what it had.
  ASSERT_EQ(program_->probes[0]->body->stmts.size(), 1u);
  EXPECT_EQ(program_->probes[0]->body->stmts[0]->kind(), NodeKind::If);
}

TEST_F(ParserTest, MissingBraceInTheMiddleOfAStatement) {
  run("BEGIN { $x = 1 +\nEND { 1 }");
  EXPECT_EQ(kinds(), std::vector<Kind>{Kind::MissingClosingBrace});
  ASSERT_NE(program_, nullptr);
  EXPECT_EQ(program_->probes.size(), 2u);
}

TEST_F(ParserTest, MissingBraceBeforeOtherItems) {
  for (const char* item :
       {"macro m() { }", "fn f() { }", "config = { }", "let @m = hash(1);"}) {
    SCOPED_TRACE(item);
    context_ = {};
    capture_.diagnostics.clear();
    run(std::string("BEGIN {\n  1;\n") + item + "\nEND {}");
    // (A config block after a probe is also out of order.)
    ASSERT_FALSE(kinds().empty());
    EXPECT_EQ(kinds()[0], Kind::MissingClosingBrace);
    EXPECT_LE(kinds().size(), 2u);
    ASSERT_NE(program_, nullptr);
    EXPECT_EQ(program_->items.size(), 3u);
  }
}

TEST_F(ParserTest, IndentedOrUnlikelyItemsAreStatements) {
  // Only an item at the start of a line, followed by what follows an
  // attach point, ends a block early.
  EXPECT_NE(clean("BEGIN {\nprintf(\"x\");\n  $a = 1;\n}"), nullptr);
  EXPECT_NE(clean("BEGIN {\nEND\n}"), nullptr);
  run("BEGIN {\n  kprobe:f { }\n}");
  EXPECT_EQ(kinds().size(), 1u);
  EXPECT_NE(kinds()[0], Kind::MissingClosingBrace);
}

TEST_F(ParserTest, MissingSemicolonAfterATopLevelItem) {
  run("import \"a\"\nBEGIN { }");
  ASSERT_EQ(kinds(), std::vector<Kind>{Kind::SyntaxErrorExpected});
  EXPECT_EQ(capture_.diagnostics[0].attachments[0].kind,
            Kind::MissingSemicolon);
  ASSERT_NE(program_, nullptr);
  EXPECT_EQ(program_->probes.size(), 1u);
}

TEST_F(ParserTest, ElseWithoutIf) {
  run("BEGIN { $x = 1; else { 2 } }");
  EXPECT_EQ(kinds(), std::vector<Kind>{Kind::ElseWithoutIf});
}

TEST_F(ParserTest, MisspelledKeywords) {
  const std::pair<const char*, const char*> cases[] = {
      {"BEGIN { whlie ($x) { } }", "while"},
      {"BEGIN { retrun 1 }", "return"},
      {"BEGIN { if (1) { } esle { } }", "else"},
      {"BEGIN { fi ($x) { } }", "if"},
      {"macor m() { }", "macro"},
      {"confg = { }", "config"},
  };
  for (const auto& [script, keyword] : cases) {
    SCOPED_TRACE(script);
    context_ = {};
    capture_.diagnostics.clear();
    run(script);
    ASSERT_FALSE(capture_.diagnostics.empty());
    const auto& hints = capture_.diagnostics[0].attachments;
    auto hint = std::find_if(hints.begin(), hints.end(), [](const auto& a) {
      return a.kind == Kind::MisspelledKeyword;
    });
    ASSERT_NE(hint, hints.end());
    EXPECT_EQ(hint->args[1], keyword);
  }
  // No hint for a builtin that merely resembles a keyword.
  for (const char* script : {"BEGIN { len(@m) 1 }", "BEGIN { len(@m) { } }"}) {
    SCOPED_TRACE(script);
    capture_.diagnostics.clear();
    run(script);
    ASSERT_FALSE(capture_.diagnostics.empty());
    EXPECT_TRUE(capture_.diagnostics.front().attachments.empty());
  }
}

TEST_F(ParserTest, ConditionHints) {
  run("BEGIN { if $x > 1 { } }");
  ASSERT_EQ(kinds().size(), 1u);
  ASSERT_EQ(capture_.diagnostics[0].attachments.size(), 1u);
  EXPECT_EQ(capture_.diagnostics[0].attachments[0].kind,
            Kind::ConditionNeedsParens);
  EXPECT_EQ(capture_.diagnostics[0].attachments[0].args[0], "if");
  capture_.diagnostics.clear();
  run("BEGIN { while $x = 1 { } }");
  ASSERT_EQ(kinds().size(), 1u);
  EXPECT_EQ(capture_.diagnostics[0].attachments[0].kind,
            Kind::AssignInPredicate);
}

TEST_F(ParserTest, MissingParenHint) {
  run("BEGIN { printf(\"%d\", (1 + 2); }");
  ASSERT_EQ(kinds().size(), 1u);
  ASSERT_EQ(capture_.diagnostics[0].attachments.size(), 1u);
  EXPECT_EQ(capture_.diagnostics[0].attachments[0].kind, Kind::MissingParen);
}

TEST_F(ParserTest, CDefinitionErrors) {
  // COMPAT 5: the ';' after a definition is optional.
  run("struct S { int a; }\nBEGIN { }");
  EXPECT_TRUE(kinds().empty());
  ASSERT_NE(program_, nullptr);
  EXPECT_EQ(program_->probes.size(), 1u);
  ASSERT_NE(program_->c_definitions, nullptr);
  EXPECT_EQ(program_->c_definitions->items[0].text, "struct S { int a; }");
  capture_.diagnostics.clear();
  run("struct S { int a;\nBEGIN { }");
  EXPECT_EQ(kinds(), std::vector<Kind>{Kind::UnterminatedCDefinition});
  EXPECT_EQ(capture_.diagnostics[0].args[0], "struct S");
}

TEST_F(ParserTest, EndOfInputNotesTheOpenBrace) {
  run("BEGIN {\n  1;");
  ASSERT_EQ(kinds().size(), 1u);
  ASSERT_EQ(capture_.diagnostics[0].attachments.size(), 1u);
  EXPECT_EQ(capture_.diagnostics[0].attachments[0].kind, Kind::UnclosedBrace);
  EXPECT_EQ(text(capture_.diagnostics[0].attachments[0].range), "{");
}

TEST_F(ParserTest, NewHostileInputsDoNotCrash) {
  const std::string inputs[] = {
      "struct",
      "struct X {",
      "struct X { } __attribute__((",
      "struct X { } __attribute__",
      "#define A \\",
      "config = {",
      "config = { a = }",
      "import",
      "import \"",
      "macro",
      "macro m(",
      "fn f($a:",
      "let @m = hash(",
      "let @m",
      "BEGIN { (",
      "BEGIN { (x)",
      "BEGIN { (x) (",
      "BEGIN { sizeof(",
      "BEGIN { offsetof(x, ",
      "BEGIN { typeof(typeof(typeof(",
      "BEGIN { for (",
      "BEGIN { for $i : 0..",
      "BEGIN { $x ? : }",
      "BEGIN { let $x: (",
      "BEGIN { {{{{ }",
      "BEGIN {\nEND",
      "BEGIN {\nEND {",
      "BEGIN { if (x) {\nkprobe:f {\nEND {",
      "a=",
      "=",
      "BEGIN { $1a }",
      "BEGIN { @[ }",
  };
  for (const std::string& input : inputs) {
    SCOPED_TRACE(input);
    context_ = {};
    capture_.diagnostics.clear();
    run(input);
    for (const diag::Diagnostic& d : capture_.diagnostics) {
      EXPECT_LE(d.range.begin, d.range.end);
      EXPECT_LE(d.range.end, input.size());
    }
  }
}

TEST(LiteralsTest, AttachPointLabels) {
  using detail::split_attach_point_label;
  auto split = split_attach_point_label("name=kprobe:f");
  EXPECT_EQ(split.label, "name");
  EXPECT_EQ(split.rest, "kprobe:f");
  EXPECT_EQ(split_attach_point_label("kprobe:f=x").label, "");
  EXPECT_EQ(split_attach_point_label("1a=kprobe:f").label, "");
  EXPECT_EQ(split_attach_point_label("=kprobe:f").rest, "=kprobe:f");
}

TEST(LiteralsTest, CDefinitionHeads) {
  using detail::describe_c_definition;
  using detail::parse_c_definition_head;
  EXPECT_EQ(
      parse_c_definition_head("struct __attribute__((a(1))) /* c */ X {").name,
      "X");
  EXPECT_EQ(parse_c_definition_head("union{").kind,
            ast::CDefinition::Kind::Union);
  EXPECT_EQ(describe_c_definition("enum { A }"), "enum");
  EXPECT_EQ(describe_c_definition("#define X\n"), "#define X");
}

TEST(LiteralsTest, DecodeDecimal) {
  uint64_t value = 0;
  EXPECT_TRUE(detail::decode_decimal("0012", value));
  EXPECT_EQ(value, 12u);
  EXPECT_FALSE(detail::decode_decimal("18446744073709551616", value));
  EXPECT_FALSE(detail::decode_decimal("", value));
}

} // namespace
} // namespace sonde::parse

namespace sonde::parse {
namespace {

using namespace test_support;

// Inputs found by tests/fuzz/parse_fuzzer that once broke an invariant; the
// tree they give (if any) must have nested ranges.
TEST_F(ParserTest, FuzzerFindings) {
  const std::string inputs[] = {
      "BEGIN { if (a) { 1 } else if (b) { 2 } \x90"
      "else if (c) { 3 } }\n",
  };
  for (const std::string& input : inputs) {
    SCOPED_TRACE(input);
    context_ = {};
    capture_.diagnostics.clear();
    if (run(input) != nullptr) {
      expect_nested_ranges(program_, *source_);
    }
  }
}

} // namespace
} // namespace sonde::parse
