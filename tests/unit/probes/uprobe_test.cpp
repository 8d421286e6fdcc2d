// SPDX-License-Identifier: Apache-2.0
#include "probes/providers.h"

#include <gtest/gtest.h>

namespace sonde::probes {
namespace {

TEST(Uprobe, LibraryNameAndFunction) {
  auto uprobe = make_uprobe_probe(false);
  ExpandResult result = uprobe->expand({"uprobe", "libc", "getpid"});
  ASSERT_TRUE(std::holds_alternative<std::vector<AttachTarget>>(result));
  const auto& targets = std::get<std::vector<AttachTarget>>(result);
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].kind, ProbeKind::Uprobe);
  EXPECT_NE(targets[0].target.at(0).find("libc.so"), std::string::npos);
  EXPECT_EQ(targets[0].target.at(1), "getpid");
  EXPECT_GT(targets[0].file_offset, 0u);
  EXPECT_EQ(uprobe->program_type(), ProgramType::Kprobe);
  EXPECT_EQ(uprobe->section_name(targets[0]), "uprobe");
}

TEST(Uprobe, OffsetsAddToTheFunction) {
  auto uprobe = make_uprobe_probe(false);
  auto plain = std::get<std::vector<AttachTarget>>(
      uprobe->expand({"uprobe", "libc", "getpid"}));
  auto shifted = std::get<std::vector<AttachTarget>>(
      uprobe->expand({"u", "libc", "getpid+4"}));
  EXPECT_EQ(shifted[0].file_offset, plain[0].file_offset + 4);
}

TEST(Uprobe, ReturnProbesTakeNoOffset) {
  auto uretprobe = make_uprobe_probe(true);
  ExpandResult result = uretprobe->expand({"uretprobe", "libc", "getpid+4"});
  ASSERT_TRUE(std::holds_alternative<ExpandError>(result));
  EXPECT_EQ(std::get<ExpandError>(result).reason, ExpandError::Reason::Invalid);
  EXPECT_EQ(uretprobe->section_name({}), "uretprobe");
}

TEST(Uprobe, WildcardsExpandToEveryMatch) {
  auto uprobe = make_uprobe_probe(false);
  ExpandResult result = uprobe->expand({"uprobe", "libc", "getpi*"});
  ASSERT_TRUE(std::holds_alternative<std::vector<AttachTarget>>(result));
  EXPECT_GE(std::get<std::vector<AttachTarget>>(result).size(), 1u);
  ExpandResult none = uprobe->expand({"uprobe", "libc", "zz_no_such_*"});
  ASSERT_TRUE(std::holds_alternative<ExpandError>(none));
  EXPECT_EQ(std::get<ExpandError>(none).reason, ExpandError::Reason::NoMatch);
}

TEST(Uprobe, UnknownFunctionSuggestsAName) {
  auto uprobe = make_uprobe_probe(false);
  ExpandResult result = uprobe->expand({"uprobe", "libc", "getpdi"});
  ASSERT_TRUE(std::holds_alternative<ExpandError>(result));
  const auto& error = std::get<ExpandError>(result);
  EXPECT_EQ(error.reason, ExpandError::Reason::NotFound);
  ASSERT_TRUE(error.suggestion.has_value());
}

TEST(Uprobe, UnknownBinaryAndBadShapes) {
  auto uprobe = make_uprobe_probe(false);
  EXPECT_TRUE(std::holds_alternative<ExpandError>(
      uprobe->expand({"uprobe", "/no/such/binary", "main"})));
  EXPECT_TRUE(
      std::holds_alternative<ExpandError>(uprobe->expand({"uprobe", "libc"})));
}

} // namespace
} // namespace sonde::probes
