// SPDX-License-Identifier: Apache-2.0
#include "driver/script_args.h"

#include "ast/visitor.h"
#include "sema/getopt_values.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace sonde::driver {

namespace {

// Collects the getopt() calls whose arguments are literals.
class GetoptCollector : public ast::Visitor<GetoptCollector> {
public:
  std::vector<ScriptOption> options;

  void visit_Call(ast::Call* call) {
    visit_children(call);
    if (call->callee != "getopt" || call->args.empty()) {
      return;
    }
    const auto* name = ast::dyn_cast<ast::StringLiteral>(call->args[0]);
    if (name == nullptr) {
      return;
    }
    ScriptOption option;
    option.name = name->value;
    if (call->args.size() >= 2) {
      const ast::Expr* given = call->args[1];
      if (const auto* text = ast::dyn_cast<ast::StringLiteral>(given)) {
        option.type = "string";
        option.default_text = text->value;
      } else if (const auto* flag = ast::dyn_cast<ast::BoolLiteral>(given)) {
        option.default_text = flag->value ? "true" : "false";
      } else {
        // An integer, perhaps negative or folded: sema checks it.
        option.type = "int";
        option.default_text = integer_text(given);
      }
    }
    if (call->args.size() >= 3) {
      if (const auto* text = ast::dyn_cast<ast::StringLiteral>(call->args[2])) {
        option.description = text->value;
      }
    }
    if (call->args.size() >= 4) {
      const auto* text = ast::dyn_cast<ast::StringLiteral>(call->args[3]);
      if (text != nullptr && text->value.size() == 1) {
        option.short_flag = text->value[0];
      }
    }
    auto known = std::find_if(
        options.begin(), options.end(),
        [&](const ScriptOption& other) { return other.name == option.name; });
    if (known == options.end()) {
      options.push_back(option);
      return;
    }
    if (known->description.empty()) {
      known->description = option.description;
    }
    if (known->short_flag == '\0') {
      known->short_flag = option.short_flag;
    }
  }

private:
  static std::string integer_text(const ast::Expr* expr) {
    if (const auto* literal = ast::dyn_cast<ast::IntLiteral>(expr)) {
      return std::to_string(literal->value);
    }
    if (const auto* unary = ast::dyn_cast<ast::Unary>(expr);
        unary != nullptr && unary->op == ast::UnaryOp::Neg) {
      if (const auto* literal =
              ast::dyn_cast<ast::IntLiteral>(unary->operand)) {
        return "-" + std::to_string(literal->value);
      }
    }
    return "";
  }
};

// The comment text of a header line: after `//` and one space.
std::optional<std::string> comment_text(std::string_view line) {
  if (!line.starts_with("//")) {
    return std::nullopt;
  }
  line.remove_prefix(2);
  if (line.starts_with(" ")) {
    line.remove_prefix(1);
  }
  return std::string(line);
}

// `-T, --timestamp`, `-p, --pid PID`, `    --max-args N`.
std::string option_synopsis(const ScriptOption& option) {
  std::string text = option.short_flag != '\0'
                         ? std::string("-") + option.short_flag + ", "
                         : std::string("    ");
  text += "--" + option.name;
  if (option.type != "bool") {
    std::string metavar;
    for (char c : option.name) {
      metavar += c == '-' ? '_' : static_cast<char>(std::toupper(c));
    }
    text += " " + metavar;
  }
  return text;
}

bool looks_negative_number(const std::string& arg) {
  return arg.size() >= 2 && arg[0] == '-' &&
         std::isdigit(static_cast<unsigned char>(arg[1]));
}

// Sets `option` from the command line's text; false with `error` set when
// the value does not fit its type.
bool set_value(const ScriptOption& option,
               const std::string& spelling,
               const std::optional<std::string>& value,
               ScriptArgs& parsed,
               std::string& error) {
  int64_t number = 0;
  if (option.type == "bool" && value &&
      !sema::parse_getopt_bool(*value, number)) {
    error =
        "option '" + spelling + "' takes true or false, got '" + *value + "'";
    return false;
  }
  if (option.type == "int" && !sema::parse_getopt_integer(*value, number)) {
    error = "option '" + spelling + "' takes an integer, got '" + *value + "'";
    return false;
  }
  parsed.named[option.name] = value;
  return true;
}

} // namespace

