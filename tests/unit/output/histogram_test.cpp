// SPDX-License-Identifier: Apache-2.0
#include "output/histogram.h"
#include "output/json.h"

#include <gtest/gtest.h>

namespace sonde::output {
namespace {

std::vector<std::string> labels_of(const std::vector<HistRow>& rows) {
  std::vector<std::string> labels;
  for (const HistRow& row : rows) {
    labels.push_back(row.label);
  }
  return labels;
}

// Buckets with one value counted in each of `indices`.
std::vector<uint64_t> buckets_with(size_t size,
                                   const std::vector<uint32_t>& indices) {
  std::vector<uint64_t> buckets(size, 0);
  for (uint32_t index : indices) {
    buckets[index] += 1;
  }
  return buckets;
}

std::vector<uint64_t> hist_of(const std::vector<int64_t>& values,
                              unsigned bits) {
  std::vector<uint64_t> buckets(hist_bucket_count(bits), 0);
  for (int64_t value : values) {
    buckets[hist_bucket_index(value, bits)] += 1;
  }
  return buckets;
}

std::string rows_text(const std::vector<HistRow>& rows) {
  std::string text;
  llvm::raw_string_ostream out(text);
  print_hist_rows(rows, out);
  return text;
}

TEST(HistIndex, BitsZeroMatchesPowersOfTwo) {
  EXPECT_EQ(hist_bucket_index(-5, 0), 0u);
  EXPECT_EQ(hist_bucket_index(0, 0), 1u);
  EXPECT_EQ(hist_bucket_index(1, 0), 2u);
  EXPECT_EQ(hist_bucket_index(2, 0), 3u);
  EXPECT_EQ(hist_bucket_index(3, 0), 3u);
  EXPECT_EQ(hist_bucket_index(4, 0), 4u);
  EXPECT_EQ(hist_bucket_index(1023, 0), 11u);
  EXPECT_EQ(hist_bucket_index(1024, 0), 12u);
  EXPECT_EQ(hist_bucket_index(INT64_MAX, 0), 64u);
  EXPECT_EQ(hist_bucket_count(0), 66u);
}

TEST(HistIndex, SubBucketsFollowTheBitsAfterTheMsb) {
  // k = 2: 0..3 map to 1..4, then 4 sub-buckets per power of two.
  EXPECT_EQ(hist_bucket_index(3, 2), 4u);
  EXPECT_EQ(hist_bucket_index(4, 2), 5u);
  EXPECT_EQ(hist_bucket_index(7, 2), 8u);
  EXPECT_EQ(hist_bucket_index(8, 2), 9u);
  EXPECT_EQ(hist_bucket_index(9, 2), 9u);
  EXPECT_EQ(hist_bucket_index(10, 2), 10u);
  EXPECT_EQ(hist_bucket_index(15, 2), 12u);
  EXPECT_EQ(hist_bucket_index(16, 2), 13u);
  // The largest value lands in the last bucket for every k.
  for (unsigned bits = 0; bits <= 5; ++bits) {
    EXPECT_EQ(hist_bucket_index(INT64_MAX, bits) + 1,
              hist_bucket_count(bits) - (1u << bits))
        << bits;
  }
}

TEST(HistLabels, BitsZero) {
  auto rows = hist_rows(hist_of({-1, 0, 1, 2, 4, 8, 512, 1024}, 0), 0);
  EXPECT_EQ(labels_of(rows),
            (std::vector<std::string>{"(..., 0)", "[0]", "[1]", "[2, 4)",
                                      "[4, 8)", "[8, 16)", "[16, 32)",
                                      "[32, 64)", "[64, 128)", "[128, 256)",
                                      "[256, 512)", "[512, 1K)", "[1K, 2K)"}));
}

TEST(HistLabels, BitsOneSplitsEachPowerInTwo) {
  auto rows = hist_rows(hist_of({0, 11}, 1), 1);
  EXPECT_EQ(labels_of(rows),
            (std::vector<std::string>{"[0]", "[1]", "[2]", "[3]", "[4, 6)",
                                      "[6, 8)", "[8, 12)"}));
}

TEST(HistLabels, BitsTwoHasEightSingleValues) {
  auto rows = hist_rows(hist_of({0, 16}, 2), 2);
  EXPECT_EQ(labels_of(rows),
            (std::vector<std::string>{"[0]", "[1]", "[2]", "[3]", "[4]", "[5]",
                                      "[6]", "[7]", "[8, 10)", "[10, 12)",
                                      "[12, 14)", "[14, 16)", "[16, 20)"}));
}

TEST(HistLabels, BitsThreeFourAndFive) {
  EXPECT_EQ(labels_of(hist_rows(hist_of({15, 18}, 3), 3)),
            (std::vector<std::string>{"[15]", "[16, 18)", "[18, 20)"}));
  EXPECT_EQ(labels_of(hist_rows(hist_of({31, 34}, 4), 4)),
            (std::vector<std::string>{"[31]", "[32, 34)", "[34, 36)"}));
  EXPECT_EQ(labels_of(hist_rows(hist_of({63, 66}, 5), 5)),
            (std::vector<std::string>{"[63]", "[64, 66)", "[66, 68)"}));
}

TEST(HistLabels, SuffixesForPowersOf1024) {
  auto label = [](int64_t value, unsigned bits) {
    return hist_rows(hist_of({value}, bits), bits).at(0).label;
  };
  EXPECT_EQ(label(1 << 20, 0), "[1M, 2M)");
  EXPECT_EQ(label(int64_t(10) << 30, 0), "[8G, 16G)");
  EXPECT_EQ(label(int64_t(1) << 40, 0), "[1T, 2T)");
  EXPECT_EQ(label(int64_t(1) << 50, 0), "[1P, 2P)");
  EXPECT_EQ(label(int64_t(1) << 60, 0), "[1E, 2E)");
  EXPECT_EQ(label(INT64_MAX, 0), "[4E, 8E)");
  // Sub-buckets keep the power's suffix: 2^10 * (4 + 1) = 5K.
  EXPECT_EQ(label(5 * 1024, 2), "[5K, 6K)");
  // The suffix goes by the power of two, not the bound: 3M in a k = 5
  // sub-bucket of [2M, 4M) reads 3072K, as upstream prints it.
  EXPECT_EQ(label(3 << 20, 5), "[3072K, 3136K)");
}

TEST(HistLabels, TopBucketReaches2To64) {
  // The last bucket of k = 0 holds [2^63, 2^64), which only an unsigned
  // value reaches; its inclusive maximum does not fit a double.
  std::vector<uint64_t> buckets(hist_bucket_count(0), 0);
  buckets.back() = 1;
  auto rows = hist_rows(buckets, 0);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].label, "[8E, 16E)");
  EXPECT_EQ(
      hist_rows_json(rows),
      R"([{"min": 9223372036854775808, "max": "18446744073709551615", "count": 1}])");
}

