// SPDX-License-Identifier: Apache-2.0
// The children of every node kind, as each generic walk sees them: the
// Visitor's defaults, collect_children and the AST printer all follow the
// class's list of children (ast.h), so they agree on which children a node
// has and in which order; only the Visitor moves assignment targets after
// their values.
#include "ast/printer.h"
#include "ast/visitor.h"
#include "parse/parse.h"
#include "unit/ast/every_kind.h"

#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace sonde::ast {
namespace {

// Every node kind at least once (the test checks it).
std::string every_kind() {
  return std::string(R"bt(#include <linux/sched.h>
struct Foo { int x; };
config = { max_strlen = 100; stack_mode = perf }
import "lib.bt";
let @m = lruhash(100);
macro add($a, @b, c) { $a + c }
fn f($a: int32, $b: (uint8, struct Foo*)): uint64 { return $a + 1; }
kprobe:vfs_read, uprobe:/bin/x:f /pid == $1/ {)bt") +
         test_support::kEveryStatement + "}\n";
}

class ChildrenTest : public ::testing::Test {
protected:
  void SetUp() override {
    source_ = std::make_unique<SourceBuffer>("test.bt", every_kind());
    program_ = parse::parse(*source_, context_, diag_);
    ASSERT_NE(program_, nullptr);
    ASSERT_TRUE(capture_.diagnostics.empty())
        << capture_.diagnostics[0].message();
  }

  // Every node of the program, parents before children (collect_children).
  std::vector<Node*> all_nodes() const {
    std::vector<Node*> nodes;
    std::vector<Node*> stack{program_};
    while (!stack.empty()) {
      Node* node = stack.back();
      stack.pop_back();
      nodes.push_back(node);
      std::vector<Node*> kids;
      collect_children(node, kids);
      stack.insert(stack.end(), kids.rbegin(), kids.rend());
    }
    return nodes;
  }

  std::unique_ptr<SourceBuffer> source_;
  Context context_;
  diag::CaptureConsumer capture_;
  diag::DiagnosticEngine diag_{capture_};
  Program* program_ = nullptr;
};

TEST_F(ChildrenTest, TheScriptHasEveryKind) {
  std::set<NodeKind> seen;
  for (Node* node : all_nodes()) {
    seen.insert(node->kind());
  }
#define NODE(Name)                                                             \
  EXPECT_TRUE(seen.count(NodeKind::Name)) << "no " #Name " in every_kind()";
#include "ast/nodes.def"
}

// Records, for each node, the children the Visitor's defaults visit.
class RecordingVisitor : public Visitor<RecordingVisitor> {
public:
#define NODE(Name)                                                             \
  void visit_##Name(Name* node) {                                              \
    if (!parents_.empty()) {                                                   \
      children[parents_.back()].push_back(node);                               \
    }                                                                          \
    parents_.push_back(node);                                                  \
    visit_children(node);                                                      \
    parents_.pop_back();                                                       \
  }
#include "ast/nodes.def"

  std::map<const Node*, std::vector<Node*>> children;

private:
  std::vector<const Node*> parents_;
};

// What the Visitor should visit: collect_children's order, but with the
// target of an assignment, declaration or loop after its value.
std::vector<Node*> evaluation_order(Node* node) {
  std::vector<Node*> order;
  auto add = [&](Node* child) {
    if (child != nullptr) {
      order.push_back(child);
    }
  };
  if (auto* assign = dyn_cast<AssignVar>(node)) {
    add(assign->value);
    add(assign->target);
  } else if (auto* assign = dyn_cast<AssignMap>(node)) {
    add(assign->value);
    add(assign->target);
  } else if (auto* decl = dyn_cast<VarDecl>(node)) {
    add(decl->type);
    add(decl->init);
    add(decl->var);
  } else if (auto* loop = dyn_cast<ForMap>(node)) {
    add(loop->map);
    add(loop->var);
    add(loop->body);
  } else if (auto* loop = dyn_cast<ForRange>(node)) {
    add(loop->start);
    add(loop->end);
    add(loop->var);
    add(loop->body);
  } else {
    collect_children(node, order);
  }
  return order;
}

TEST_F(ChildrenTest, TheVisitorSeesTheChildrenInEvaluationOrder) {
  RecordingVisitor visitor;
  visitor.visit(program_);
  std::set<NodeKind> reordered;
  for (Node* node : all_nodes()) {
    SCOPED_TRACE(std::string(kind_name(node->kind())) + " '" +
                 std::string(source_->slice(node->range())) + "'");
    std::vector<Node*> expected = evaluation_order(node);
    std::vector<Node*> kids;
    collect_children(node, kids);
    if (expected != kids) {
      reordered.insert(node->kind());
    }
    EXPECT_EQ(visitor.children[node], expected);
  }
  // Each kind with a target was seen with its children reordered.
  EXPECT_EQ(reordered,
            (std::set<NodeKind>{NodeKind::AssignVar, NodeKind::AssignMap,
                                NodeKind::VarDecl, NodeKind::ForMap,
                                NodeKind::ForRange}));
}

// One line of the AST dump: the node's depth, label, kind and location.
struct DumpLine {
  size_t depth;
  std::string label;
  std::string kind;
  std::string location;

