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