TEST(HistRows, OnlyTheRangeOfNonZeroBuckets) {
  EXPECT_TRUE(hist_rows(std::vector<uint64_t>(66, 0), 0).empty());
  auto rows = hist_rows(buckets_with(66, {5, 7}), 0);
  EXPECT_EQ(labels_of(rows),
            (std::vector<std::string>{"[8, 16)", "[16, 32)", "[32, 64)"}));
  EXPECT_EQ(rows[1].count, 0u);
}

TEST(HistRows, DivideCountsAfterChoosingBuckets) {
  auto rows = hist_rows(buckets_with(66, {5, 5, 5, 10}), 0, 2);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows.front().count, 1u);
  EXPECT_EQ(rows.back().count, 0u);
}

// Checked against bpftrace 0.17: hist(-1), hist(0) .. hist(1048576).
TEST(HistText, NegativeSingleValuesAndSuffixes) {
  auto rows = hist_rows(hist_of({-1, 0, 1, 2, 3, 1000, 1024, 1048576}, 0), 0);
  EXPECT_EQ(
      rows_text(rows),
      R"((..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[4, 8)                 0 |                                                    |
[8, 16)                0 |                                                    |
[16, 32)               0 |                                                    |
[32, 64)               0 |                                                    |
[64, 128)              0 |                                                    |
[128, 256)             0 |                                                    |
[256, 512)             0 |                                                    |
[512, 1K)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[2K, 4K)               0 |                                                    |
[4K, 8K)               0 |                                                    |
[8K, 16K)              0 |                                                    |
[16K, 32K)             0 |                                                    |
[32K, 64K)             0 |                                                    |
[64K, 128K)            0 |                                                    |
[128K, 256K)           0 |                                                    |
[256K, 512K)           0 |                                                    |
[512K, 1M)             0 |                                                    |
[1M, 2M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
)");
}

// Checked against bpftrace 0.17: bar lengths round down in single
// precision (3/100*52 = 1.56 -> 1, 33/100*52 = 17.16 -> 17).
TEST(HistText, BarLengthsRoundDown) {
  std::vector<int64_t> values(100, 1000);
  values.insert(values.end(), 33, 100);
  values.insert(values.end(), 10, 10);
  values.insert(values.end(), 7, 5);
  values.insert(values.end(), 3, 2);
  values.insert(values.end(), 1, 0);
  EXPECT_EQ(
      rows_text(hist_rows(hist_of(values, 0), 0)),
      R"([0]                    1 |                                                    |
[1]                    0 |                                                    |
[2, 4)                 3 |@                                                   |
[4, 8)                 7 |@@@                                                 |
[8, 16)               10 |@@@@@                                               |
[16, 32)               0 |                                                    |
[32, 64)               0 |                                                    |
[64, 128)             33 |@@@@@@@@@@@@@@@@@                                   |
[128, 256)             0 |                                                    |
[256, 512)             0 |                                                    |
[512, 1K)            100 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
)");
}

TEST(HistText, LongLabelsAndCountsWidenTheirColumns) {
  std::vector<HistRow> rows = {{"[1234567890123, 2K)", {}, {}, 123456789}};
  EXPECT_EQ(rows_text(rows),
            "[1234567890123, 2K)123456789 "
            "|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
}

TEST(HistText, AllCountsDividedToZeroDrawNoBars) {
  auto rows = hist_rows(buckets_with(66, {3}), 0, 10);
  EXPECT_EQ(rows_text(rows),
            "[2, 4)                 0 |" + std::string(52, ' ') + "|\n");
}

TEST(LhistIndex, UnderflowInRangeOverflow) {
  EXPECT_EQ(lhist_bucket_count(0, 100, 10), 12u);
  EXPECT_EQ(lhist_bucket_index(-1, 0, 100, 10), 0u);
  EXPECT_EQ(lhist_bucket_index(0, 0, 100, 10), 1u);
  EXPECT_EQ(lhist_bucket_index(99, 0, 100, 10), 10u);
  EXPECT_EQ(lhist_bucket_index(100, 0, 100, 10), 11u);
  EXPECT_EQ(lhist_bucket_index(1000, 0, 100, 10), 11u);
}

std::vector<uint64_t> lhist_of(const std::vector<int64_t>& values,
                               int64_t min,
                               int64_t max,
                               int64_t step) {
  std::vector<uint64_t> buckets(lhist_bucket_count(min, max, step), 0);
  for (int64_t value : values) {
    buckets[lhist_bucket_index(value, min, max, step)] += 1;
  }
  return buckets;
}

// Checked against bpftrace 0.17 (lhist(v, 0, 100, 10) of 50, -1, 100).
TEST(LhistText, UnderflowAndOverflowBuckets) {
  auto rows = lhist_rows(lhist_of({50, -1, 100}, 0, 100, 10), 0, 100, 10);
  EXPECT_EQ(
      rows_text(rows),
      R"((..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[0, 10)                0 |                                                    |
[10, 20)               0 |                                                    |
[20, 30)               0 |                                                    |
[30, 40)               0 |                                                    |
[40, 50)               0 |                                                    |
[50, 60)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[60, 70)               0 |                                                    |
[70, 80)               0 |                                                    |
[80, 90)               0 |                                                    |
[90, 100)              0 |                                                    |
[100, ...)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
)");
}

// Checked against bpftrace 0.17: lhist(v, 0, 8192, 1024) of 3000, -10,
// 10000.
TEST(LhistText, KiloSuffixWhenStepIsAMultipleOf1024) {
  auto rows =
      lhist_rows(lhist_of({3000, -10, 10000}, 0, 8192, 1024), 0, 8192, 1024);
  EXPECT_EQ(labels_of(rows),
            (std::vector<std::string>{
                "(..., 0)", "[0, 1K)", "[1K, 2K)", "[2K, 3K)", "[3K, 4K)",
                "[4K, 5K)", "[5K, 6K)", "[6K, 7K)", "[7K, 8K)", "[8K, ...)"}));
  // Checked against bpftrace 0.17: lhist(2097152, 0, 4194304, 1048576).
  EXPECT_EQ(labels_of(lhist_rows(lhist_of({2097152}, 0, 4194304, 1048576), 0,
                                 4194304, 1048576)),
            (std::vector<std::string>{"[2M, 3M)"}));
}

TEST(LhistText, NoSuffixUnlessTheBoundDivides) {
  // Upstream's own test: 640000 is 625K, but a step of 10000 is not a
  // multiple of 1024, so no bound gets a suffix.
  EXPECT_EQ(labels_of(lhist_rows(lhist_of({635000}, 610000, 670000, 10000),
                                 610000, 670000, 10000)),
            (std::vector<std::string>{"[630000, 640000)"}));
  // Step 2048 from 1024: 1K, 3K, but 1536 + 2048 = 3584 is not a multiple.
  EXPECT_EQ(labels_of(lhist_rows(lhist_of({1536}, 1536, 10000, 2048), 1536,
                                 10000, 2048)),
            (std::vector<std::string>{"[1536, 3584)"}));
  EXPECT_EQ(labels_of(lhist_rows(lhist_of({-3000}, -4096, 4096, 1024), -4096,
                                 4096, 1024)),
            (std::vector<std::string>{"[-3K, -2K)"}));
}

// bpftrace 0.17 prints `[3, 4)`; upstream prints a one-value bucket as
// `[3]`, and SPEC follows upstream.
TEST(LhistText, StepOnePrintsSingleValues) {
  auto rows = lhist_rows(lhist_of({-5, 3, 10, 11}, 0, 10, 1), 0, 10, 1);
  EXPECT_EQ(labels_of(rows),
            (std::vector<std::string>{"(..., 0)", "[0]", "[1]", "[2]", "[3]",
                                      "[4]", "[5]", "[6]", "[7]", "[8]", "[9]",
                                      "[10, ...)"}));
}

// When step does not divide max - min, the overflow bucket starts at the
// end of the last full bucket (upstream); 0.17 printed [max, ...).
TEST(LhistText, OverflowStartsAfterTheLastFullBucket) {
  auto rows = lhist_rows(lhist_of({7, 9}, 0, 10, 3), 0, 10, 3);
  EXPECT_EQ(labels_of(rows), (std::vector<std::string>{"[6, 9)", "[9, ...)"}));
}

// Upstream's runtime test expectation (tests/runtime/outputs/lhist.json),
// with arrays unspaced as upstream emits them.
TEST(LhistJson, MinMaxAndOpenEnds) {
  auto rows = lhist_rows(lhist_of({2, 50, 1000}, 0, 100, 10), 0, 100, 10);
  EXPECT_EQ(
      hist_rows_json(rows),
      R"([{"min": 0, "max": 9, "count": 1},{"min": 10, "max": 19, "count": 0},)"
      R"({"min": 20, "max": 29, "count": 0},{"min": 30, "max": 39, "count": 0},)"
      R"({"min": 40, "max": 49, "count": 0},{"min": 50, "max": 59, "count": 1},)"
      R"({"min": 60, "max": 69, "count": 0},{"min": 70, "max": 79, "count": 0},)"
      R"({"min": 80, "max": 89, "count": 0},{"min": 90, "max": 99, "count": 0},)"
      R"({"min": 100, "count": 1}])");
  auto under = lhist_rows(lhist_of({-1}, 0, 100, 10), 0, 100, 10);
  EXPECT_EQ(hist_rows_json(under), R"([{"max": -1, "count": 1}])");
}

// Upstream's runtime test expectation tests/runtime/outputs/hist_2args.json:
// hist($i, 3) for $i in 0..1023.
TEST(HistJson, FineGrainedBucketsMatchUpstream) {
  std::vector<int64_t> values;
  for (int64_t i = 0; i < 1024; ++i) {
    values.push_back(i);
  }
  auto rows = hist_rows(hist_of(values, 3), 3);
  ASSERT_EQ(rows.size(), 64u);
  std::string expected = "[";
  for (int64_t i = 0; i < 16; ++i) {
    expected += "{\"min\": " + std::to_string(i) +
                ", \"max\": " + std::to_string(i) + ", \"count\": 1},";
  }
  for (int64_t power = 4; power < 10; ++power) {
    int64_t width = int64_t(1) << (power - 3);
    for (int64_t sub = 0; sub < 8; ++sub) {
      int64_t lower = (int64_t(1) << power) + sub * width;
      expected += "{\"min\": " + std::to_string(lower) +
                  ", \"max\": " + std::to_string(lower + width - 1) +
                  ", \"count\": " + std::to_string(width) + "},";
    }
  }
  expected.back() = ']';
  EXPECT_EQ(hist_rows_json(rows), expected);
}

// Upstream's runtime test expectation tests/runtime/outputs/hist_10g.json.
TEST(HistJson, TenGigabytes) {
  auto rows = hist_rows(hist_of({int64_t(10) << 30}, 0), 0);
  EXPECT_EQ(hist_rows_json(rows),
            R"([{"min": 8589934592, "max": 17179869183, "count": 1}])");
  EXPECT_EQ(hist_rows_json(hist_rows(hist_of({-4, 0}, 0), 0)),
            R"([{"max": -1, "count": 1},{"min": 0, "max": 0, "count": 1}])");
}

} // namespace
} // namespace sonde::output

