// SPDX-License-Identifier: Apache-2.0
#include "probes/providers.h"
#include "unit/probes/fixture.h"

#include <gtest/gtest.h>

namespace sonde::probes {
namespace {

class TracepointTest : public ::testing::Test {
protected:
  TracepointTest()
      : probe_(make_tracepoint_probe(testing::fixture_tracefs())) {}

  ExpandResult expand(std::vector<std::string> parts) {
    return probe_->expand(parts);
  }

  // The full names of a successful expansion.
  std::vector<std::string> names(std::vector<std::string> parts) {
    ExpandResult result = expand(std::move(parts));
    auto* targets = std::get_if<std::vector<AttachTarget>>(&result);
    if (targets == nullptr) {
      ADD_FAILURE() << "expansion failed: "
                    << std::get<ExpandError>(result).detail;
      return {};
    }
    std::vector<std::string> out;
    for (const AttachTarget& target : *targets) {
      EXPECT_EQ(target.kind, ProbeKind::Tracepoint);
      out.push_back(target.full_name);
    }
    return out;
  }

  ExpandError error(std::vector<std::string> parts) {
    ExpandResult result = expand(std::move(parts));
    auto* error = std::get_if<ExpandError>(&result);
    if (error == nullptr) {
      ADD_FAILURE() << "expansion unexpectedly succeeded";
      return {ExpandError::Reason::Invalid, "", std::nullopt};
    }
    return *error;
  }

  std::unique_ptr<ProbeType> probe_;
};

TEST_F(TracepointTest, ExpandsAnExactName) {
  ExpandResult result = expand({"t", "syscalls", "sys_enter_openat"});
  auto& targets = std::get<std::vector<AttachTarget>>(result);
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].full_name, "tracepoint:syscalls:sys_enter_openat");
  EXPECT_EQ(targets[0].target,
            (std::vector<std::string>{"syscalls", "sys_enter_openat"}));
}

TEST_F(TracepointTest, ExpandsEventWildcardsInOneCategory) {
  EXPECT_EQ(names({"tracepoint", "syscalls", "sys_enter_*"}),
            (std::vector<std::string>{"tracepoint:syscalls:sys_enter_execve",
                                      "tracepoint:syscalls:sys_enter_openat",
                                      "tracepoint:syscalls:sys_enter_read"}));
  EXPECT_EQ(names({"tracepoint", "syscalls", "sys_e?it_read"}),
            (std::vector<std::string>{"tracepoint:syscalls:sys_exit_read"}));
}

TEST_F(TracepointTest, ExpandsCategoryWildcards) {
  EXPECT_EQ(names({"tracepoint", "*", "sys_enter"}),
            (std::vector<std::string>{"tracepoint:raw_syscalls:sys_enter"}));
  EXPECT_EQ(names({"tracepoint", "*sys*", "sys_exit*"}),
            (std::vector<std::string>{"tracepoint:raw_syscalls:sys_exit",
                                      "tracepoint:syscalls:sys_exit_openat",
                                      "tracepoint:syscalls:sys_exit_read"}));
}

TEST_F(TracepointTest, OnePartWildcardMeansAnyCategory) {
  EXPECT_EQ(names({"t", "*process*"}),
            (std::vector<std::string>{"tracepoint:sched:sched_process_exec",
                                      "tracepoint:sched:sched_process_exit"}));
}

TEST_F(TracepointTest, UnknownEventSuggestsTheClosestInItsCategory) {
  ExpandError e = error({"tracepoint", "syscalls", "sys_enter_opennat"});
  EXPECT_EQ(e.reason, ExpandError::Reason::NotFound);
  EXPECT_EQ(e.detail, "syscalls:sys_enter_opennat");
  EXPECT_EQ(e.suggestion, "syscalls:sys_enter_openat");
}

TEST_F(TracepointTest, UnknownCategorySuggestsAFullName) {
  ExpandError e = error({"tracepoint", "syscall", "sys_enter_openat"});
  EXPECT_EQ(e.reason, ExpandError::Reason::NotFound);
  EXPECT_EQ(e.suggestion, "syscalls:sys_enter_openat");
  // The right event under the wrong category.
  EXPECT_EQ(error({"t", "sched", "sys_exit_read"}).suggestion,
            "syscalls:sys_exit_read");
  EXPECT_EQ(error({"t", "foo", "bar"}).suggestion, std::nullopt);
}

TEST_F(TracepointTest, WildcardMatchingNothingIsNoMatch) {
  ExpandError e = error({"tracepoint", "syscalls", "nothing_*"});
  EXPECT_EQ(e.reason, ExpandError::Reason::NoMatch);
  EXPECT_EQ(e.detail, "syscalls:nothing_*");
  ExpandError typo = error({"tracepoint", "syscall", "sys_enter_*"});
  EXPECT_EQ(typo.reason, ExpandError::Reason::NoMatch);
  EXPECT_EQ(typo.suggestion, "syscalls:sys_enter_*");
  EXPECT_EQ(error({"t", "*", "nothing"}).reason, ExpandError::Reason::NoMatch);
}

TEST_F(TracepointTest, MalformedAttachPointsAreInvalid) {
  EXPECT_EQ(error({"tracepoint", "syscalls"}).reason,
            ExpandError::Reason::Invalid);
  EXPECT_EQ(error({"tracepoint"}).reason, ExpandError::Reason::Invalid);
  EXPECT_EQ(error({"tracepoint", "a", "b", "c"}).reason,
            ExpandError::Reason::Invalid);
  EXPECT_EQ(error({"tracepoint", "", "sys_enter"}).reason,
            ExpandError::Reason::Invalid);
  EXPECT_EQ(error({"tracepoint", "..", "sched"}).reason,
            ExpandError::Reason::Invalid);
}

TEST_F(TracepointTest, DescribesProgramSectionAndArgs) {
  ExpandResult result = expand({"t", "sched", "sched_process_exec"});
  const AttachTarget& target = std::get<std::vector<AttachTarget>>(result)[0];
  EXPECT_EQ(probe_->program_type(), ProgramType::Tracepoint);
  EXPECT_EQ(probe_->section_name(target),
            "tracepoint/sched/sched_process_exec");
  Result<types::Type> args = probe_->args_type(target);
  ASSERT_TRUE(static_cast<bool>(args)) << error_text(args.takeError());
  EXPECT_EQ(args->record_name(), "tracepoint:sched:sched_process_exec args");
  ASSERT_NE(args->field("filename"), nullptr);
  EXPECT_TRUE(args->field("filename")->data_loc);
  Result<std::vector<std::string>> lines = probe_->arg_declarations(target);
  ASSERT_TRUE(static_cast<bool>(lines));
  EXPECT_EQ(*lines, (std::vector<std::string>{"__data_loc char[] filename",
                                              "pid_t pid", "pid_t old_pid"}));
}

TEST_F(TracepointTest, ListsEveryEvent) {
  Result<std::vector<std::string>> listed = probe_->list();
  ASSERT_TRUE(static_cast<bool>(listed));
  EXPECT_EQ(listed->size(), 13u);
  EXPECT_EQ(listed->front(), "tracepoint:dma:dma_map_sg");
}

} // namespace
} // namespace sonde::probes
