// SPDX-License-Identifier: Apache-2.0
#include "output/tseries.h"
#include "unit/output/snapshot_builder.h"

#include <cstdlib>
#include <ctime>
#include <gtest/gtest.h>

// tseries() charts and JSON, laid out as SPEC section 5 describes them.
// Interval starts are boot-time based; boot_to_realtime_ns = 0 and TZ=UTC
// make interval e start at e * interval_ns after 1970-01-01 00:00:00.
namespace sonde::output {
namespace {

using namespace testing;
using types::Type;

class Tseries : public ::testing::Test {
protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

MapSnapshot make_tseries(const std::string& name,
                         uint64_t interval_ns,
                         uint32_t intervals,
                         std::vector<Type> key_types = {}) {
  MapSnapshot map = make_map(name, MapValueKind::Tseries, std::move(key_types));
  map.shape.tseries.interval_ns = interval_ns;
  map.shape.tseries.intervals = intervals;
  return map;
}

void add_series(MapSnapshot& map,
                const std::vector<KeyPart>& key,
                std::vector<std::pair<uint64_t, int64_t>> points) {
  MapSnapshot::Entry entry;
  entry.key = key_bytes(map, key);
  entry.value = bytes_of(0);
  for (auto [epoch, value] : points) {
    entry.series.push_back({epoch, static_cast<uint64_t>(value)});
  }
  map.entries.push_back(std::move(entry));
}

std::string spaces(size_t n) { return std::string(n, ' '); }
std::string rule() { return std::string(51, '_'); }

TEST_F(Tseries, ChartWithZeroAxisAndAMissingInterval) {
  MapSnapshot map = make_tseries("@z", 100000000, 10);
  add_series(map, {}, {{10, -5}, {11, 0}, {13, 5}});
  std::string range = spaces(13) + "-5" + spaces(50) + "5\n";
  std::string expected =
      "@z:\n" + range + "hh:mm:ss.ms  |" + rule() + "|\n" + "00:00:01.000 *" +
      spaces(25) + "." + spaces(25) + "| -5\n" + "00:00:01.100 |" + spaces(25) +
      "*" + spaces(25) + "| 0\n" + "00:00:01.200 |" + spaces(25) + "." +
      spaces(25) + "| -\n" + "00:00:01.300 |" + spaces(25) + "." + spaces(25) +
      "* 5\n" + spaces(13) + "v" + rule() + "v\n" + range + "\n";
  EXPECT_EQ(text_of(map), expected);
}

TEST_F(Tseries, OneValueRangeIsWidenedAndOldIntervalsDropped) {
  // Three intervals kept: the window ends at epoch 6 and starts at 4, so
  // epoch 1 is out of it.
  MapSnapshot map = make_tseries("@s", 1000000000, 3);
  add_series(map, {}, {{1, 7}, {5, 7}, {6, 7}});
  std::string range = spaces(9) + "6" + spaces(51) + "8\n";
  std::string expected = "@s:\n" + range + "hh:mm:ss |" + rule() + "|\n" +
                         "00:00:05 |" + spaces(25) + "*" + spaces(25) +
                         "| 7\n" + "00:00:06 |" + spaces(25) + "*" +
                         spaces(25) + "| 7\n" + spaces(9) + "v" + rule() +
                         "v\n" + range + "\n";
  EXPECT_EQ(text_of(map), expected);
}

TEST_F(Tseries, PositionsAreFloored) {
  // (v - min) * 52 / (max - min) with min 0, max 3: 1 -> 17, 2 -> 34.
  MapSnapshot map = make_tseries("@p", 1000, 4);
  add_series(map, {}, {{1, 0}, {2, 1}, {3, 2}, {4, 3}});
  std::string text = text_of(map);
  EXPECT_NE(
      text.find("00:00:00.000002 |" + spaces(16) + "*" + spaces(34) + "| 1\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("00:00:00.000003 |" + spaces(33) + "*" + spaces(17) + "| 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("hh:mm:ss.us     |"), std::string::npos) << text;
}

TEST_F(Tseries, KeysShareTheWindowAndSortByLatestInterval) {
  MapSnapshot map = make_tseries("@t", 1000000000, 10, {Type::string(8)});
  add_series(map, {"late"}, {{5, 4}});
  add_series(map, {"early"}, {{2, 1}, {3, 2}});
  std::string text = text_of(map);
  size_t early = text.find("@t[early]:\n");
  size_t late = text.find("@t[late]:\n");
  ASSERT_NE(early, std::string::npos);
  ASSERT_NE(late, std::string::npos);
  EXPECT_LT(early, late);
  // The early key runs to the map's last interval, without data there.
  EXPECT_NE(text.find("00:00:05 |" + spaces(51) + "| -\n"), std::string::npos)
      << text;
}

TEST_F(Tseries, DivDividesValues) {
  MapSnapshot map = make_tseries("@d", 1000000000, 2);
  add_series(map, {}, {{1, 100}, {2, 300}});
  std::string text = text_of(map, {0, 100});
  // 300 / 100 is the largest value: its `*` takes the right bar's place.
  EXPECT_NE(text.find("* 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("| 1\n"), std::string::npos) << text;
}

TEST_F(Tseries, Json) {
  MapSnapshot scalar = make_tseries("@a", 500000000, 5);
  add_series(scalar, {}, {{2, 9}, {4, -1}});
  EXPECT_EQ(
      json_of(scalar),
      R"({"type": "tseries", "data": {"@a": [)"
      R"({"interval_start": "1970-01-01 00:00:01.000000000", "value": 9},)"
      R"({"interval_start": "1970-01-01 00:00:02.000000000", "value": -1}]}})"
      "\n");
  MapSnapshot keyed = make_tseries("@k", 1000000000, 5, {Type::s64()});
  add_series(keyed, {7}, {{3, 2}});
  EXPECT_EQ(
      json_of(keyed),
      R"({"type": "tseries", "data": {"@k": {"7": [)"
      R"({"interval_start": "1970-01-01 00:00:03.000000000", "value": 2}]}}})"
      "\n");
}

} // namespace
} // namespace sonde::output
