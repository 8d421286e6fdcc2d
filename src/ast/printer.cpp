// SPDX-License-Identifier: Apache-2.0
#include "ast/printer.h"

#include "base/strings.h"

namespace sonde::ast {

namespace {

class Printer {
public:
  Printer(const SourceBuffer& source, llvm::raw_ostream& out)
      : source_(source), out_(out) {}

  void print(const Node* node, unsigned depth, const char* label = nullptr) {
    if (node == nullptr) {
      return;
    }
    out_.indent(depth * 2);
    if (label != nullptr) {
      out_ << label << ": ";
    }
    out_ << kind_name(node->kind());
    print_detail(node);
    LineColumn at = source_.line_column(node->range().begin);
    out_ << " <" << at.line << ":" << at.column << ">\n";
    print_children(node, depth + 1);
  }

private:
  void print_detail(const Node* node) {
    switch (node->kind()) {
    case NodeKind::IntLiteral:
      out_ << " " << static_cast<const IntLiteral*>(node)->value;
      return;
    case NodeKind::StringLiteral:
      out_ << " \""
           << c_escape(static_cast<const StringLiteral*>(node)->value) << "\"";
      return;
    case NodeKind::Builtin:
      out_ << " " << static_cast<const Builtin*>(node)->name;
      return;
    case NodeKind::Variable:
      out_ << " $" << static_cast<const Variable*>(node)->name;
      return;
    case NodeKind::MapAccess:
      out_ << " " << static_cast<const MapAccess*>(node)->name;
      return;
    case NodeKind::Binary:
      out_ << " " << spelling(static_cast<const Binary*>(node)->op);
      return;
    case NodeKind::Unary:
      out_ << " " << spelling(static_cast<const Unary*>(node)->op);
      return;
    case NodeKind::Call:
      out_ << " " << static_cast<const Call*>(node)->callee;
      return;
    case NodeKind::FieldAccess: {
      auto* access = static_cast<const FieldAccess*>(node);
      out_ << " " << (access->arrow ? "->" : ".") << access->field;
      return;
    }
    case NodeKind::AttachPoint:
      out_ << " " << static_cast<const AttachPoint*>(node)->raw;
      return;
    case NodeKind::Program:
    case NodeKind::Probe:
    case NodeKind::Block:
    case NodeKind::ExprStmt:
    case NodeKind::AssignVar:
    case NodeKind::AssignMap:
    case NodeKind::If:
      return;
    }
  }

  void print_children(const Node* node, unsigned depth) {
    switch (node->kind()) {
    case NodeKind::Program:
      for (const Probe* probe : static_cast<const Program*>(node)->probes) {
        print(probe, depth);
      }
      return;
    case NodeKind::Probe: {
      auto* probe = static_cast<const Probe*>(node);
      for (const AttachPoint* ap : probe->attach_points) {
        print(ap, depth);
      }
      print(probe->predicate, depth, "predicate");
      print(probe->body, depth);
      return;
    }
    case NodeKind::Block:
      for (const Stmt* stmt : static_cast<const Block*>(node)->stmts) {
        print(stmt, depth);
      }
      return;
    case NodeKind::ExprStmt:
      print(static_cast<const ExprStmt*>(node)->expr, depth);
      return;
    case NodeKind::AssignVar: {
      auto* assign = static_cast<const AssignVar*>(node);
      print(assign->target, depth);
      print(assign->value, depth);
      return;
    }
    case NodeKind::AssignMap: {
      auto* assign = static_cast<const AssignMap*>(node);
      print(assign->target, depth);
      print(assign->value, depth);
      return;
    }
    case NodeKind::If: {
      auto* stmt = static_cast<const If*>(node);
      print(stmt->cond, depth, "cond");
      print(stmt->then_block, depth, "then");
      print(stmt->else_block, depth, "else");
      return;
    }
    case NodeKind::MapAccess:
      for (const Expr* key : static_cast<const MapAccess*>(node)->keys) {
        print(key, depth, "key");
      }
      return;
    case NodeKind::Binary: {
      auto* binary = static_cast<const Binary*>(node);
      print(binary->lhs, depth);
      print(binary->rhs, depth);
      return;
    }
    case NodeKind::Unary:
      print(static_cast<const Unary*>(node)->operand, depth);
      return;
    case NodeKind::Call:
      for (const Expr* arg : static_cast<const Call*>(node)->args) {
        print(arg, depth);
      }
      return;
    case NodeKind::FieldAccess:
      print(static_cast<const FieldAccess*>(node)->base, depth);
      return;
    case NodeKind::AttachPoint:
    case NodeKind::IntLiteral:
    case NodeKind::StringLiteral:
    case NodeKind::Builtin:
    case NodeKind::Variable:
      return;
    }
  }

  const SourceBuffer& source_;
  llvm::raw_ostream& out_;
};

} // namespace

void print(const Node* node,
           const SourceBuffer& source,
           llvm::raw_ostream& out) {
  Printer(source, out).print(node, 0);
}

} // namespace sonde::ast