std::vector<ScriptOption> declared_options(ast::Program& program) {
  GetoptCollector collector;
  collector.visit(&program);
  return collector.options;
}

ScriptHeader parse_header(std::string_view source_text) {
  ScriptHeader header;
  std::vector<std::string> lines;
  size_t start = 0;
  bool first = true;
  while (start < source_text.size()) {
    size_t end = source_text.find('\n', start);
    std::string_view line = source_text.substr(
        start,
        end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? source_text.size() : end + 1;
    if (first && line.starts_with("#!")) {
      first = false;
      continue;
    }
    first = false;
    std::optional<std::string> text = comment_text(line);
    if (!text) {
      break;
    }
    lines.push_back(*text);
  }
  if (lines.empty()) {
    return header;
  }
  if (size_t dash = lines[0].find(" - ");
      dash != std::string::npos && lines[0].find(' ') == dash) {
    header.description = lines[0].substr(dash + 3);
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].starts_with("Usage: ")) {
      header.usage = lines[i].substr(7);
    } else if (lines[i] == "Arguments:") {
      for (++i; i < lines.size() && lines[i].starts_with(" "); ++i) {
        header.arguments.push_back(lines[i]);
      }
      --i;
    }
  }
  // The positionals: the usage line's lower-case words after the name,
  // without brackets, options and their upper-case values.
  std::string words = header.usage;
  std::replace(words.begin(), words.end(), '[', ' ');
  std::replace(words.begin(), words.end(), ']', ' ');
  size_t at = 0;
  bool name = true;
  while (at < words.size()) {
    size_t begin = words.find_first_not_of(' ', at);
    if (begin == std::string::npos) {
      break;
    }
    size_t end = words.find(' ', begin);
    std::string word = words.substr(begin, end - begin);
    at = end == std::string::npos ? words.size() : end;
    if (name) {
      name = false;
      continue;
    }
    if (word == "..." || word.ends_with("...")) {
      header.any_positionals = true;
      continue;
    }
    if (word[0] == '-' || word == "options" ||
        std::none_of(word.begin(), word.end(), [](char c) {
          return std::islower(static_cast<unsigned char>(c));
        })) {
      continue;
    }
    header.positional_names.push_back(word);
  }
  return header;
}

