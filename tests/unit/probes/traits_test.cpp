// SPDX-License-Identifier: Apache-2.0
// The rows of probe_kinds.def against the providers that implement them.
#include "probes/probe_type.h"
#include "unit/probes/fixture.h"

#include <gtest/gtest.h>

namespace sonde::probes {
namespace {

TEST(ProbeTraits, EveryKindIsRegisteredUnderItsSpelling) {
  auto catalog = ProbeCatalog::create(testing::fixture_tracefs());
  for (ProbeKind kind : kProbeKinds) {
    const ProbeType* type = catalog->find(kind_spelling(kind));
    ASSERT_NE(type, nullptr) << kind_spelling(kind);
    EXPECT_EQ(type->kind(), kind) << kind_spelling(kind);
  }
}

TEST(ProbeTraits, ProbesTheRuntimeRunsItselfAreNeverAttached) {
  auto catalog = ProbeCatalog::create(testing::fixture_tracefs());
  for (ProbeKind kind : kProbeKinds) {
    const ProbeTraits& row = traits(kind);
    if (is_attached(row.trigger)) {
      continue;
    }
    // Nothing to attach to: BPF_PROG_TEST_RUN runs the program.
    EXPECT_EQ(catalog->get(kind).program_type(), ProgramType::RawTracepoint)
        << row.spelling;
    EXPECT_EQ(row.pid, PidFilter::None) << row.spelling;
    EXPECT_EQ(row.args, ArgsRecord::None) << row.spelling;
    EXPECT_FALSE(row.registers) << row.spelling;
  }
}

TEST(ProbeTraits, ColumnsAgreeWithEachOther) {
  for (ProbeKind kind : kProbeKinds) {
    const ProbeTraits& row = traits(kind);
    // A binary to list in is a user-space probe's, attached to a process.
    if (row.listing == Listing::Binary) {
      EXPECT_EQ(row.space, types::AddressSpace::User) << row.spelling;
    }
    if (row.space == types::AddressSpace::User) {
      EXPECT_EQ(row.pid, PidFilter::Attach) << row.spelling;
    }
    // Registers as arguments need the registers in the context.
    if (row.arguments == ArgumentSource::Registers ||
        row.arguments == ArgumentSource::Usdt ||
        row.args == ArgsRecord::Dwarf) {
      EXPECT_TRUE(row.registers) << row.spelling;
    }
  }
}

TEST(ProbeTraits, RowsOfSomeKinds) {
  EXPECT_EQ(traits(ProbeKind::Uprobe).func, FuncSymbol::User);
  EXPECT_EQ(traits(ProbeKind::Kretprobe).func, FuncSymbol::Kernel);
  EXPECT_EQ(traits(ProbeKind::Tracepoint).args, ArgsRecord::Tracefs);
  EXPECT_EQ(traits(ProbeKind::Fexit).args, ArgsRecord::Btf);
  EXPECT_EQ(traits(ProbeKind::Uretprobe).args, ArgsRecord::Dwarf);
  EXPECT_EQ(traits(ProbeKind::Kprobe).pid, PidFilter::Guard);
  EXPECT_EQ(traits(ProbeKind::Watchpoint).pid, PidFilter::Attach);
  EXPECT_EQ(traits(ProbeKind::Interval).pid, PidFilter::None);
  EXPECT_EQ(traits(ProbeKind::Iter).trigger, Trigger::Iterator);
  EXPECT_EQ(traits(ProbeKind::Fexit).listing, Listing::None);
}

TEST(ProbeTraits, ProviderAnswers) {
  auto catalog = ProbeCatalog::create(testing::fixture_tracefs());
  AttachTarget task{ProbeKind::Iter, "iter:task", {"task"}, 0};
  EXPECT_EQ(catalog->get(ProbeKind::Iter).context_struct(task),
            "struct bpf_iter__task");
  AttachTarget watch{
      ProbeKind::Watchpoint, "watchpoint:0x1000:8:w", {"0x1000", "8", "w"}, 0};
  EXPECT_EQ(catalog->get(ProbeKind::Watchpoint).watched_address(watch),
            0x1000u);
  AttachTarget begin{ProbeKind::Begin, "BEGIN", {}, 0};
  EXPECT_EQ(catalog->get(ProbeKind::Begin).context_struct(begin), std::nullopt);
  EXPECT_EQ(catalog->get(ProbeKind::Begin).watched_address(begin),
            std::nullopt);
}

} // namespace
} // namespace sonde::probes
