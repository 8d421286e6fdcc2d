// SPDX-License-Identifier: Apache-2.0
#include "probes/providers.h"

#include <gtest/gtest.h>

namespace sonde::probes {
namespace {

TEST(BeginEnd, ExpandsEverySpelling) {
  auto begin = make_begin_end_probe(ProbeKind::Begin);
  for (const std::vector<std::string>& parts :
       std::vector<std::vector<std::string>>{
           {"BEGIN"}, {"begin"}, {"BEGIN", "*"}}) {
    ExpandResult result = begin->expand(parts);
    auto* targets = std::get_if<std::vector<AttachTarget>>(&result);
    ASSERT_NE(targets, nullptr);
    ASSERT_EQ(targets->size(), 1u);
    EXPECT_EQ((*targets)[0].kind, ProbeKind::Begin);
    EXPECT_EQ((*targets)[0].full_name, "BEGIN");
  }
}

TEST(BeginEnd, RejectsArguments) {
  auto end = make_begin_end_probe(ProbeKind::End);
  for (const std::vector<std::string>& parts :
       std::vector<std::vector<std::string>>{{"END", "x"}, {"END", "*", "*"}}) {
    ExpandResult result = end->expand(parts);
    ASSERT_TRUE(std::holds_alternative<ExpandError>(result));
    EXPECT_EQ(std::get<ExpandError>(result).reason,
              ExpandError::Reason::Invalid);
  }
}

TEST(BeginEnd, AreRawTracepointsThatAreNeverAttached) {
  auto begin = make_begin_end_probe(ProbeKind::Begin);
  auto end = make_begin_end_probe(ProbeKind::End);
  AttachTarget target{ProbeKind::End, "END", {}, 0};
  EXPECT_EQ(begin->program_type(), ProgramType::RawTracepoint);
  EXPECT_EQ(begin->section_name(target), "raw_tracepoint/sonde_begin");
  EXPECT_EQ(end->section_name(target), "raw_tracepoint/sonde_end");
  Result<std::vector<Attachment>> attached = end->attach(nullptr, target);
  ASSERT_TRUE(static_cast<bool>(attached));
  EXPECT_TRUE(attached->empty());
  Result<types::Type> args = end->args_type(target);
  ASSERT_TRUE(static_cast<bool>(args));
  EXPECT_TRUE(args->is_none());
}

} // namespace
} // namespace sonde::probes
