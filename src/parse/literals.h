// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ast/ast.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Decoding of literal tokens and attach points for the lexer and the
// grammar actions. These are pure functions over the token's text, so they
// are tested on their own; the caller turns failures into diagnostics with
// source ranges.
namespace sonde::parse::detail {

// The outcome of decoding an integer literal.
struct IntegerLiteral {
  enum class Status : uint8_t { Ok, TooLarge, Invalid };
  uint64_t value = 0;
  Status status = Status::Ok;
};

// Decodes an integer literal as the lexer matched it
// (`[0-9][0-9A-Za-z_]*`): decimal, octal (`0NNN`), hex (`0x`), `_`
// separators, C suffixes (U, L, UL, LL, ULL, in any case; ignored),
// scientific notation (`1e6`) and duration suffixes (`ns us ms s m h d`,
// converted to nanoseconds). Values above 2^64-1 are TooLarge; anything
// else that is not one of these forms is Invalid. The value is 0 unless
// the status is Ok.
IntegerLiteral decode_integer(std::string_view text);

// Decodes the digits of a positional parameter (`$N`) as decimal; false
// when the value does not fit in 64 bits.
bool decode_decimal(std::string_view digits, uint64_t& value);

// An escape sequence in a string literal that is not valid; offsets are
// relative to the start of the token.
struct BadEscape {
  uint32_t begin;
  uint32_t end;
};

// The value of a string literal and the escapes it could not decode.
struct StringLiteralValue {
  std::string value;
  std::vector<BadEscape> bad_escapes;
};

// Decodes a string literal token, including its opening quote and, unless
// it is unterminated, its closing quote. Escapes: \n \t \r \" \\ \NNN
// (one to three octal digits, at most 255) and \xHH (one or two hex
// digits). A bad escape is recorded and its character kept literally.
StringLiteralValue decode_string(std::string_view token);

// Splits an attach point as written (`uprobe:/bin/x:"a::b"`) into its
// ':'-separated parts. A ':' inside double quotes does not split; the quotes
// themselves are removed and `\"` / `\\` inside them are unescaped.
std::vector<std::string> split_attach_point(std::string_view raw);

// An attach point split at its label: `name=kprobe:f` has label "name"
// and rest "kprobe:f". A label is an identifier followed by '=' before the
// first ':'; without one the label is empty and rest is the whole text.
struct LabelledAttachPoint {
  std::string_view label;
  std::string_view rest;
};
LabelledAttachPoint split_attach_point_label(std::string_view raw);

// The kind and tag of a C definition's text (`struct __attribute__((x))
// Foo {...};` is Struct "Foo"; an anonymous one has an empty name). Text
// that does not start with struct, union or enum is Preprocessor.
struct CDefinitionHead {
  ast::CDefinition::Kind kind = ast::CDefinition::Kind::Preprocessor;
  std::string name;
};
CDefinitionHead parse_c_definition_head(std::string_view text);

// How a C definition is named in messages: "struct Foo", or just "enum"
// for an anonymous one.
std::string describe_c_definition(std::string_view text);

// A printable form of one character (or UTF-8 sequence) for messages:
// control bytes and stray high bytes print as `\xNN`.
std::string printable(std::string_view text);

} // namespace sonde::parse::detail
