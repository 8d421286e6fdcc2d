// SPDX-License-Identifier: Apache-2.0
#include "base/format_spec.h"
#include "base/strings.h"

#include <gtest/gtest.h>

namespace sonde {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(edit_distance("abc", "abd"), 1u);
  EXPECT_EQ(edit_distance("abc", "ab"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("cuont", "count"), 1u);
}

TEST(ClosestMatch, FindsLikelyTyposOnly) {
  std::vector<std::string> names = {"printf", "print", "exit", "count"};
  EXPECT_EQ(closest_match("pritnf", names), "printf");
  EXPECT_EQ(closest_match("cuont", names), "count");
  EXPECT_EQ(closest_match("xyzzy", names), std::nullopt);
  EXPECT_EQ(closest_match("a", {}), std::nullopt);
}

TEST(GlobMatch, StarAndQuestionMark) {
  EXPECT_TRUE(glob_match("sys_enter_*", "sys_enter_openat"));
  EXPECT_TRUE(glob_match("*open*", "sys_enter_openat"));
  EXPECT_TRUE(glob_match("sys_?nter_read", "sys_enter_read"));
  EXPECT_FALSE(glob_match("sys_exit_*", "sys_enter_openat"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("a*b", "acbd"));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));
}

TEST(Split, KeepsEmptyPieces) {
  EXPECT_EQ(split("a:b::c", ':'),
            (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(split("", ':'), (std::vector<std::string>{""}));
}

TEST(FormatSpec, SplitsLiteralsAndConversions) {
  FormatSpec spec;
  std::string bad;
  size_t offset = 0;
  ASSERT_TRUE(parse_format("pid %-8d name %s 100%%\n", spec, bad, offset));
  ASSERT_EQ(spec.pieces.size(), 5u);
  EXPECT_EQ(std::get<std::string>(spec.pieces[0]), "pid ");
  const auto& number = std::get<Conversion>(spec.pieces[1]);
  EXPECT_EQ(number.flags, "-");
  EXPECT_EQ(number.width, "8");
  EXPECT_EQ(number.specifier, 'd');
  EXPECT_EQ(std::get<Conversion>(spec.pieces[3]).specifier, 's');
  EXPECT_EQ(std::get<std::string>(spec.pieces[4]), " 100%\n");
  EXPECT_EQ(spec.argument_count(), 2u);
}

TEST(FormatSpec, ReadsPrecisionAndLengthModifiers) {
  FormatSpec spec;
  std::string bad;
  size_t offset = 0;
  ASSERT_TRUE(parse_format("%-10.10s %lu %hhx %lld", spec, bad, offset));
  const auto& text = std::get<Conversion>(spec.pieces[0]);
  EXPECT_TRUE(text.has_precision);
  EXPECT_EQ(text.precision, "10");
  EXPECT_EQ(std::get<Conversion>(spec.pieces[2]).length, "l");
  EXPECT_EQ(std::get<Conversion>(spec.pieces[4]).length, "hh");
  EXPECT_EQ(std::get<Conversion>(spec.pieces[6]).length, "ll");
}

TEST(FormatSpec, RejectsUnknownConversions) {
  FormatSpec spec;
  std::string bad;
  size_t offset = 0;
  EXPECT_FALSE(parse_format("value %y", spec, bad, offset));
  EXPECT_EQ(bad, "%y");
  EXPECT_EQ(offset, 6u);
  FormatSpec trailing;
  EXPECT_FALSE(parse_format("50%", trailing, bad, offset));
  EXPECT_EQ(bad, "%");
}

} // namespace
} // namespace sonde
