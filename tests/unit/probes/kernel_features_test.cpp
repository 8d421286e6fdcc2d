// SPDX-License-Identifier: Apache-2.0
#include "probes/kernel_features.h"

#include <cerrno>
#include <gtest/gtest.h>

namespace sonde::probes {
namespace {

TEST(KernelFeatures, PmuTypeParses) {
  EXPECT_EQ(parse_pmu_type("6\n"), 6u);
  EXPECT_EQ(parse_pmu_type("11"), 11u);
  EXPECT_EQ(parse_pmu_type(""), std::nullopt);
  EXPECT_EQ(parse_pmu_type("\n"), std::nullopt);
  EXPECT_EQ(parse_pmu_type("kprobe\n"), std::nullopt);
  EXPECT_EQ(parse_pmu_type("-1\n"), std::nullopt);
  EXPECT_EQ(parse_pmu_type("99999999999\n"), std::nullopt);
}

TEST(KernelFeatures, KprobesNeedThePmuOrKprobeEvents) {
  EXPECT_TRUE(kprobe_status(6, false).available);
  EXPECT_TRUE(kprobe_status(std::nullopt, true).available);
  FeatureStatus missing = kprobe_status(std::nullopt, false);
  EXPECT_FALSE(missing.available);
  // The reason names what was looked for.
  EXPECT_NE(missing.reason.find("/sys/bus/event_source/devices/kprobe"),
            std::string::npos);
  EXPECT_NE(missing.reason.find("kprobe_events"), std::string::npos);
}

TEST(KernelFeatures, LoadErrorsNameTheProgramAndTheErrno) {
  EXPECT_TRUE(load_status("fentry", 0).available);
  FeatureStatus refused = load_status("fentry", EPERM);
  EXPECT_FALSE(refused.available);
  EXPECT_NE(refused.reason.find("fentry"), std::string::npos);
  EXPECT_NE(refused.reason.find("Operation not permitted"), std::string::npos);
  EXPECT_FALSE(load_status("iterator", EINVAL).available);
}

TEST(KernelFeatures, MultiLinksExistWhenTheTargetIsWhatFails) {
  // The kernel knows the link type and rejects the made-up target.
  EXPECT_TRUE(multi_link_status("kprobe_multi", ESRCH).available);
  EXPECT_TRUE(multi_link_status("kprobe_multi", ENOENT).available);
  EXPECT_TRUE(multi_link_status("uprobe_multi", EBADF).available);
  EXPECT_TRUE(multi_link_status("uprobe_multi", 0).available);
  // It does not know the link type at all.
  EXPECT_FALSE(multi_link_status("kprobe_multi", EOPNOTSUPP).available);
  EXPECT_FALSE(multi_link_status("uprobe_multi", EINVAL).available);
  EXPECT_NE(
      multi_link_status("kprobe_multi", EINVAL).reason.find("kprobe_multi"),
      std::string::npos);
}

TEST(KernelFeatures, EveryFeatureHasAName) {
  EXPECT_STREQ(feature_name(KernelFeature::Kprobes), "kprobe");
  EXPECT_STREQ(feature_name(KernelFeature::KprobeMulti), "kprobe_multi");
  EXPECT_STREQ(feature_name(KernelFeature::UprobeMulti), "uprobe_multi");
  EXPECT_STREQ(feature_name(KernelFeature::KprobeSession), "kprobe_session");
}

} // namespace
} // namespace sonde::probes
