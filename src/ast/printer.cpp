// SPDX-License-Identifier: Apache-2.0
#include "ast/printer.h"

#include "base/strings.h"

#include <string>
#include <string_view>

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

  void print(const Node* node, unsigned depth, std::string_view label = {}) {
    if (node == nullptr) {
      return;
    }
    out_.indent(depth * 2);
    if (!label.empty()) {
      out_ << label << ": ";
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

  void print_children(const Node* node, unsigned depth) {
    switch (node->kind()) {
    case NodeKind::Program: {
      auto* program = as<Program>(node);
      if (program->items.empty()) {
        for (const Probe* probe : program->probes) {
          print(probe, depth);
        }
      }
      for (const Node* item : program->items) {
        print(item, depth);
      }
      return;
    }
    case NodeKind::Probe: {
      auto* probe = as<Probe>(node);
      for (const AttachPoint* ap : probe->attach_points) {
        print(ap, depth);
      }
      print(probe->predicate, depth, "predicate");
      print(probe->body, depth);
      return;
    }
    case NodeKind::Block:
      for (const Stmt* stmt : as<Block>(node)->stmts) {
        print(stmt, depth);
      }
      return;
    case NodeKind::CDefinitions:
      for (const CDefinition& item : as<CDefinitions>(node)->items) {
        out_.indent(depth * 2);
        out_ << spelling(item.kind);
        if (!item.name.empty()) {
          out_ << " " << item.name;
        }
        out_ << " \"" << c_escape(item.text) << "\"";
        print_location(item.range);
      }
      return;
    case NodeKind::Config:
      for (const ConfigEntry& entry : as<Config>(node)->entries) {
        print(entry.value, depth, entry.key);
      }
      return;
    case NodeKind::MacroDef:
      print(as<MacroDef>(node)->body, depth);
      return;
    case NodeKind::FunctionDef: {
      auto* fn = as<FunctionDef>(node);
      for (const FunctionParam& param : fn->params) {
        print(param.type, depth, "param $" + param.name);
      }
      print(fn->return_type, depth, "returns");
      print(fn->body, depth);
      return;
    }
    case NodeKind::MapDecl:
      for (const Expr* arg : as<MapDecl>(node)->args) {
        print(arg, depth);
      }
      return;
    case NodeKind::TypeSpec: {
      auto* type = as<TypeSpec>(node);
      print(type->of, depth);
      for (const TypeSpec* element : type->elements) {
        print(element, depth);
      }
      return;
    }
    case NodeKind::ExprStmt:
      print(as<ExprStmt>(node)->expr, depth);
      return;
    case NodeKind::AssignVar:
      print(as<AssignVar>(node)->target, depth);
      print(as<AssignVar>(node)->value, depth);
      return;
    case NodeKind::AssignMap:
      print(as<AssignMap>(node)->target, depth);
      print(as<AssignMap>(node)->value, depth);
      return;
    case NodeKind::If: {
      auto* stmt = as<If>(node);
      print(stmt->cond, depth, "cond");
      print(stmt->then_block, depth, "then");
      print(stmt->else_block, depth, "else");
      return;
    }
    case NodeKind::VarDecl: {
      auto* decl = as<VarDecl>(node);
      print(decl->var, depth);
      print(decl->type, depth, "type");
      print(decl->init, depth, "init");
      return;
    }
    case NodeKind::Discard:
      print(as<Discard>(node)->expr, depth);
      return;
    case NodeKind::While:
      print(as<While>(node)->cond, depth, "cond");
      print(as<While>(node)->body, depth);
      return;
    case NodeKind::ForMap: {
      auto* loop = as<ForMap>(node);
      print(loop->var, depth);
      print(loop->map, depth);
      print(loop->body, depth);
      return;
    }
    case NodeKind::ForRange: {
      auto* loop = as<ForRange>(node);
      print(loop->var, depth);
      print(loop->start, depth, "start");
      print(loop->end, depth, "end");
      print(loop->body, depth);
      return;
    }
    case NodeKind::Unroll:
      print(as<Unroll>(node)->count, depth, "count");
      print(as<Unroll>(node)->body, depth);
      return;
    case NodeKind::Return:
      print(as<Return>(node)->value, depth);
      return;
    case NodeKind::BlockStmt:
      print(as<BlockStmt>(node)->block, depth);
      return;
    case NodeKind::MapAccess:
      for (const Expr* key : as<MapAccess>(node)->keys) {
        print(key, depth, "key");
      }
      return;
    case NodeKind::Binary:
      print(as<Binary>(node)->lhs, depth);
      print(as<Binary>(node)->rhs, depth);
      return;
    case NodeKind::Unary:
      print(as<Unary>(node)->operand, depth);
      return;
    case NodeKind::IncDec:
      print(as<IncDec>(node)->operand, depth);
      return;
    case NodeKind::Call:
      for (const Expr* arg : as<Call>(node)->args) {
        print(arg, depth);
      }
      return;
    case NodeKind::FieldAccess:
      print(as<FieldAccess>(node)->base, depth);
      return;
    case NodeKind::Ternary: {
      auto* ternary = as<Ternary>(node);
      print(ternary->cond, depth, "cond");
      print(ternary->then_expr, depth, "then");
      print(ternary->else_expr, depth, "else");
      return;
    }
    case NodeKind::Cast:
      print(as<Cast>(node)->type, depth);
      print(as<Cast>(node)->expr, depth);
      return;
    case NodeKind::Tuple:
      for (const Expr* element : as<Tuple>(node)->elements) {
        print(element, depth);
      }
      return;
    case NodeKind::TupleAccess:
      print(as<TupleAccess>(node)->base, depth);
      return;
    case NodeKind::Index:
      print(as<Index>(node)->base, depth);
      print(as<Index>(node)->index, depth, "index");
      return;
    case NodeKind::Sizeof:
      print(as<Sizeof>(node)->type, depth);
      print(as<Sizeof>(node)->expr, depth);
      return;
    case NodeKind::Offsetof:
      print(as<Offsetof>(node)->type, depth);
      print(as<Offsetof>(node)->expr, depth);
      return;
    case NodeKind::Typeof:
      print(as<Typeof>(node)->type, depth);
      print(as<Typeof>(node)->expr, depth);
      return;
    case NodeKind::Typeinfo:
      print(as<Typeinfo>(node)->type, depth);
      print(as<Typeinfo>(node)->expr, depth);
      return;
    case NodeKind::Record:
      for (const RecordField& field : as<Record>(node)->fields) {
        print(field.value, depth, field.name);
      }
      return;
    case NodeKind::Comptime:
      print(as<Comptime>(node)->expr, depth);
      return;
    case NodeKind::IfExpr: {
      auto* expr = as<IfExpr>(node);
      print(expr->cond, depth, "cond");
      print(expr->then_block, depth, "then");
      print(expr->else_block, depth, "else");
      return;
    }
    case NodeKind::BlockExpr:
      print(as<BlockExpr>(node)->block, depth);
      return;
    case NodeKind::AttachPoint:
    case NodeKind::Import:
    case NodeKind::Break:
    case NodeKind::Continue:
    case NodeKind::IntLiteral:
    case NodeKind::StringLiteral:
    case NodeKind::BoolLiteral:
    case NodeKind::Builtin:
    case NodeKind::Variable:
    case NodeKind::Positional:
    case NodeKind::PositionalCount:
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
