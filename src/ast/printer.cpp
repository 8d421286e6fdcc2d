// SPDX-License-Identifier: Apache-2.0
#include "ast/printer.h"

#include "base/strings.h"

#include <string>

namespace sonde::ast {

namespace {

template <typename T> const T* as(const Node* node) {
  return static_cast<const T*>(node);
}

// The type as it would be written, e.g. `struct task_struct*` or
// `string[64]`; a typeof or tuple base is shown as `typeof(...)` / `(...)`
// (its children are printed below it).
std::string spell(const TypeSpec& type) {
  std::string out;
  switch (type.base) {
  case TypeKind::Struct:
  case TypeKind::Union:
  case TypeKind::Enum:
    out = std::string(spelling(type.base)) + " " + type.name;
    break;
  case TypeKind::Typeof:
    out = "typeof(...)";
    break;
  case TypeKind::Tuple:
    out = "(...)";
    break;
  case TypeKind::Bool:
  case TypeKind::Int:
  case TypeKind::String:
  case TypeKind::Buffer:
  case TypeKind::Inet:
  case TypeKind::Void:
  case TypeKind::Named:
    out = type.name;
    break;
  }
  if (type.size) {
    out += "[" + std::to_string(*type.size) + "]";
  }
  for (const TypeSuffix& suffix : type.suffixes) {
    if (suffix.kind == TypeSuffix::Kind::Pointer) {
      out += "*";
    } else if (suffix.size) {
      out += "[" + std::to_string(*suffix.size) + "]";
    } else {
      out += "[]";
    }
  }
  return out;
}

const char* spelling(CDefinition::Kind kind) {
  switch (kind) {
  case CDefinition::Kind::Preprocessor:
    return "Preprocessor";
  case CDefinition::Kind::Struct:
    return "Struct";
  case CDefinition::Kind::Union:
    return "Union";
  case CDefinition::Kind::Enum:
    return "Enum";
  }
  return "?";
}

std::string macro_param(const MacroParam& param) {
  return param.kind == MacroParam::Kind::Variable ? "$" + param.name
                                                  : param.name;
}

class Printer {
public:
  Printer(const SourceBuffer& source, llvm::raw_ostream& out)
      : source_(source), out_(out) {}

  void print(const Node* node, unsigned depth, const ChildRole& role = {}) {
    if (node == nullptr) {
      return;
    }
    out_.indent(depth * 2);
    if (!role.label.empty() || !role.name.empty()) {
      out_ << role.label << role.name << ": ";
    }
    out_ << kind_name(node->kind());
    print_detail(node);
    print_location(node->range());
    print_children(node, depth + 1);
  }

private:
  void print_location(SourceRange range) {
    LineColumn at = source_.line_column(range.begin);
    out_ << " <" << at.line << ":" << at.column << ">\n";
  }

