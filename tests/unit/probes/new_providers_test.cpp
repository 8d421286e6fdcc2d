// SPDX-License-Identifier: Apache-2.0
// Attach-point syntax of the providers whose expansion needs no kernel
// data: watchpoint and iter; rawtracepoint over the tracefs fixture.
#include "fixture.h"
#include "probes/providers.h"

#include <gtest/gtest.h>

namespace sonde::probes {
namespace {

std::vector<AttachTarget> targets_of(const ExpandResult& result) {
  if (const auto* targets = std::get_if<std::vector<AttachTarget>>(&result)) {
    return *targets;
  }
  ADD_FAILURE() << std::get<ExpandError>(result).detail;
  return {};
}

ExpandError::Reason reason_of(const ExpandResult& result) {
  EXPECT_TRUE(std::holds_alternative<ExpandError>(result));
  return std::get<ExpandError>(result).reason;
}

TEST(Watchpoint, AddressLengthAndMode) {
  auto watch = make_watchpoint_probe();
  ExpandContext process;
  process.pid = 42;
  auto targets = targets_of(watch->expand({"w", "4206640", "8", "w"}, process));
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].kind, ProbeKind::Watchpoint);
  EXPECT_EQ(targets[0].full_name, "watchpoint:0x403030:8:w");
  EXPECT_EQ(targets[0].pid, 42);
  EXPECT_EQ(watch->program_type(), ProgramType::PerfEvent);
  // Without -p the address is the kernel's, on every CPU.
  EXPECT_EQ(
      targets_of(watch->expand({"watchpoint", "0x1000", "4", "rw"}))[0].pid,
      -1);
}

TEST(Watchpoint, RejectsBadParts) {
  auto watch = make_watchpoint_probe();
  using Reason = ExpandError::Reason;
  EXPECT_EQ(reason_of(watch->expand({"w", "0x1000", "3", "w"})),
            Reason::Invalid);
  EXPECT_EQ(reason_of(watch->expand({"w", "0x1000", "8", "q"})),
            Reason::Invalid);
  EXPECT_EQ(reason_of(watch->expand({"w", "0x1000", "8", "ww"})),
            Reason::Invalid);
  EXPECT_EQ(reason_of(watch->expand({"w", "0x1000", "8", "wx"})),
            Reason::Invalid);
  EXPECT_EQ(reason_of(watch->expand({"w", "nowhere", "8", "w"})),
            Reason::Invalid);
  EXPECT_EQ(reason_of(watch->expand({"w", "0x1000", "8"})), Reason::Invalid);
}

TEST(Iter, KnownIteratorsOnly) {
  auto iter = make_iter_probe();
  auto targets = targets_of(iter->expand({"it", "task_file"}));
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].full_name, "iter:task_file");
  EXPECT_EQ(iter->section_name(targets[0]), "iter/task_file");
  EXPECT_EQ(iter->program_type(), ProgramType::Tracing);
  EXPECT_TRUE(iter->program_per_target());
  ExpandResult typo = iter->expand({"iter", "tsk"});
  EXPECT_EQ(reason_of(typo), ExpandError::Reason::NotFound);
  EXPECT_EQ(std::get<ExpandError>(typo).suggestion, "task");
  EXPECT_EQ(reason_of(iter->expand({"iter", "task", "pinned"})),
            ExpandError::Reason::Invalid);
}

TEST(Rawtracepoint, NamesFromTracefsWithoutSyscallEvents) {
  auto raw = make_rawtracepoint_probe(testing::fixture_tracefs());
  auto targets = targets_of(raw->expand({"rt", "sched_switch"}));
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].full_name, "rawtracepoint:sched_switch");
  EXPECT_EQ(raw->section_name(targets[0]), "raw_tracepoint/sched_switch");
  EXPECT_EQ(raw->program_type(), ProgramType::RawTracepoint);
  // The module part is accepted.
  EXPECT_EQ(
      targets_of(raw->expand({"rawtracepoint", "vmlinux", "sched_switch"}))
          .size(),
      1u);
  // syscalls:sys_enter_* are not tracepoints of their own.
  EXPECT_EQ(reason_of(raw->expand({"rt", "sys_enter_execve"})),
            ExpandError::Reason::NotFound);
  EXPECT_EQ(reason_of(raw->expand({"rt", "zz*"})),
            ExpandError::Reason::NoMatch);
}

TEST(ProbeKinds, ArgumentsAndRetval) {
  EXPECT_EQ(argument_source(ProbeKind::Kprobe), ArgumentSource::Registers);
  EXPECT_EQ(argument_source(ProbeKind::Rawtracepoint),
            ArgumentSource::RawTracepoint);
  EXPECT_EQ(argument_source(ProbeKind::Fentry), ArgumentSource::None);
  EXPECT_EQ(retval_source(ProbeKind::Kretprobe), RetvalSource::Register);
  EXPECT_EQ(retval_source(ProbeKind::Fexit), RetvalSource::FunctionReturn);
  EXPECT_EQ(retval_source(ProbeKind::Kprobe), RetvalSource::None);
  EXPECT_TRUE(user_space_probe(ProbeKind::Usdt));
  EXPECT_FALSE(user_space_probe(ProbeKind::Kprobe));
}

} // namespace
} // namespace sonde::probes
