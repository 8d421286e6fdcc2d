// SPDX-License-Identifier: Apache-2.0
#include "output/flag_names.h"

#include <cctype>
#include <cstdio>
#include <optional>

namespace sonde::output {

namespace {

// Evaluates the C constant expressions of a __print_flags mask: integers
// (with U/L suffixes), casts such as `( gfp_t)` and `(unsigned long)`,
// parentheses, `~`, `<<`, `>>`, `&` and `|`, with C's precedence.
class MaskEvaluator {
public:
  explicit MaskEvaluator(std::string_view text) : text_(text) {}

  std::optional<uint64_t> evaluate() {
    std::optional<uint64_t> value = bit_or();
    skip_spaces();
    return value && pos_ == text_.size() ? value : std::nullopt;
  }

private:
  void skip_spaces() {
    while (pos_ < text_.size() &&
           std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }

  bool take(std::string_view token) {
    skip_spaces();
    if (text_.substr(pos_, token.size()) != token) {
      return false;
    }
    // `|` and `&` must not be the start of `||` or `&&`.
    if (token.size() == 1 && pos_ + 1 < text_.size() &&
        text_[pos_ + 1] == token[0] && token[0] != '(' && token[0] != ')') {
      return false;
    }
    pos_ += token.size();
    return true;
  }

  std::optional<uint64_t> bit_or() {
    std::optional<uint64_t> value = bit_and();
    while (value && take("|")) {
      std::optional<uint64_t> rhs = bit_and();
      value = rhs ? std::optional(*value | *rhs) : std::nullopt;
    }
    return value;
  }

  std::optional<uint64_t> bit_and() {
    std::optional<uint64_t> value = shift();
    while (value && take("&")) {
      std::optional<uint64_t> rhs = shift();
      value = rhs ? std::optional(*value & *rhs) : std::nullopt;
    }
    return value;
  }

  std::optional<uint64_t> shift() {
    std::optional<uint64_t> value = unary();
    while (value) {
      bool left = take("<<");
      if (!left && !take(">>")) {
        break;
      }
      std::optional<uint64_t> rhs = unary();
      if (!rhs || *rhs >= 64) {
        return std::nullopt;
      }
      value = left ? *value << *rhs : *value >> *rhs;
    }
    return value;
  }

  // The identifiers of a cast, "( gfp_t)" or "(unsigned long)", when one
  // starts at the current '(' ; the position is left after it.
  bool take_cast() {
    size_t start = pos_;
    if (!take("(")) {
      return false;
    }
    bool any = false;
    while (true) {
      skip_spaces();
      size_t begin = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
              text_[pos_] == '_')) {
        ++pos_;
      }
      if (pos_ == begin) {
        break;
      }
      if (std::isdigit(static_cast<unsigned char>(text_[begin]))) {
        pos_ = start;
        return false;
      }
      any = true;
    }
    if (any && take(")")) {
      return true;
    }
    pos_ = start;
    return false;
  }

  std::optional<uint64_t> unary() {
    if (take("~")) {
      std::optional<uint64_t> value = unary();
      return value ? std::optional(~*value) : std::nullopt;
    }
    if (take_cast()) {
      return unary();
    }
    if (take("(")) {
      std::optional<uint64_t> value = bit_or();
      return value && take(")") ? value : std::nullopt;
    }
    return number();
  }

  std::optional<uint64_t> number() {
    skip_spaces();
    size_t begin = pos_;
    while (pos_ < text_.size() &&
           std::isalnum(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
    std::string digits(text_.substr(begin, pos_ - begin));
    while (!digits.empty() && (digits.back() == 'U' || digits.back() == 'L' ||
                               digits.back() == 'u' || digits.back() == 'l')) {
      digits.pop_back();
    }
    if (digits.empty() ||
        !std::isdigit(static_cast<unsigned char>(digits[0]))) {
      return std::nullopt;
    }
    char* end = nullptr;
    uint64_t value = std::strtoull(digits.c_str(), &end, 0);
    return *end == '\0' ? std::optional(value) : std::nullopt;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// The end of the C string literal starting at `pos` (its closing quote),
// or npos.
size_t string_end(std::string_view text, size_t pos) {
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i;
    }
  }
  return std::string_view::npos;
}

} // namespace

std::vector<FlagName> parse_print_flags(std::string_view format_text,
                                        std::string_view field) {
  std::vector<FlagName> names;
  std::string call = "__print_flags(REC->" + std::string(field) + ",";
  size_t pos = format_text.find(call);
  if (pos == std::string_view::npos) {
    return names;
  }
  // Past the separator string.
  pos = format_text.find('"', pos + call.size());
  pos = pos == std::string_view::npos ? pos : string_end(format_text, pos);
  while (pos != std::string_view::npos && pos < format_text.size()) {
    ++pos;
    while (pos < format_text.size() &&
           (std::isspace(static_cast<unsigned char>(format_text[pos])) ||
            format_text[pos] == ',')) {
      ++pos;
    }
    if (pos >= format_text.size() || format_text[pos] != '{') {
      break;
    }
    // The mask runs to the first comma outside parentheses.
    size_t begin = pos + 1;
    int depth = 0;
    size_t comma = begin;
    for (; comma < format_text.size(); ++comma) {
      char c = format_text[comma];
      if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    size_t quote = format_text.find('"', comma);
    size_t close = quote == std::string_view::npos
                       ? quote
                       : string_end(format_text, quote);
    if (comma >= format_text.size() || close == std::string_view::npos) {
      break;
    }
    std::optional<uint64_t> mask =
        MaskEvaluator(format_text.substr(begin, comma - begin)).evaluate();
    if (mask && *mask != 0) {
      names.push_back({*mask, std::string(format_text.substr(
                                  quote + 1, close - quote - 1))});
    }
    pos = format_text.find('}', close);
  }
  return names;
}

std::string flags_text(uint64_t flags, const std::vector<FlagName>& names) {
  if (flags == 0) {
    return "none";
  }
  std::string text;
  for (const FlagName& entry : names) {
    if (flags == 0) {
      break;
    }
    if ((flags & entry.mask) != entry.mask) {
      continue;
    }
    text += (text.empty() ? "" : "|") + entry.name;
    flags &= ~entry.mask;
  }
  if (flags != 0) {
    char hex[24];
    std::snprintf(hex, sizeof(hex), "%#llx",
                  static_cast<unsigned long long>(flags));
    text += (text.empty() ? "" : "|") + std::string(hex);
  }
  return text;
}

} // namespace sonde::output
