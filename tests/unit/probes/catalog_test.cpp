// SPDX-License-Identifier: Apache-2.0
#include "probes/probe_type.h"
#include "unit/probes/fixture.h"

#include <algorithm>
#include <gtest/gtest.h>

namespace sonde::probes {
namespace {

TEST(Catalog, FindsProvidersByNameAndAlias) {
  auto catalog = ProbeCatalog::create(testing::fixture_tracefs());
  const std::pair<const char*, ProbeKind> names[] = {
      {"BEGIN", ProbeKind::Begin},
      {"begin", ProbeKind::Begin},
      {"END", ProbeKind::End},
      {"end", ProbeKind::End},
      {"tracepoint", ProbeKind::Tracepoint},
      {"t", ProbeKind::Tracepoint},
      {"interval", ProbeKind::Interval},
      {"i", ProbeKind::Interval}};
  for (const auto& [name, kind] : names) {
    const ProbeType* type = catalog->find(name);
    ASSERT_NE(type, nullptr) << name;
    EXPECT_EQ(type->kind(), kind) << name;
    EXPECT_EQ(&catalog->get(kind), type) << name;
  }
  EXPECT_EQ(catalog->find("tracepont"), nullptr);
  EXPECT_EQ(catalog->find("Tracepoint"), nullptr);
  EXPECT_EQ(catalog->find(""), nullptr);
}

TEST(Catalog, ProviderNamesIncludeAliases) {
  auto catalog = ProbeCatalog::create(testing::fixture_tracefs());
  std::vector<std::string> names = catalog->provider_names();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"BEGIN",     "END",
                                             "U",         "asyncwatchpoint",
                                             "aw",        "begin",
                                             "end",       "f",
                                             "fentry",    "fexit",
                                             "fr",        "h",
                                             "hardware",  "i",
                                             "interval",  "it",
                                             "iter",      "k",
                                             "kfunc",     "kprobe",
                                             "kr",        "kretfunc",
                                             "kretprobe", "p",
                                             "profile",   "rawtracepoint",
                                             "rt",        "s",
                                             "self",      "software",
                                             "t",         "tracepoint",
                                             "u",         "uprobe",
                                             "ur",        "uretprobe",
                                             "usdt",      "w",
                                             "watchpoint"}));
}

TEST(Catalog, TracepointsUseTheGivenTracefs) {
  auto catalog = ProbeCatalog::create(testing::fixture_tracefs());
  ExpandResult result =
      catalog->find("t")->expand({"t", "sched", "sched_switch"});
  ASSERT_TRUE(std::holds_alternative<std::vector<AttachTarget>>(result));
}

TEST(Catalog, SystemCatalogExpandsBeginWithoutTracefs) {
  const ProbeType* begin = ProbeCatalog::system().find("BEGIN");
  ASSERT_NE(begin, nullptr);
  EXPECT_TRUE(std::holds_alternative<std::vector<AttachTarget>>(
      begin->expand({"BEGIN"})));
}

TEST(Catalog, KindSpellings) {
  EXPECT_STREQ(kind_spelling(ProbeKind::Begin), "BEGIN");
  EXPECT_STREQ(kind_spelling(ProbeKind::End), "END");
  EXPECT_STREQ(kind_spelling(ProbeKind::Tracepoint), "tracepoint");
  EXPECT_STREQ(kind_spelling(ProbeKind::Interval), "interval");
}

TEST(Attachment, EmptyAttachmentsMoveAndDestroy) {
  Attachment first;
  Attachment second(std::move(first));
  first = std::move(second);
  EXPECT_EQ(first.link(), nullptr);
  EXPECT_EQ(second.link(), nullptr);
}

} // namespace
} // namespace sonde::probes