namespace sonde::output {
namespace {

std::string bcc_text(const std::vector<int64_t>& values,
                     const std::string& unit) {
  std::vector<uint64_t> buckets(hist_bucket_count(0), 0);
  for (int64_t value : values) {
    buckets[hist_bucket_index(value, 0)] += 1;
  }
  std::string text;
  llvm::raw_string_ostream out(text);
  print_bcc_log2_hist(buckets, unit, out);
  return text;
}

TEST(BccLog2Hist, RowsFromZeroToTheHighestBucket) {
  EXPECT_EQ(bcc_text({0, 1, 5, 5, 6}, "usecs"),
            "     usecs               : count     distribution\n"
            "         0 -> 1          : 2        "
            "|**************************              |\n"
            "         2 -> 3          : 0        "
            "|                                        |\n"
            "         4 -> 7          : 3        "
            "|****************************************|\n");
}

TEST(BccLog2Hist, BarsScaleToTheLargestCount) {
  std::string text = bcc_text({2, 4, 4, 4}, "msecs");
  EXPECT_NE(text.find("         2 -> 3          : 1        "
                      "|*************                           |\n"),
            std::string::npos)
      << text;
}

TEST(BccLog2Hist, EmptyPrintsNothing) { EXPECT_EQ(bcc_text({}, "usecs"), ""); }

TEST(BccLog2Hist, PastThirtyTwoRowsIsWide) {
  std::string text = bcc_text({int64_t{1} << 40}, "nsecs");
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "               nsecs                         : count     "
            "distribution");
  EXPECT_NE(text.find("       1099511627776 -> 2199023255551        : 1        "
                      "|********************|\n"),
            std::string::npos)
      << text;
}

} // namespace
} // namespace sonde::output
