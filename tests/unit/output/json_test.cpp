// SPDX-License-Identifier: Apache-2.0
#include "output/json.h"
#include "unit/output/snapshot_builder.h"

#include <gtest/gtest.h>

namespace sonde::output {
namespace {

using namespace testing;
using types::Type;

// Upstream's runtime test printf_escaping.
TEST(JsonString, ShortEscapes) {
  EXPECT_EQ(json_string("test \r \n \t \\ \" bar"),
            R"("test \r \n \t \\ \" bar")");
  EXPECT_EQ(json_string(""), R"("")");
}

TEST(JsonString, OtherControlBytesUseUnicodeEscapes) {
  EXPECT_EQ(json_string(std::string("a\x01"
                                    "b\x1f",
                                    4)),
            R"("a\u0001b\u001f")");
  EXPECT_EQ(json_string(std::string("\0", 1)), R"("\u0000")");
  EXPECT_EQ(json_string("\x7f"), "\"\x7f\"");
}

// Checked against bpftrace 0.17: printf("esc \" \\ \t \x01 é\n") with -f
// json printed exactly this; upstream escapes bytes the same way.
TEST(JsonString, HighBytesAreEscapedAsBpftraceDoes) {
  EXPECT_EQ(json_string("esc \" \\ \t \x01 \xc3\xa9\n"),
            R"("esc \" \\ \t \u0001 \uffffffc3\uffffffa9\n")");
}

TEST(JsonInteger, NumbersUpTo2To53) {
  EXPECT_EQ(json_integer(Integer::of_signed(0)), "0");
  EXPECT_EQ(json_integer(Integer::of_signed(-42)), "-42");
  EXPECT_EQ(json_integer(Integer::of_unsigned(9007199254740992)),
            "9007199254740992");
  EXPECT_EQ(json_integer(Integer::of_unsigned(9007199254740993)),
            "\"9007199254740993\"");
  EXPECT_EQ(json_integer(Integer::of_signed(-9007199254740993)),
            "\"-9007199254740993\"");
}

TEST(JsonInteger, LargeValuesADoubleHoldsExactlyStayNumbers) {
  EXPECT_EQ(json_integer(Integer::of_unsigned(uint64_t(1) << 63)),
            "9223372036854775808");
  EXPECT_EQ(json_integer(Integer::of_signed(INT64_MIN)),
            "-9223372036854775808");
  EXPECT_EQ(json_integer(Integer::of_signed(INT64_MAX)),
            "\"9223372036854775807\"");
  EXPECT_EQ(json_integer(Integer::of_unsigned(UINT64_MAX)),
            "\"18446744073709551615\"");
}

TEST(JsonValue, Scalars) {
  Type s64 = Type::s64();
  Type u64 = Type::u64();
  Type str = Type::string(8);
  std::string minus = bytes_of_signed(-3);
  std::string big = bytes_of(~uint64_t(0));
  std::string text = padded("hi\"", 8);
  EXPECT_EQ(format_value_json({&s64, minus.data()}), "-3");
  EXPECT_EQ(format_value_json({&u64, big.data()}), "\"18446744073709551615\"");
  EXPECT_EQ(format_value_json({&str, text.data()}), R"("hi\"")");
  Type none;
  EXPECT_EQ(format_value_json({&none, minus.data()}), "null");
}

Type record_type() {
  std::vector<types::Field> fields;
  fields.push_back({"m", std::make_shared<Type>(Type::integer(4, true)), 0});
  fields.push_back({"n", std::make_shared<Type>(Type::integer(2, false)), 4});
  fields.push_back({"s", std::make_shared<Type>(Type::string(4)), 6});
  return Type::record("Foo", std::move(fields), 10);
}

// Upstream's runtime tests print_non_map_struct ({ .m = 2, .n = 3 } and
// {"m": 2, "n": 3}), with a string field added.
TEST(JsonValue, RecordsAreObjects) {
  Type type = record_type();
  std::string data(10, '\0');
  int32_t m = -2;
  uint16_t n = 3;
  std::memcpy(data.data(), &m, 4);
  std::memcpy(data.data() + 4, &n, 2);
  std::memcpy(data.data() + 6, "ab", 2);
  EXPECT_EQ(format_value_json({&type, data.data()}),
            R"({"m": -2, "n": 3, "s": "ab"})");
  EXPECT_EQ(format_value({&type, data.data()}), "{ .m = -2, .n = 3, .s = ab }");
  Type empty = Type::record("Empty", {}, 0);
  EXPECT_EQ(format_value({&empty, data.data()}), "{}");
  EXPECT_EQ(format_value_json({&empty, data.data()}), "{}");
}

TEST(JsonValue, DataLocStringFields) {
  std::vector<types::Field> fields;
  types::Field name{"name", std::make_shared<Type>(Type::string(0)), 0};
  name.data_loc = true;
  fields.push_back(name);
  Type type = Type::record("args", std::move(fields), 4);
  std::string data(12, '\0');
  // Five bytes ("hello") at offset 4.
  uint32_t loc = (5u << 16) | 4u;
  std::memcpy(data.data(), &loc, 4);
  std::memcpy(data.data() + 4, "hello", 5);
  EXPECT_EQ(format_value({&type, data.data()}), "{ .name = hello }");
  EXPECT_EQ(format_value_json({&type, data.data()}), R"({"name": "hello"})");
}

TEST(Integers, CompareAcrossSignedness) {
  EXPECT_TRUE(integer_less(Integer::of_signed(-1), Integer::of_unsigned(0)));
  EXPECT_FALSE(
      integer_less(Integer::of_unsigned(UINT64_MAX), Integer::of_signed(-1)));
  EXPECT_TRUE(integer_less(Integer::of_signed(-5), Integer::of_signed(-4)));
  EXPECT_TRUE(
      integer_less(Integer::of_unsigned(3), Integer::of_unsigned(UINT64_MAX)));
}

TEST(Integers, DivisionTruncatesTowardZero) {
  EXPECT_EQ(integer_text(integer_divide(Integer::of_signed(-7), 2)), "-3");
  EXPECT_EQ(integer_text(integer_divide(Integer::of_signed(7), 0)), "7");
  EXPECT_EQ(integer_text(integer_divide(Integer::of_unsigned(UINT64_MAX), 2)),
            "9223372036854775807");
  EXPECT_EQ(integer_text(integer_divide(Integer::of_signed(-7), UINT64_MAX)),
            "0");
}

} // namespace
} // namespace sonde::output
