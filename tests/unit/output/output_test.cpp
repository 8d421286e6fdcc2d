// SPDX-License-Identifier: Apache-2.0
#include "output/json.h"
#include "output/map_printer.h"
#include "output/printf.h"
#include "output/values.h"

#include <cstring>
#include <gtest/gtest.h>

namespace sonde::output {
namespace {

using types::Type;

std::string bytes_of(uint64_t value) {
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &value, 8);
  return bytes;
}

std::string padded(const std::string& text, size_t size) {
  std::string bytes = text;
  bytes.resize(size, '\0');
  return bytes;
}

std::string printf_of(const std::string& format,
                      const std::vector<std::pair<Type, std::string>>& args) {
  FormatSpec spec;
  std::string bad;
  size_t offset = 0;
  EXPECT_TRUE(parse_format(format, spec, bad, offset));
  std::vector<RawValue> raw;
  for (const auto& [type, bytes] : args) {
    raw.push_back({&type, bytes.data()});
  }
  return format_printf(spec, raw);
}

TEST(Printf, IntegersWithFlagsAndWidths) {
  Type s64 = Type::s64();
  Type u64 = Type::u64();
  EXPECT_EQ(printf_of("%d|%5d|%-5d|%05d", {{s64, bytes_of(42)},
                                           {s64, bytes_of(7)},
                                           {s64, bytes_of(7)},
                                           {s64, bytes_of(7)}}),
            "42|    7|7    |00007");
  EXPECT_EQ(printf_of("%x %X %o", {{u64, bytes_of(255)},
                                   {u64, bytes_of(255)},
                                   {u64, bytes_of(8)}}),
            "ff FF 10");
  EXPECT_EQ(printf_of("%d", {{s64, bytes_of(uint64_t(-5))}}), "-5");
  EXPECT_EQ(printf_of("%llu", {{u64, bytes_of(~uint64_t(0))}}),
            "18446744073709551615");
}

// COMPAT 29: the length modifier names the argument's width as in C (none
// is 32 bits) and the conversion its signedness, whatever the value's type.
TEST(Printf, LengthModifiersHaveCSemantics) {
  Type u64 = Type::u64();
  Type s64 = Type::s64();
  EXPECT_EQ(printf_of("%d", {{u64, bytes_of(5000000000)}}), "705032704");
  EXPECT_EQ(printf_of("%ld", {{u64, bytes_of(5000000000)}}), "5000000000");
  EXPECT_EQ(printf_of("%lld", {{u64, bytes_of(5000000000)}}), "5000000000");
  EXPECT_EQ(printf_of("%zu %ju %tx", {{u64, bytes_of(5000000000)},
                                      {u64, bytes_of(5000000000)},
                                      {u64, bytes_of(0x123456789)}}),
            "5000000000 5000000000 123456789");
  EXPECT_EQ(printf_of("%x", {{s64, bytes_of(0x123456789)}}), "23456789");
  EXPECT_EQ(printf_of("%u", {{s64, bytes_of(uint64_t(-1))}}), "4294967295");
  EXPECT_EQ(printf_of("%hhx", {{s64, bytes_of(0x1ff)}}), "ff");
  EXPECT_EQ(printf_of("%hhd", {{u64, bytes_of(300)}}), "44");
  EXPECT_EQ(printf_of("%hhd", {{u64, bytes_of(0x80)}}), "-128");
  EXPECT_EQ(printf_of("%hu", {{u64, bytes_of(70000)}}), "4464");
  EXPECT_EQ(printf_of("%hd", {{u64, bytes_of(0x18001)}}), "-32767");
}

TEST(Printf, StarWidthAndPrecisionFromDataAreClamped) {
  Type s64 = Type::s64();
  Type str = Type::string(8);
  int64_t huge = 2147483647;
  int64_t most_negative = INT64_MIN;
  std::string wide =
      printf_of("%*d|", {{s64, bytes_of(huge)}, {s64, bytes_of(7)}});
  EXPECT_EQ(wide.size(), size_t(kMaxFormatField) + 1);
  std::string left =
      printf_of("%*d|", {{s64, bytes_of(most_negative)}, {s64, bytes_of(7)}});
  EXPECT_EQ(left.size(), size_t(kMaxFormatField) + 1);
  EXPECT_EQ(left.front(), '7');
  // A negative precision is no precision, as in C.
  EXPECT_EQ(printf_of("%.*s|", {{s64, bytes_of(most_negative)},
                                {str, padded("abc", 8)}}),
            "abc|");
  EXPECT_EQ(
      printf_of("%.*s|", {{s64, bytes_of(huge)}, {str, padded("abc", 8)}}),
      "abc|");
}

TEST(FormatSpec, WidthOrPrecisionPastTheLimitIsFlagged) {
  FormatSpec spec;
  std::string bad;
  size_t offset = 0;
  ASSERT_TRUE(
      parse_format("%4096d %.4096s %4097d %.99999s %012345678901234567890d",
                   spec, bad, offset));
  std::vector<bool> too_wide;
  for (const auto& piece : spec.pieces) {
    if (const auto* conversion = std::get_if<Conversion>(&piece)) {
      too_wide.push_back(conversion->field_too_wide());
    }
  }
  EXPECT_EQ(too_wide, (std::vector<bool>{false, false, true, true, true}));
}

TEST(Printf, StringsCharactersAndPercent) {
  Type str16 = Type::string(16);
  Type s64 = Type::s64();
  EXPECT_EQ(printf_of("[%s] [%-6s] [%6s] [%.2s] %c %%",
                      {{str16, padded("bash", 16)},
                       {str16, padded("ab", 16)},
                       {str16, padded("ab", 16)},
                       {str16, padded("abcdef", 16)},
                       {s64, bytes_of('A')}}),
            "[bash] [ab    ] [    ab] [ab] A %");
}

// COMPAT 30: a string that fills its buffer was cut short: the trailer
// follows it.
TEST(Printf, StringWithoutTerminatorStopsAtItsSizeWithTrailer) {
  Type str4 = Type::string(4);
  EXPECT_EQ(printf_of("%s", {{str4, "abcdEXTRA"}}), "abcd..");
  EXPECT_EQ(printf_of("%s", {{str4, std::string("abc\0", 4)}}), "abc");
}

TEST(Printf, PercentSOfAnIntegerPrintsDecimal) {
  Type s64 = Type::s64();
  EXPECT_EQ(printf_of("%s", {{s64, bytes_of(-12)}}), "-12");
}

// A plain map with keys of `key_types` at `key_offsets`.
MapSnapshot plain_map(const std::string& name,
                      std::vector<Type> key_types,
                      std::vector<uint32_t> key_offsets,
                      const Type& value_type) {
  MapSnapshot map;
  map.shape.name = name;
  map.shape.key_types = std::move(key_types);
  map.shape.value_type = value_type;
  map.key_offsets = std::move(key_offsets);
  return map;
}

std::string print_map(const MapSnapshot& map) {
  std::string text;
  llvm::raw_string_ostream out(text);
  print_map_text(map, out);
  return text;
}

TEST(Values, RecordLiteralsPrintLikeStructs) {
  Type record =
      Type::named_tuple({"name", "size"}, {Type::string(4), Type::s64()});
  EXPECT_EQ(record.name(), "(name=string[4], size=int64)");
  EXPECT_TRUE(record.is_tuple());
  EXPECT_TRUE(record.is_named_tuple());
  EXPECT_EQ(record.field("size")->offset, 8u);
  std::string bytes = padded("abc", 8) + bytes_of(uint64_t(-2));
  EXPECT_EQ(format_value({&record, bytes.data()}, nullptr),
            "{ .name = abc, .size = -2 }");
  EXPECT_EQ(format_value_json({&record, bytes.data()}, nullptr),
            R"({"name": "abc", "size": -2})");
  // A tuple with the same element types is another type.
  Type tuple = Type::tuple({Type::string(4), Type::s64()});
  EXPECT_FALSE(tuple == record);
  EXPECT_FALSE(record == Type::named_tuple({"size", "name"},
                                           {Type::string(4), Type::s64()}));
  EXPECT_EQ(format_value({&tuple, bytes.data()}, nullptr), "(abc, -2)");
}

TEST(MapPrinter, MapWithoutKeys) {
  MapSnapshot map = plain_map("@x", {}, {}, Type::s64());
  map.entries.push_back({bytes_of(0), bytes_of(5)});
  EXPECT_EQ(print_map(map), "@x: 5\n");
}

TEST(MapPrinter, SortsByValueAscendingThenKey) {
  MapSnapshot map = plain_map("@", {Type::string(16)}, {0}, Type::count());
  map.entries.push_back({padded("ninja", 16), bytes_of(30)});
  map.entries.push_back({padded("bash", 16), bytes_of(3)});
  map.entries.push_back({padded("zsh", 16), bytes_of(3)});
  map.entries.push_back({padded("cat", 16), bytes_of(12)});
  EXPECT_EQ(print_map(map),
            "@[bash]: 3\n@[zsh]: 3\n@[cat]: 12\n@[ninja]: 30\n");
}

TEST(MapPrinter, SignedValuesSortNumerically) {
  MapSnapshot map = plain_map("@v", {Type::s64()}, {0}, Type::s64());
  map.entries.push_back({bytes_of(1), bytes_of(4)});
  map.entries.push_back({bytes_of(2), bytes_of(uint64_t(-3))});
  EXPECT_EQ(print_map(map), "@v[2]: -3\n@v[1]: 4\n");
}

TEST(MapPrinter, TupleKeysPrintWithoutParens) {
  MapSnapshot map =
      plain_map("@t", {Type::s64(), Type::string(8)}, {0, 8}, Type::u64());
  map.entries.push_back({bytes_of(2) + padded("two", 8), bytes_of(9)});
  EXPECT_EQ(print_map(map), "@t[2, two]: 9\n");
}

TEST(MapPrinter, StringValuesSortByKey) {
  MapSnapshot map = plain_map("@name", {Type::s64()}, {0}, Type::string(8));
  map.entries.push_back({bytes_of(20), padded("a", 8)});
  map.entries.push_back({bytes_of(10), padded("b", 8)});
  EXPECT_EQ(print_map(map), "@name[10]: b\n@name[20]: a\n");
}

} // namespace
} // namespace sonde::output
