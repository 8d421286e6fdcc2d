// SPDX-License-Identifier: Apache-2.0
#include "runtime/verifier_log.h"

#include <gtest/gtest.h>

namespace sonde::runtime {
namespace {

// The shape of libbpf 1.1's output for a program the verifier refused.
constexpr const char* kRejected =
    "libbpf: prog 's0_sys_enter_openat': BPF program load failed: Permission "
    "denied\n"
    "libbpf: prog 's0_sys_enter_openat': -- BEGIN PROG LOAD LOG --\n"
    "0: R1=ctx() R10=fp0\n"
    "; tracepoint:syscalls:sys_enter_openat { @x = 1; } @ probe.bt:3\n"
    "0: (b7) r1 = 0                        ; R1_w=0\n"
    "; $p = *$q; @ probe.bt:5\n"
    "4: (79) r2 = *(u64 *)(r1 +0)\n"
    "R1 invalid mem access 'scalar'\n"
    "processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0\n"
    "-- END PROG LOAD LOG --\n"
    "libbpf: prog 's0_sys_enter_openat': failed to load: -13\n"
    "libbpf: failed to load object 'sonde'\n";

TEST(VerifierLog, FindsProgramLineAndReason) {
  std::optional<LoadFailure> failure = parse_load_failure(kRejected);
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->program, "s0_sys_enter_openat");
  EXPECT_EQ(failure->line, 5u);
  EXPECT_EQ(failure->reason, "R1 invalid mem access 'scalar'");
}

TEST(VerifierLog, WithoutALogKeepsLibbpfsReason) {
  std::optional<LoadFailure> failure = parse_load_failure(
      "libbpf: prog 's1_BEGIN': BPF program load failed: Invalid argument\n"
      "libbpf: failed to load object 'sonde'\n");
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->program, "s1_BEGIN");
  EXPECT_EQ(failure->line, 0u);
  EXPECT_EQ(failure->reason, "BPF program load failed: Invalid argument");
}

TEST(VerifierLog, ExplainsAWithheldWriteUserHelper) {
  std::optional<LoadFailure> failure = parse_load_failure(
      "libbpf: prog 's0_BEGIN': BPF program load failed: Invalid argument\n"
      "libbpf: prog 's0_BEGIN': -- BEGIN PROG LOAD LOG --\n"
      "0: R1=ctx() R10=fp0\n"
      "7: (85) call bpf_probe_write_user#36\n"
      "program of this type cannot use helper bpf_probe_write_user#36\n"
      "processed 8 insns (limit 1000000)\n"
      "-- END PROG LOAD LOG --\n");
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->reason,
            "program of this type cannot use helper bpf_probe_write_user#36 "
            "(write_user() needs bpf_probe_write_user, which a kernel under "
            "lockdown does not offer: see kernel_lockdown(7))");
}

TEST(VerifierLog, NoProgramNoFailure) {
  EXPECT_FALSE(parse_load_failure("libbpf: map 'x': failed\n").has_value());
  EXPECT_FALSE(parse_load_failure("").has_value());
}

} // namespace
} // namespace sonde::runtime
