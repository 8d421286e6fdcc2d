// SPDX-License-Identifier: Apache-2.0
#include "parse/literals.h"

#include <cctype>
#include <cstdio>

namespace sonde::parse::detail {

namespace {

int digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return 99;
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool is_c_suffix(std::string_view suffix) {
  std::string s;
  for (char c : suffix) {
    s += lower(c);
  }
  return s == "u" || s == "l" || s == "ul" || s == "lu" || s == "ll" ||
         s == "ull" || s == "llu";
}

// Nanoseconds per unit for a duration suffix, or 0 when it is not one.
uint64_t duration_unit(std::string_view suffix) {
  if (suffix == "ns") {
    return 1;
  }
  if (suffix == "us") {
    return 1'000;
  }
  if (suffix == "ms") {
    return 1'000'000;
  }
  if (suffix == "s") {
    return 1'000'000'000;
  }
  if (suffix == "m") {
    return 60'000'000'000;
  }
  if (suffix == "h") {
    return 3'600'000'000'000;
  }
  if (suffix == "d") {
    return 86'400'000'000'000;
  }
  return 0;
}

// Accumulates `digits` in `base`; false on overflow. Every character must
// already be a valid digit of `base`.
bool accumulate(std::string_view digits, unsigned base, uint64_t& value) {
  for (char c : digits) {
    if (__builtin_mul_overflow(value, base, &value) ||
        __builtin_add_overflow(value, static_cast<uint64_t>(digit_value(c)),
                               &value)) {
      return false;
    }
  }
  return true;
}

size_t count_digits(std::string_view text, size_t from, unsigned base) {
  size_t i = from;
  while (i < text.size() && digit_value(text[i]) < static_cast<int>(base)) {
    ++i;
  }
  return i - from;
}

} // namespace

IntegerLiteral decode_integer(std::string_view text) {
  using Status = IntegerLiteral::Status;
  std::string clean;
  for (char c : text) {
    if (c != '_') {
      clean += c;
    }
  }
  std::string_view s = clean;
  IntegerLiteral result;
  uint64_t value = 0;

  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    size_t n = count_digits(s, 2, 16);
    std::string_view suffix = s.substr(2 + n);
    if (n == 0 || (!suffix.empty() && !is_c_suffix(suffix))) {
      result.status = Status::Invalid;
      return result;
    }
    if (!accumulate(s.substr(2, n), 16, value)) {
      result.status = Status::TooLarge;
      return result;
    }
    result.value = value;
    return result;
  }

  size_t n = count_digits(s, 0, 10);
  std::string_view digits = s.substr(0, n);
  std::string_view rest = s.substr(n);
  bool octal = digits.size() > 1 && digits[0] == '0';
  if (octal && count_digits(digits, 0, 8) != digits.size()) {
    result.status = Status::Invalid;
    return result;
  }

  // Scientific notation: `1e6` (no sign, no fraction), decimal only.
  uint64_t exponent = 0;
  bool has_exponent = false;
  if (!octal && !rest.empty() && (rest[0] == 'e' || rest[0] == 'E')) {
    size_t e = count_digits(rest, 1, 10);
    if (e == 0) {
      result.status = Status::Invalid;
      return result;
    }
    if (!accumulate(rest.substr(1, e), 10, exponent)) {
      exponent = UINT64_MAX;
    }
    has_exponent = true;
    rest = rest.substr(1 + e);
  }

  uint64_t unit = 1;
  if (!rest.empty()) {
    if (!octal && duration_unit(rest) != 0) {
      unit = duration_unit(rest);
    } else if (!is_c_suffix(rest)) {
      result.status = Status::Invalid;
      return result;
    }
  }

  if (!accumulate(digits, octal ? 8 : 10, value)) {
    result.status = Status::TooLarge;
    return result;
  }
  if (has_exponent && value != 0) {
    for (uint64_t i = 0; i < exponent; ++i) {
      if (__builtin_mul_overflow(value, uint64_t{10}, &value)) {
        result.status = Status::TooLarge;
        return result;
      }
    }
  }
  if (__builtin_mul_overflow(value, unit, &value)) {
    result.status = Status::TooLarge;
    return result;
  }
  result.value = value;
  return result;
}

bool decode_decimal(std::string_view digits, uint64_t& value) {
  value = 0;
  return !digits.empty() && count_digits(digits, 0, 10) == digits.size() &&
         accumulate(digits, 10, value);
}