  void print_detail(const Node* node) {
    switch (node->kind()) {
    case NodeKind::IntLiteral:
      out_ << " " << as<IntLiteral>(node)->value;
      return;
    case NodeKind::StringLiteral:
      out_ << " \"" << c_escape(as<StringLiteral>(node)->value) << "\"";
      return;
    case NodeKind::BoolLiteral:
      out_ << (as<BoolLiteral>(node)->value ? " true" : " false");
      return;
    case NodeKind::Builtin:
      out_ << " " << as<Builtin>(node)->name;
      return;
    case NodeKind::Variable:
      out_ << " $" << as<Variable>(node)->name;
      return;
    case NodeKind::Positional:
      out_ << " $" << as<Positional>(node)->index;
      return;
    case NodeKind::PositionalCount:
      out_ << " $#";
      return;
    case NodeKind::MapAccess:
      out_ << " " << as<MapAccess>(node)->name;
      return;
    case NodeKind::Binary:
      out_ << " " << spelling(as<Binary>(node)->op);
      return;
    case NodeKind::Unary:
      out_ << " " << spelling(as<Unary>(node)->op);
      return;
    case NodeKind::IncDec: {
      auto* incdec = as<IncDec>(node);
      out_ << (incdec->prefix ? " prefix " : " postfix ")
           << (incdec->increment ? "++" : "--");
      return;
    }
    case NodeKind::Ternary:
      if (as<Ternary>(node)->then_expr == nullptr) {
        out_ << " ?:";
      }
      return;
    case NodeKind::Call:
      out_ << " " << as<Call>(node)->callee;
      return;
    case NodeKind::FieldAccess: {
      auto* access = as<FieldAccess>(node);
      out_ << " " << (access->arrow ? "->" : ".") << access->field;
      return;
    }
    case NodeKind::TupleAccess:
      out_ << " ." << as<TupleAccess>(node)->index;
      return;
    case NodeKind::Offsetof: {
      out_ << " ";
      const char* separator = "";
      for (const std::string& field : as<Offsetof>(node)->fields) {
        out_ << separator << field;
        separator = ".";
      }
      return;
    }
    case NodeKind::Typeof:
      if (as<Typeof>(node)->implicit) {
        out_ << " implicit";
      }
      return;
    case NodeKind::AttachPoint: {
      auto* ap = as<AttachPoint>(node);
      out_ << " " << ap->raw;
      if (!ap->label.empty()) {
        out_ << " label=" << ap->label;
      }
      return;
    }
    case NodeKind::AssignVar:
      if (auto op = as<AssignVar>(node)->compound) {
        out_ << " " << spelling(*op) << "=";
      }
      return;
    case NodeKind::AssignMap:
      if (auto op = as<AssignMap>(node)->compound) {
        out_ << " " << spelling(*op) << "=";
      }
      return;
    case NodeKind::Import:
      out_ << " \"" << c_escape(as<Import>(node)->path) << "\"";
      return;
    case NodeKind::MacroDef: {
      auto* macro = as<MacroDef>(node);
      out_ << " " << macro->name << "(";
      const char* separator = "";
      for (const MacroParam& param : macro->params) {
        out_ << separator << macro_param(param);
        separator = ", ";
      }
      out_ << ")";
      return;
    }
    case NodeKind::FunctionDef:
      out_ << " " << as<FunctionDef>(node)->name;
      return;
    case NodeKind::MapDecl: {
      auto* decl = as<MapDecl>(node);
      out_ << " " << decl->name << " " << decl->map_type;
      return;
    }
    case NodeKind::TypeSpec:
      out_ << " " << spell(*as<TypeSpec>(node));
      return;
    case NodeKind::Program:
    case NodeKind::Probe:
    case NodeKind::Block:
    case NodeKind::CDefinitions:
    case NodeKind::Config:
    case NodeKind::ExprStmt:
    case NodeKind::If:
    case NodeKind::VarDecl:
    case NodeKind::Discard:
    case NodeKind::While:
    case NodeKind::ForMap:
    case NodeKind::ForRange:
    case NodeKind::Unroll:
    case NodeKind::Break:
    case NodeKind::Continue:
    case NodeKind::Return:
    case NodeKind::BlockStmt:
    case NodeKind::Cast:
    case NodeKind::Tuple:
    case NodeKind::Index:
    case NodeKind::Sizeof:
    case NodeKind::Typeinfo:
    case NodeKind::Record:
    case NodeKind::Comptime:
    case NodeKind::IfExpr:
    case NodeKind::BlockExpr:
      return;
    }
  }

  // The children, from the class's list, each labelled as the list says.
  // The C definitions are text, not nodes, but are shown the same way.
  void print_children(const Node* node, unsigned depth) {
    if (const auto* definitions = dyn_cast<CDefinitions>(node)) {
      for (const CDefinition& item : definitions->items) {
        out_.indent(depth * 2);
        out_ << spelling(item.kind);
        if (!item.name.empty()) {
          out_ << " " << item.name;
        }
        out_ << " \"" << c_escape(item.text) << "\"";
        print_location(item.range);
      }
    }
    for_each_child(node, [&](const Node* child, const ChildRole& role) {
      print(child, depth, role);
    });
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
