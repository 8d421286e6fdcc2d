// SPDX-License-Identifier: Apache-2.0
#include "output/map_printer.h"
#include "unit/output/snapshot_builder.h"

#include <gtest/gtest.h>

// Text and JSON of every map kind. Expected strings marked "checked against
// bpftrace 0.17" were compared character by character with
// /usr/bin/bpftrace v0.17.0 running the script quoted above them, after the
// differences listed in that test's comment (SPEC, i.e. upstream, wins).
namespace sonde::output {
namespace {

using namespace testing;
using types::Type;

const Type Str16 = Type::string(16);
const Type S64 = Type::s64();

TEST(MapText, ScalarIntegerKinds) {
  MapSnapshot count = make_map("@c", MapValueKind::Count, {}, Type::count());
  add_int(count, {}, 3);
  EXPECT_EQ(text_of(count), "@c: 3\n");
  MapSnapshot sum = make_map("@s", MapValueKind::Sum, {}, Type::sum(true));
  add_int(sum, {}, -5);
  EXPECT_EQ(text_of(sum), "@s: -5\n");
  MapSnapshot min = make_map("@m", MapValueKind::Min);
  add_int(min, {}, -2);
  EXPECT_EQ(text_of(min), "@m: -2\n");
  MapSnapshot max = make_map("@x", MapValueKind::Max, {}, Type::u64());
  add_int(max, {}, -1);
  EXPECT_EQ(text_of(max), "@x: 18446744073709551615\n");
}

TEST(MapText, EmptyScalarPrintsZeroAndEmptyKeyedMapNothing) {
  EXPECT_EQ(text_of(make_map("@c", MapValueKind::Count, {}, Type::count())),
            "@c: 0\n");
  EXPECT_EQ(text_of(make_map("@s", MapValueKind::Stats)),
            "@s: { .count = 0, .average = 0, .total = 0 }\n");
  EXPECT_EQ(text_of(make_hist("@h", 0)), "@h:\n\n");
  EXPECT_EQ(text_of(make_map("@k", MapValueKind::Count, {S64})), "");
  EXPECT_EQ(json_of(make_map("@k", MapValueKind::Avg, {S64})), "");
  EXPECT_EQ(json_of(make_map("@c", MapValueKind::Count, {}, Type::count())),
            R"({"type": "map", "data": {"@c": 0}})"
            "\n");
}

// bpftrace 0.17, `@av[1] = avg(-7); @av[1] = avg(-2); @av[2] = avg(5);`.
// 0.17 printed a blank line after an avg map; upstream does not.
TEST(MapText, AvgPrintsTheTruncatedAverage) {
  MapSnapshot map = make_map("@av", MapValueKind::Avg, {S64});
  add_stats(map, {2}, {5});
  add_stats(map, {1}, {-7, -2});
  EXPECT_EQ(text_of(map), "@av[1]: -4\n@av[2]: 5\n");
  EXPECT_EQ(json_of(map),
            R"({"type": "stats", "data": {"@av": {"1": -4, "2": 5}}})"
            "\n");
}

TEST(MapText, UnsignedAvgDividesUnsigned) {
  MapSnapshot map = make_map("@a", MapValueKind::Avg, {}, Type::u64());
  add_stats(map, {}, {10, 11});
  EXPECT_EQ(text_of(map), "@a: 10\n");
  MapSnapshot big = make_map("@a", MapValueKind::Avg, {}, Type::u64());
  big.entries.push_back({"", "", 2, ~uint64_t(0)});
  EXPECT_EQ(text_of(big), "@a: 9223372036854775807\n");
}

// bpftrace 0.17, `@st["x"] = stats(1); @st["x"] = stats(2); @st["y"] =
// stats(-9);`. 0.17 printed `count 1, average -9, total -9` and a blank line
// after the map; upstream prints the record form (SPEC §5).
TEST(MapText, StatsPrintsARecord) {
  MapSnapshot map = make_map("@st", MapValueKind::Stats, {Str16});
  add_stats(map, {"x"}, {1, 2});
  add_stats(map, {"y"}, {-9});
  EXPECT_EQ(text_of(map), "@st[y]: { .count = 1, .average = -9, .total = -9 }\n"
                          "@st[x]: { .count = 2, .average = 1, .total = 3 }\n");
  EXPECT_EQ(
      json_of(map),
      R"({"type": "stats", "data": {"@st": {"y": {"count": 1, "average": -9, "total": -9}, "x": {"count": 2, "average": 1, "total": 3}}}})"
      "\n");
}

// bpftrace 0.17, `@sts = stats(10); @sts = stats(11); @avs = avg(10); @avs
// = avg(11);` (JSON identical; text as above).
TEST(MapJson, ScalarStatsAndAvg) {
  MapSnapshot stats = make_map("@sts", MapValueKind::Stats);
  add_stats(stats, {}, {10, 11});
  EXPECT_EQ(
      json_of(stats),
      R"({"type": "stats", "data": {"@sts": {"count": 2, "average": 10, "total": 21}}})"
      "\n");
  EXPECT_EQ(text_of(stats),
            "@sts: { .count = 2, .average = 10, .total = 21 }\n");
  MapSnapshot avg = make_map("@avs", MapValueKind::Avg);
  add_stats(avg, {}, {10, 11});
  EXPECT_EQ(json_of(avg), R"({"type": "stats", "data": {"@avs": 10}})"
                          "\n");
}

// Checked against bpftrace 0.17: `@mn[1] = min(-5); @mn[2] = min(3);
// @mn[3] = min(-1);`. Upstream compares min/max as unsigned when sorting;
// SPEC sorts by value, as 0.17 does.
TEST(MapText, MinSortsSignedValues) {
  MapSnapshot map = make_map("@mn", MapValueKind::Min, {S64});
  add_int(map, {1}, -5);
  add_int(map, {2}, 3);
  add_int(map, {3}, -1);
  EXPECT_EQ(text_of(map), "@mn[1]: -5\n@mn[3]: -1\n@mn[2]: 3\n");
  EXPECT_EQ(json_of(map),
            R"({"type": "map", "data": {"@mn": {"1": -5, "3": -1, "2": 3}}})"
            "\n");
}

// Checked against bpftrace 0.17: `@c["b", 2] = count(); @c["a", 1] =
// count(); @c["a", 1] = count();`.
TEST(MapText, TupleKeys) {
  MapSnapshot map =
      make_map("@c", MapValueKind::Count, {Str16, S64}, Type::count());
  add_int(map, {"a", 1}, 2);
  add_int(map, {"b", 2}, 1);
  EXPECT_EQ(text_of(map), "@c[b, 2]: 1\n@c[a, 1]: 2\n");
  EXPECT_EQ(json_of(map),
            R"({"type": "map", "data": {"@c": {"b,2": 1, "a,1": 2}}})"
            "\n");
}

// Checked against bpftrace 0.17: `@ks["b"] = count(); @ks["a"] = count();
// @ks["c"] = count() x2`: equal values fall back to key order.
TEST(MapText, TiesSortByKey) {
  MapSnapshot map =
      make_map("@ks", MapValueKind::Count, {Str16}, Type::count());
  add_int(map, {"c"}, 2);
  add_int(map, {"b"}, 1);
  add_int(map, {"a"}, 1);
  EXPECT_EQ(text_of(map), "@ks[a]: 1\n@ks[b]: 1\n@ks[c]: 2\n");
}

TEST(MapText, IntegerKeysTieBreakNumerically) {
  MapSnapshot map = make_map("@", MapValueKind::Count, {S64}, Type::count());
  add_int(map, {10}, 1);
  add_int(map, {-3}, 1);
  add_int(map, {2}, 1);
  EXPECT_EQ(text_of(map), "@[-3]: 1\n@[2]: 1\n@[10]: 1\n");
}

// Checked against bpftrace 0.17: `@str[3] = "three"; @str[1] = "one";`.
TEST(MapText, StringValuesSortByKey) {
  MapSnapshot map = make_map("@str", MapValueKind::Plain, {S64}, Str16);
  add_string(map, {3}, "three");
  add_string(map, {1}, "one");
  EXPECT_EQ(text_of(map), "@str[1]: one\n@str[3]: three\n");
  EXPECT_EQ(json_of(map),
            R"({"type": "map", "data": {"@str": {"1": "one", "3": "three"}}})"
            "\n");
}

TEST(MapText, PointerValuesPrintInHexAndJsonAsNumbers) {
  MapSnapshot map =
      make_map("@p", MapValueKind::Plain, {},
               Type::pointer(Type::s64(), types::AddressSpace::Kernel));
  add_int(map, {}, 0x32);
  EXPECT_EQ(text_of(map), "@p: 0x32\n");
  // Upstream's runtime test print_hex_values: `@ = (int16*) 0x32`.
  EXPECT_EQ(json_of(map), R"({"type": "map", "data": {"@p": 50}})"
                          "\n");
}

TEST(MapText, KeyInParenthesesLosesThemAsUpstreamDoes) {
  MapSnapshot map = make_map("@", MapValueKind::Count, {Str16}, Type::count());
  add_int(map, {"(sd-pam)"}, 1);
  add_int(map, {"a b"}, 2);
  EXPECT_EQ(text_of(map), "@[sd-pam]: 1\n@[a b]: 2\n");
  EXPECT_EQ(json_of(map),
            R"({"type": "map", "data": {"@": {"sd-pam": 1, "ab": 2}}})"
            "\n");
}

// Checked against bpftrace 0.17: `@[1] = count(); @[2] = count() x2; @[3]
// = count() x3; print(@, 2); print(@, 0, 2);`.
TEST(MapText, TopAndDiv) {
  MapSnapshot map = make_map("@", MapValueKind::Count, {S64}, Type::count());
  add_int(map, {3}, 3);
  add_int(map, {1}, 1);
  add_int(map, {2}, 2);
  EXPECT_EQ(text_of(map, {2, 0}), "@[2]: 2\n@[3]: 3\n");
  EXPECT_EQ(text_of(map, {0, 2}), "@[1]: 0\n@[2]: 1\n@[3]: 1\n");
  EXPECT_EQ(json_of(map, {2, 0}),
            R"({"type": "map", "data": {"@": {"2": 2, "3": 3}}})"
            "\n");
  EXPECT_EQ(json_of(map, {0, 2}),
            R"({"type": "map", "data": {"@": {"1": 0, "2": 1, "3": 1}}})"
            "\n");
  EXPECT_EQ(text_of(map, {10, 1}), "@[1]: 1\n@[2]: 2\n@[3]: 3\n");
}

// Upstream's runtime tests print_avg_map_args and
// print_avg_map_with_large_top: print(@, 2, 10) and print(@, 10, 10) of
// avg(10), avg(20), avg(30), avg(40).
TEST(MapText, TopAndDivOfAvg) {
  MapSnapshot map = make_map("@", MapValueKind::Avg, {Str16});
  add_stats(map, {"d"}, {40});
  add_stats(map, {"a"}, {10});
  add_stats(map, {"c"}, {30});
  add_stats(map, {"b"}, {20});
  EXPECT_EQ(text_of(map, {2, 10}), "@[c]: 3\n@[d]: 4\n");
  EXPECT_EQ(json_of(map, {2, 10}),
            R"({"type": "stats", "data": {"@": {"c": 3, "d": 4}}})"
            "\n");
  EXPECT_EQ(
      json_of(map, {10, 10}),
      R"({"type": "stats", "data": {"@": {"a": 1, "b": 2, "c": 3, "d": 4}}})"
      "\n");
}

TEST(MapText, DivOfStatsDividesOnlyTheAverage) {
  MapSnapshot map = make_map("@s", MapValueKind::Stats);
  add_stats(map, {}, {10, 30});
  EXPECT_EQ(text_of(map, {0, 10}),
            "@s: { .count = 2, .average = 2, .total = 40 }\n");
}

TEST(MapText, NegativeSumDividesTowardZero) {
  MapSnapshot map = make_map("@s", MapValueKind::Sum, {}, Type::sum(true));
  add_int(map, {}, -7);
  EXPECT_EQ(text_of(map, {0, 2}), "@s: -3\n");
}

// Checked against bpftrace 0.17: `@h0 = hist(-1); ... hist(1048576)`,
// except that 0.17 wrote `@h0: ` with a trailing space.
TEST(MapText, ScalarHist) {
  MapSnapshot map = make_hist("@h", 0);
  add_hist(map, {}, {5, 100});
  EXPECT_EQ(text_of(map), R"(@h:
[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[8, 16)                0 |                                                    |
[16, 32)               0 |                                                    |
[32, 64)               0 |                                                    |
[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

)");
}

// Checked against bpftrace 0.17: `@h[1] = hist(10); @h[2] = hist(20) x2;`
// (JSON identical, text without 0.17's space after the colon). Keyed hists
// sort by total count.
TEST(MapText, KeyedHistSortsByTotalCount) {
  MapSnapshot map = make_hist("@h", 0, {S64});
  add_hist(map, {2}, {20, 20});
  add_hist(map, {1}, {10});
  EXPECT_EQ(text_of(map), R"(@h[1]:
[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@h[2]:
[16, 32)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

)");
  EXPECT_EQ(
      json_of(map),
      R"({"type": "hist", "data": {"@h": {"1": [{"min": 8, "max": 15, "count": 1}], "2": [{"min": 16, "max": 31, "count": 2}]}}})"
      "\n");
}

// Upstream's runtime test print_hist_with_top_arg: `@[1] = hist(10); @[2]
// = hist(20); @[3] = hist(30); print(@, 2);`.
TEST(MapJson, HistWithTop) {
  MapSnapshot map = make_hist("@", 0, {S64});
  add_hist(map, {1}, {10});
  add_hist(map, {2}, {20});
  add_hist(map, {3}, {30});
  EXPECT_EQ(
      json_of(map, {2, 0}),
      R"({"type": "hist", "data": {"@": {"2": [{"min": 16, "max": 31, "count": 1}], "3": [{"min": 16, "max": 31, "count": 1}]}}})"
      "\n");
}

// bpftrace 0.17: `@x[1] = hist(10) x3; @x[1] = hist(300); print(@x, 0,
// 2);`. 0.17 drew the bars from the undivided counts (17 `@` for a count
// printed as 0); upstream divides first, and SPEC follows. JSON as 0.17
// without the spaces between array elements.
TEST(MapText, HistDivDividesCountsBeforeDrawing) {
  MapSnapshot map = make_hist("@x", 0, {S64});
  add_hist(map, {1}, {10, 10, 10, 300});
  EXPECT_EQ(text_of(map, {0, 2}), R"(@x[1]:
[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[16, 32)               0 |                                                    |
[32, 64)               0 |                                                    |
[64, 128)              0 |                                                    |
[128, 256)             0 |                                                    |
[256, 512)             0 |                                                    |

)");
  EXPECT_EQ(
      json_of(map, {0, 2}),
      R"({"type": "hist", "data": {"@x": {"1": [{"min": 8, "max": 15, "count": 1},{"min": 16, "max": 31, "count": 0},{"min": 32, "max": 63, "count": 0},{"min": 64, "max": 127, "count": 0},{"min": 128, "max": 255, "count": 0},{"min": 256, "max": 511, "count": 0}]}}})"
      "\n");
}

// Checked against bpftrace 0.17: `@kl["bash", 1] = lhist(15, 10, 20, 5);
// @kl["zsh", 2] = lhist(25, ...); @kl["zsh", 2] = lhist(5, ...);`, except
// for 0.17's space after the colon and its spaces between JSON array
// elements.
TEST(MapText, KeyedLhistIgnoresDiv) {
  MapSnapshot map = make_lhist("@kl", 10, 20, 5, {Str16, S64});
  add_hist(map, {"zsh", 2}, {25, 5});
  add_hist(map, {"bash", 1}, {15});
  std::string expected = R"(@kl[bash, 1]:
[15, 20)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@kl[zsh, 2]:
(..., 10)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[10, 15)               0 |                                                    |
[15, 20)               0 |                                                    |
[20, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

)";
  EXPECT_EQ(text_of(map), expected);
  EXPECT_EQ(text_of(map, {0, 5}), expected);
  EXPECT_EQ(
      json_of(map),
      R"({"type": "hist", "data": {"@kl": {"bash,1": [{"min": 15, "max": 19, "count": 1}], "zsh,2": [{"max": 9, "count": 1},{"min": 10, "max": 14, "count": 0},{"min": 15, "max": 19, "count": 0},{"min": 20, "count": 1}]}}})"
      "\n");
}

// Upstream's runtime test hist_zero: a zeroed hist prints an empty array.
TEST(MapJson, ZeroedHist) {
  MapSnapshot map = make_hist("@hist", 0);
  add_hist(map, {}, {});
  EXPECT_EQ(json_of(map), R"({"type": "hist", "data": {"@hist": []}})"
                          "\n");
}

// Checked against bpftrace 0.17 for the text; 0.17 also printed
// -9223372036854775807 as a JSON number, which a double cannot hold, so
// SPEC (and upstream) quote it.
TEST(MapJson, IntegersADoubleCannotHoldAreStrings) {
  MapSnapshot map = make_map("@neg", MapValueKind::Plain);
  add_int(map, {}, -9223372036854775807);
  EXPECT_EQ(text_of(map), "@neg: -9223372036854775807\n");
  EXPECT_EQ(json_of(map),
            R"({"type": "map", "data": {"@neg": "-9223372036854775807"}})"
            "\n");
  MapSnapshot exact = make_map("@e", MapValueKind::Plain);
  add_int(exact, {}, int64_t(1) << 60);
  EXPECT_EQ(json_of(exact),
            R"({"type": "map", "data": {"@e": 1152921504606846976}})"
            "\n");
}

// Upstream's runtime test scalar_str: `@scalar_str = "a b \n d e"`.
TEST(MapJson, StringValuesAreEscaped) {
  MapSnapshot map =
      make_map("@scalar_str", MapValueKind::Plain, {}, Type::string(16));
  add_string(map, {}, "a b \n d e");
  EXPECT_EQ(json_of(map),
            R"({"type": "map", "data": {"@scalar_str": "a b \n d e"}})"
            "\n");
}

TEST(MapPrinter, LegacyPlainMapsWithAggregationTypes) {
  // The runtime used to fill only value_type (count()/sum()); such maps
  // still print as integers sorted by value.
  MapSnapshot map = make_map("@", MapValueKind::Plain, {S64}, Type::sum(true));
  map.entries.push_back({bytes_of(1), bytes_of_signed(-4)});
  map.entries.push_back({bytes_of(2), bytes_of_signed(-9)});
  EXPECT_EQ(text_of(map), "@[2]: -9\n@[1]: -4\n");
}

TEST(MapPrinter, ShortValueBuffersArePadded) {
  MapSnapshot map = make_map("@s", MapValueKind::Plain, {}, Type::string(64));
  map.entries.push_back({"", "abc"});
  EXPECT_EQ(text_of(map), "@s: abc\n");
}

} // namespace
} // namespace sonde::output