StringLiteralValue decode_string(std::string_view token) {
  StringLiteralValue result;
  size_t end = token.size();
  if (end >= 2 && token.back() == '"') {
    --end;
  }
  size_t i = 1;
  while (i < end) {
    char c = token[i];
    if (c != '\\') {
      result.value += c;
      ++i;
      continue;
    }
    size_t start = i;
    if (i + 1 >= end) {
      // A lone backslash at the end of an unterminated string.
      result.bad_escapes.push_back(
          {static_cast<uint32_t>(start), static_cast<uint32_t>(i + 1)});
      ++i;
      continue;
    }
    char e = token[i + 1];
    i += 2;
    switch (e) {
    case 'n':
      result.value += '\n';
      continue;
    case 't':
      result.value += '\t';
      continue;
    case 'r':
      result.value += '\r';
      continue;
    case '"':
      result.value += '"';
      continue;
    case '\\':
      result.value += '\\';
      continue;
    case 'x': {
      size_t digits = 0;
      unsigned v = 0;
      while (digits < 2 && i < end && digit_value(token[i]) < 16) {
        v = v * 16 + digit_value(token[i]);
        ++i;
        ++digits;
      }
      if (digits == 0) {
        result.value += 'x';
        result.bad_escapes.push_back(
            {static_cast<uint32_t>(start), static_cast<uint32_t>(i)});
      } else {
        result.value += static_cast<char>(v);
      }
      continue;
    }
    default:
      break;
    }
    if (e >= '0' && e <= '7') {
      unsigned v = e - '0';
      size_t digits = 1;
      while (digits < 3 && i < end && token[i] >= '0' && token[i] <= '7') {
        v = v * 8 + (token[i] - '0');
        ++i;
        ++digits;
      }
      if (v > 255) {
        result.bad_escapes.push_back(
            {static_cast<uint32_t>(start), static_cast<uint32_t>(i)});
      } else {
        result.value += static_cast<char>(v);
      }
      continue;
    }
    // Keep a whole UTF-8 sequence together so the message shows it intact.
    if ((static_cast<unsigned char>(e) & 0xc0) == 0xc0) {
      while (i < end && (static_cast<unsigned char>(token[i]) & 0xc0) == 0x80) {
        ++i;
      }
    }
    result.value.append(token.substr(start + 1, i - start - 1));
    result.bad_escapes.push_back(
        {static_cast<uint32_t>(start), static_cast<uint32_t>(i)});
  }
  return result;
}

std::vector<std::string> split_attach_point(std::string_view raw) {
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (quoted && c == '\\' && i + 1 < raw.size() &&
        (raw[i + 1] == '"' || raw[i + 1] == '\\')) {
      parts.back() += raw[++i];
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ':' && !quoted) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

LabelledAttachPoint split_attach_point_label(std::string_view raw) {
  size_t end = 0;
  while (
      end < raw.size() &&
      (raw[end] == '_' || std::isalnum(static_cast<unsigned char>(raw[end])))) {
    ++end;
  }
  bool identifier =
      end > 0 && !std::isdigit(static_cast<unsigned char>(raw[0]));
  if (!identifier || end >= raw.size() || raw[end] != '=') {
    return {{}, raw};
  }
  return {raw.substr(0, end), raw.substr(end + 1)};
}

namespace {

bool is_ident_char(char c) {
  return c == '_' || std::isalnum(static_cast<unsigned char>(c));
}

// Skips whitespace, comments and `__attribute__((...))` from `i`.
size_t skip_c_noise(std::string_view text, size_t i) {
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (text.substr(i, 2) == "//") {
      size_t newline = text.find('\n', i);
      i = newline == std::string_view::npos ? text.size() : newline;
    } else if (text.substr(i, 2) == "/*") {
      size_t close = text.find("*/", i + 2);
      i = close == std::string_view::npos ? text.size() : close + 2;
    } else if (text.substr(i, 13) == "__attribute__" &&
               (i + 13 >= text.size() || !is_ident_char(text[i + 13]))) {
      i += 13;
      while (i < text.size() &&
             std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
      }
      int depth = 0;
      while (i < text.size()) {
        if (text[i] == '(') {
          ++depth;
        } else if (text[i] == ')' && --depth <= 0) {
          ++i;
          break;
        } else if (depth == 0) {
          break;
        }
        ++i;
      }
    } else {
      break;
    }
  }
  return i;
}

} // namespace

CDefinitionHead parse_c_definition_head(std::string_view text) {
  using Kind = ast::CDefinition::Kind;
  CDefinitionHead head;
  size_t i = 0;
  auto keyword = [&](std::string_view word, Kind kind) {
    if (text.substr(0, word.size()) == word &&
        (word.size() == text.size() || !is_ident_char(text[word.size()]))) {
      head.kind = kind;
      i = word.size();
      return true;
    }
    return false;
  };
  if (!keyword("struct", Kind::Struct) && !keyword("union", Kind::Union) &&
      !keyword("enum", Kind::Enum)) {
    return head;
  }
  i = skip_c_noise(text, i);
  size_t start = i;
  while (i < text.size() && is_ident_char(text[i])) {
    ++i;
  }
  head.name = std::string(text.substr(start, i - start));
  return head;
}

std::string describe_c_definition(std::string_view text) {
  CDefinitionHead head = parse_c_definition_head(text);
  std::string out;
  switch (head.kind) {
  case ast::CDefinition::Kind::Struct:
    out = "struct";
    break;
  case ast::CDefinition::Kind::Union:
    out = "union";
    break;
  case ast::CDefinition::Kind::Enum:
    out = "enum";
    break;
  case ast::CDefinition::Kind::Preprocessor:
    return std::string(text.substr(0, text.find('\n')));
  }
  if (!head.name.empty()) {
    out += " " + head.name;
  }
  return out;
}

std::string printable(std::string_view text) {
  bool multibyte =
      text.size() > 1 && (static_cast<unsigned char>(text[0]) & 0xc0) == 0xc0;
  if (multibyte) {
    return std::string(text);
  }
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", byte);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace sonde::parse::detail
