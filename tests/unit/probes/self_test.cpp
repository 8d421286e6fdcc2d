// SPDX-License-Identifier: Apache-2.0
#include "probes/providers.h"

#include <gtest/gtest.h>

namespace sonde::probes {
namespace {

TEST(Self, ExpandsTheSignalProbeAndPatternsMatchingIt) {
  auto self = make_self_probe();
  for (const std::vector<std::string>& parts :
       std::vector<std::vector<std::string>>{{"self", "signal", "SIGUSR1"},
                                             {"self", "*"},
                                             {"self", "signal", "SIG*"}}) {
    ExpandResult result = self->expand(parts);
    auto* targets = std::get_if<std::vector<AttachTarget>>(&result);
    ASSERT_NE(targets, nullptr);
    ASSERT_EQ(targets->size(), 1u);
    EXPECT_EQ((*targets)[0].kind, ProbeKind::Self);
    EXPECT_EQ((*targets)[0].full_name, "self:signal:SIGUSR1");
  }
}

TEST(Self, OtherFormsAreInvalidAndNameTheValidOne) {
  auto self = make_self_probe();
  for (const std::vector<std::string>& parts :
       std::vector<std::vector<std::string>>{
           {"self"},
           {"self", "signal", "SIGUSR2"},
           {"self", "signal"},
           {"self", "timer", "SIGUSR1"},
           {"self", "signal", "SIGUSR1", "x"}}) {
    ExpandResult result = self->expand(parts);
    ASSERT_TRUE(std::holds_alternative<ExpandError>(result));
    const ExpandError& error = std::get<ExpandError>(result);
    EXPECT_EQ(error.reason, ExpandError::Reason::Invalid);
    EXPECT_EQ(error.suggestion, "self:signal:SIGUSR1");
  }
  ExpandResult none = self->expand({"self", "signal", "SIGUSR2*"});
  ASSERT_TRUE(std::holds_alternative<ExpandError>(none));
  EXPECT_EQ(std::get<ExpandError>(none).reason, ExpandError::Reason::NoMatch);
}

TEST(Self, IsARawTracepointThatIsNeverAttachedAndListsItsOneProbe) {
  auto self = make_self_probe();
  AttachTarget target{ProbeKind::Self, "self:signal:SIGUSR1", {}, 0};
  EXPECT_EQ(self->program_type(), ProgramType::RawTracepoint);
  EXPECT_EQ(self->section_name(target), "raw_tracepoint/sonde_self");
  Result<std::vector<Attachment>> attached = self->attach(nullptr, target);
  ASSERT_TRUE(static_cast<bool>(attached));
  EXPECT_TRUE(attached->empty());
  Result<std::vector<std::string>> names = self->list();
  ASSERT_TRUE(static_cast<bool>(names));
  EXPECT_EQ(*names, std::vector<std::string>{"self:signal:SIGUSR1"});
  EXPECT_EQ(traits(ProbeKind::Self).trigger, Trigger::Signal);
  EXPECT_EQ(traits(ProbeKind::Self).pid, PidFilter::None);
}

} // namespace
} // namespace sonde::probes