std::optional<ScriptArgs>
parse_script_args(const std::vector<ScriptOption>& options,
                  const ScriptHeader& header,
                  const std::vector<std::string>& args,
                  std::string& error) {
  ScriptArgs parsed;
  auto by_name = [&](const std::string& name) -> const ScriptOption* {
    for (const ScriptOption& option : options) {
      if (option.name == name) {
        return &option;
      }
    }
    return nullptr;
  };
  auto by_flag = [&](char flag) -> const ScriptOption* {
    for (const ScriptOption& option : options) {
      if (option.short_flag == flag) {
        return &option;
      }
    }
    return nullptr;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      // bpftrace's form: positionals, and --name=value for getopt().
      for (++i; i < args.size(); ++i) {
        const std::string& text = args[i];
        if (text.size() <= 2 || !text.starts_with("--")) {
          parsed.positional.push_back(text);
          continue;
        }
        size_t equals = text.find('=');
        std::string name = text.substr(2, equals - 2);
        if (name.empty()) {
          error = "invalid named parameter '" + text + "' (--NAME=VALUE)";
          return std::nullopt;
        }
        parsed.named[name] =
            equals == std::string::npos
                ? std::nullopt
                : std::optional<std::string>(text.substr(equals + 1));
      }
      break;
    }
    if (arg.size() > 2 && arg.starts_with("--")) {
      size_t equals = arg.find('=');
      std::string name = arg.substr(2, equals - 2);
      const ScriptOption* option = by_name(name);
      if (option == nullptr) {
        if (name == "help") {
          parsed.help = true;
          continue;
        }
        error = "unknown option '--" + name + "'";
        return std::nullopt;
      }
      std::string spelling = "--" + name;
      std::optional<std::string> value;
      if (equals != std::string::npos) {
        value = arg.substr(equals + 1);
      } else if (option->type != "bool") {
        if (i + 1 >= args.size()) {
          error = "option '" + spelling + "' needs a value";
          return std::nullopt;
        }
        value = args[++i];
      }
      if (!set_value(*option, spelling, value, parsed, error)) {
        return std::nullopt;
      }
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-' ||
        (looks_negative_number(arg) && by_flag(arg[1]) == nullptr)) {
      parsed.positional.push_back(arg);
      continue;
    }
    // Short flags: `-T`, `-Tx`, `-p 123`, `-p123`, `-Tp123`.
    for (size_t at = 1; at < arg.size(); ++at) {
      const ScriptOption* option = by_flag(arg[at]);
      std::string spelling = std::string("-") + arg[at];
      if (option == nullptr) {
        if (arg[at] == 'h') {
          parsed.help = true;
          continue;
        }
        error = "unknown option '" + spelling + "'";
        return std::nullopt;
      }
      if (option->type == "bool") {
        parsed.named[option->name] = std::nullopt;
        continue;
      }
      std::optional<std::string> value;
      if (at + 1 < arg.size()) {
        value = arg.substr(at + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        error = "option '" + spelling + "' needs a value";
        return std::nullopt;
      }
      if (!set_value(*option, spelling, value, parsed, error)) {
        return std::nullopt;
      }
      break;
    }
  }
  if (!parsed.help && !header.usage.empty() && !header.any_positionals &&
      parsed.positional.size() > header.positional_names.size()) {
    error = "unexpected argument '" +
            parsed.positional[header.positional_names.size()] + "'";
    return std::nullopt;
  }
  return parsed;
}

std::string options_help(const std::vector<ScriptOption>& options) {
  constexpr size_t kColumn = 26;
  std::string text;
  auto line = [&](const std::string& synopsis, const std::string& about) {
    std::string row = "  " + synopsis;
    if (row.size() + 1 > kColumn) {
      row += "\n" + std::string(kColumn, ' ');
    } else {
      row.resize(kColumn, ' ');
    }
    text += row + about + "\n";
  };
  bool has_help = false;
  for (const ScriptOption& option : options) {
    has_help = has_help || option.name == "help" || option.short_flag == 'h';
    std::string about = option.description;
    if (option.type == "int" ||
        (option.type == "string" && !option.default_text.empty())) {
      about += (about.empty() ? "(default " : " (default ") +
               (option.type == "string" ? "\"" + option.default_text + "\""
                                        : option.default_text) +
               ")";
    } else if (option.type == "bool" && option.default_text == "true") {
      about += about.empty() ? "(default on)" : " (default on)";
    }
    line(option_synopsis(option), about);
  }
  if (!has_help) {
    line("-h, --help", "show this help and exit");
  }
  return text;
}

std::string script_help(const std::string& name,
                        const ScriptHeader& header,
                        const std::vector<ScriptOption>& options) {
  std::string text = "Usage: ";
  text += header.usage.empty() ? name + " [options] [ARGS...]" : header.usage;
  text += "\n";
  if (!header.description.empty()) {
    text += "\n" + header.description + "\n";
  }
  if (!header.arguments.empty()) {
    text += "\nArguments:\n";
    for (const std::string& line : header.arguments) {
      text += line + "\n";
    }
  }
  text += "\nOptions:\n" + options_help(options);
  return text;
}

std::string script_name(const std::string& path) {
  if (path.empty() || path == "-") {
    return "sonde";
  }
  std::string name = std::filesystem::path(path).filename().string();
  if (name.ends_with(".bt")) {
    name.resize(name.size() - 3);
  }
  return name;
}

} // namespace sonde::driver
