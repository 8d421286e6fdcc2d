// SPDX-License-Identifier: Apache-2.0
#include "probes/cpus.h"
#include "probes/providers.h"

#include <gtest/gtest.h>

namespace sonde::probes {
namespace {

class IntervalTest : public ::testing::Test {
protected:
  // The period of a valid attach point, or 0 after a test failure.
  uint64_t period(std::vector<std::string> parts) {
    ExpandResult result = probe_->expand(parts);
    if (auto* error = std::get_if<ExpandError>(&result)) {
      ADD_FAILURE() << "expansion failed: " << error->detail;
      return 0;
    }
    auto& targets = std::get<std::vector<AttachTarget>>(result);
    EXPECT_EQ(targets.size(), 1u);
    EXPECT_EQ(targets[0].kind, ProbeKind::Interval);
    return targets[0].period_ns;
  }

  ExpandError error(std::vector<std::string> parts) {
    ExpandResult result = probe_->expand(parts);
    auto* error = std::get_if<ExpandError>(&result);
    if (error == nullptr) {
      ADD_FAILURE() << "expansion unexpectedly succeeded";
      return {ExpandError::Reason::NotFound, "", std::nullopt};
    }
    return *error;
  }

  std::unique_ptr<ProbeType> probe_ = make_interval_probe();
};

TEST_F(IntervalTest, UnitForms) {
  EXPECT_EQ(period({"interval", "s", "1"}), 1'000'000'000u);
  EXPECT_EQ(period({"interval", "ms", "100"}), 100'000'000u);
  EXPECT_EQ(period({"i", "us", "500"}), 500'000u);
  EXPECT_EQ(period({"interval", "hz", "99"}), 1'000'000'000u / 99);
  EXPECT_EQ(period({"interval", "s", "1_000"}), 1'000'000'000'000u);
}

TEST_F(IntervalTest, DurationForms) {
  EXPECT_EQ(period({"interval", "1s"}), 1'000'000'000u);
  EXPECT_EQ(period({"interval", "100ms"}), 100'000'000u);
  EXPECT_EQ(period({"i", "10us"}), 10'000u);
  EXPECT_EQ(period({"interval", "5000"}), 5000u);
  EXPECT_EQ(period({"interval", "2500ns"}), 2500u);
  EXPECT_EQ(period({"interval", "2m"}), 120'000'000'000u);
  EXPECT_EQ(period({"interval", "1e6"}), 1'000'000u);
}

TEST_F(IntervalTest, FullNameUsesTheCanonicalProvider) {
  ExpandResult result = probe_->expand({"i", "ms", "100"});
  const AttachTarget& target = std::get<std::vector<AttachTarget>>(result)[0];
  EXPECT_EQ(target.full_name, "interval:ms:100");
  EXPECT_EQ(target.target, (std::vector<std::string>{"ms", "100"}));
  EXPECT_EQ(probe_->program_type(), ProgramType::PerfEvent);
  EXPECT_EQ(probe_->section_name(target), "perf_event");
}

TEST_F(IntervalTest, UnknownUnitSuggestsOne) {
  ExpandError e = error({"interval", "mss", "100"});
  EXPECT_EQ(e.reason, ExpandError::Reason::Invalid);
  EXPECT_EQ(e.suggestion, "ms:100");
  EXPECT_EQ(error({"interval", "100mss"}).suggestion, "100ms");
  EXPECT_EQ(error({"interval", "minutes", "1"}).suggestion, std::nullopt);
}

TEST_F(IntervalTest, InvalidRates) {
  for (const std::vector<std::string>& parts :
       std::vector<std::vector<std::string>>{
           {"interval", "hz", "0"},
           {"interval", "s", "abc"},
           {"interval", "s", "-1"},
           {"interval", "s", "1s"},
           {"interval", "s", ""},
           {"interval", "s", "1_"},
           {"interval", "hz", "2000000000"},
           {"interval", "s", "99999999999999999999"},
           {"interval", "s", "20000000000"},
           {"interval"},
           {"interval", "s", "1", "2"},
           {"interval", "500"},
           {"interval", "ms"},
           {"interval", "*"},
           {"interval", "s", "*"}}) {
    EXPECT_EQ(error(parts).reason, ExpandError::Reason::Invalid)
        << ::testing::PrintToString(parts);
  }
}

TEST(CpuList, ParsesRangesAndSingles) {
  auto single = parse_cpu_list("0\n");
  ASSERT_TRUE(static_cast<bool>(single));
  EXPECT_EQ(*single, (std::vector<uint32_t>{0}));
  auto mixed = parse_cpu_list("2-3,5,7-8\n");
  ASSERT_TRUE(static_cast<bool>(mixed));
  EXPECT_EQ(*mixed, (std::vector<uint32_t>{2, 3, 5, 7, 8}));
}

TEST(CpuList, RejectsMalformedLists) {
  for (const char* text : {"", "\n", "a", "3-1", "1,,2", "1-", "0-99999"}) {
    auto parsed = parse_cpu_list(text);
    EXPECT_FALSE(static_cast<bool>(parsed)) << text;
    llvm::consumeError(parsed.takeError());
  }
}

} // namespace
} // namespace sonde::probes