  bool operator==(const DumpLine&) const = default;
};

std::ostream& operator<<(std::ostream& out, const DumpLine& line) {
  return out << line.depth << " '" << line.label << "' " << line.kind << " "
             << line.location;
}

// Reads the dump back, leaving out the lines of C definitions (text, not
// nodes).
std::vector<DumpLine> read_dump(const std::string& dump) {
  std::set<std::string> kinds;
#define NODE(Name) kinds.insert(#Name);
#include "ast/nodes.def"
  std::vector<DumpLine> lines;
  size_t begin = 0;
  while (begin < dump.size()) {
    size_t end = dump.find('\n', begin);
    std::string text = dump.substr(begin, end - begin);
    begin = end + 1;
    DumpLine line;
    size_t indent = text.find_first_not_of(' ');
    line.depth = indent / 2;
    line.location = text.substr(text.rfind(" <") + 1);
    text = text.substr(indent, text.rfind(" <") - indent);
    if (!kinds.count(text.substr(0, text.find(' ')))) {
      size_t colon = text.find(": ");
      if (colon == std::string::npos) {
        continue;
      }
      line.label = text.substr(0, colon);
      text = text.substr(colon + 2);
    }
    line.kind = text.substr(0, text.find(' '));
    if (kinds.count(line.kind)) {
      lines.push_back(line);
    }
  }
  return lines;
}

// The dump as the lists of children say it should be.
void expected_dump(const Node* node,
                   size_t depth,
                   std::string label,
                   const SourceBuffer& source,
                   std::vector<DumpLine>& out) {
  LineColumn at = source.line_column(node->range().begin);
  out.push_back(
      {depth, label, kind_name(node->kind()),
       "<" + std::to_string(at.line) + ":" + std::to_string(at.column) + ">"});
  for_each_child(node, [&](const Node* child, const ChildRole& role) {
    expected_dump(child, depth + 1,
                  std::string(role.label) + std::string(role.name), source,
                  out);
  });
}

TEST_F(ChildrenTest, ThePrinterShowsTheChildrenInSourceOrder) {
  std::string dump;
  llvm::raw_string_ostream out(dump);
  print(program_, *source_, out);
  out.flush();
  std::vector<DumpLine> expected;
  expected_dump(program_, 0, "", *source_, expected);
  EXPECT_EQ(read_dump(dump), expected);
  // The same nodes as collect_children, in the same order.
  std::vector<Node*> nodes = all_nodes();
  ASSERT_EQ(nodes.size(), expected.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    EXPECT_EQ(expected[i].kind, kind_name(nodes[i]->kind())) << i;
  }
}

// The labels the dump has always used: the list carries them.
TEST_F(ChildrenTest, ChildrenCarryTheDumpLabels) {
  std::multiset<std::string> labels;
  for (Node* node : all_nodes()) {
    for_each_child(node, [&](Node*, const ChildRole& role) {
      if (!role.label.empty() || !role.name.empty()) {
        labels.insert(std::string(role.label) + std::string(role.name));
      }
    });
  }
  for (const char* label :
       {"predicate",  "cond",    "then",     "else",     "type",
        "init",       "start",   "end",      "count",    "key",
        "index",      "returns", "param $a", "param $b", "max_strlen",
        "stack_mode", "name",    "size",     "e",        "g"}) {
    EXPECT_TRUE(labels.count(label)) << label;
  }
}

// A Program built by hand lists only its probes.
TEST(ChildrenOfAProgram, AreItsProbesWhenItHasNoItems) {
  Context context;
  auto* body = context.make<Block>(SourceRange{}, std::vector<Stmt*>{});
  auto* probe = context.make<Probe>(SourceRange{}, std::vector<AttachPoint*>{},
                                    nullptr, body);
  auto* program = context.make<Program>(SourceRange{}, std::vector{probe});
  std::vector<Node*> kids;
  collect_children(program, kids);
  EXPECT_EQ(kids, std::vector<Node*>{probe});
  kids.clear();
  collect_children(probe, kids);
  EXPECT_EQ(kids, std::vector<Node*>{body});
}

} // namespace
} // namespace sonde::ast
