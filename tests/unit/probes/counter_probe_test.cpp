// SPDX-License-Identifier: Apache-2.0
#include "probes/providers.h"

#include <gtest/gtest.h>
#include <linux/perf_event.h>

namespace sonde::probes {
namespace {

std::vector<AttachTarget> targets_of(const ExpandResult& result) {
  EXPECT_TRUE(std::holds_alternative<std::vector<AttachTarget>>(result));
  if (const auto* targets = std::get_if<std::vector<AttachTarget>>(&result)) {
    return *targets;
  }
  return {};
}

TEST(Profile, HzIsAFrequencyOtherUnitsAPeriod) {
  auto profile = make_profile_probe();
  auto hz = targets_of(profile->expand({"profile", "hz", "99"}));
  ASSERT_EQ(hz.size(), 1u);
  EXPECT_EQ(hz[0].full_name, "profile:hz:99");
  EXPECT_EQ(hz[0].frequency_hz, 99u);
  auto ms = targets_of(profile->expand({"p", "ms", "10"}));
  EXPECT_EQ(ms[0].period_ns, 10'000'000u);
  EXPECT_EQ(ms[0].frequency_hz, 0u);
  auto duration = targets_of(profile->expand({"profile", "10ms"}));
  EXPECT_EQ(duration[0].period_ns, 10'000'000u);
  EXPECT_EQ(profile->program_type(), ProgramType::PerfEvent);
}

TEST(Profile, RejectsBadUnits) {
  auto profile = make_profile_probe();
  auto result = profile->expand({"profile", "parsec", "1"});
  ASSERT_TRUE(std::holds_alternative<ExpandError>(result));
  EXPECT_EQ(std::get<ExpandError>(result).reason, ExpandError::Reason::Invalid);
}

TEST(Software, EventsByNameOrAliasWithDefaultCounts) {
  auto software = make_software_probe();
  auto faults = targets_of(software->expand({"software", "faults"}));
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].full_name, "software:page-faults:100");
  EXPECT_EQ(faults[0].period_ns, 100u);
  auto counted = targets_of(software->expand({"s", "page-faults", "1"}));
  EXPECT_EQ(counted[0].full_name, "software:page-faults:1");
  EXPECT_EQ(counted[0].period_ns, 1u);
  auto cs = targets_of(software->expand({"software", "cs"}));
  EXPECT_EQ(cs[0].target.at(0), "context-switches");
  EXPECT_EQ(cs[0].period_ns, 1000u);
}

TEST(Software, UnknownEventSuggestsAName) {
  auto software = make_software_probe();
  auto result = software->expand({"software", "page-falts"});
  ASSERT_TRUE(std::holds_alternative<ExpandError>(result));
  const auto& error = std::get<ExpandError>(result);
  EXPECT_EQ(error.reason, ExpandError::Reason::NotFound);
  EXPECT_EQ(error.suggestion, "page-faults");
}

TEST(Software, RejectsBadCountsAndShapes) {
  auto software = make_software_probe();
  EXPECT_TRUE(std::holds_alternative<ExpandError>(
      software->expand({"software", "faults", "0"})));
  EXPECT_TRUE(std::holds_alternative<ExpandError>(
      software->expand({"software", "faults", "x"})));
  EXPECT_TRUE(
      std::holds_alternative<ExpandError>(software->expand({"software"})));
}

TEST(Hardware, EventsAndAliases) {
  auto hardware = make_hardware_probe();
  auto cycles = targets_of(hardware->expand({"h", "cycles"}));
  EXPECT_EQ(cycles[0].full_name, "hardware:cpu-cycles:1000000");
  auto branches = targets_of(hardware->expand({"hardware", "branches", "5"}));
  EXPECT_EQ(branches[0].full_name, "hardware:branch-instructions:5");
  auto listed = hardware->list();
  ASSERT_TRUE(static_cast<bool>(listed));
  EXPECT_EQ(listed->size(), 10u);
}

} // namespace
} // namespace sonde::probes
