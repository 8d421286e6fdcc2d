// SPDX-License-Identifier: Apache-2.0
#include "output/flag_names.h"

#include <gtest/gtest.h>

namespace sonde::output {
namespace {

// The shape of kmem:kmalloc's print fmt (Linux 6.18), shortened.
constexpr const char* kFormat =
    R"(print fmt: "gfp_flags=%s", (REC->gfp_flags) ? )"
    R"(__print_flags(REC->gfp_flags, "|", )"
    R"({( unsigned long)((( gfp_t)(((((1UL))) << (10))|((((1UL))) << (11)))) )"
    R"(| (( gfp_t)((((1UL))) << (6))) | (( gfp_t)((((1UL))) << (7)))), )"
    R"("GFP_KERNEL"}, )"
    R"({( unsigned long)((( gfp_t)((((1UL))) << (5)))|(( gfp_t)((((1UL))) )"
    R"(<< (11)))), "GFP_ATOMIC"}, )"
    R"({( unsigned long)((( ( gfp_t)((((1UL))) << (1))) | (( gfp_t)0)) )"
    R"(& ~(( gfp_t)((((1UL))) << (3)))), "WEIRD"}, )"
    R"({( unsigned long)(( gfp_t)((((1UL))) << (0))), "GFP_DMA"}, )"
    R"({( unsigned long)(( gfp_t)0), "ZERO"}, )"
    R"({( unsigned long)(( gfp_t)((((1UL))) << (0))), "__GFP_DMA"}, )"
    R"({( unsigned long)(( gfp_t)((((1UL))) << (1))), "__GFP_HIGHMEM"}, )"
    R"({( unsigned long)(( gfp_t)((((1UL))) << (13))), "__GFP_NOWARN"})"
    R"() : "none")";

TEST(FlagNames, ParsesTheKernelsTable) {
  std::vector<FlagName> names = parse_print_flags(kFormat, "gfp_flags");
  ASSERT_EQ(names.size(), 7u);
  EXPECT_EQ(names[0].name, "GFP_KERNEL");
  EXPECT_EQ(names[0].mask, 0xcc0u);
  EXPECT_EQ(names[1].name, "GFP_ATOMIC");
  EXPECT_EQ(names[1].mask, 0x820u);
  // Casts, `~` and `&` evaluate as in C; a zero mask is left out.
  EXPECT_EQ(names[2].name, "WEIRD");
  EXPECT_EQ(names[2].mask, 0x2u);
  EXPECT_EQ(names[3].name, "GFP_DMA");
  EXPECT_TRUE(parse_print_flags(kFormat, "other").empty());
  EXPECT_TRUE(parse_print_flags("no table here", "gfp_flags").empty());
}

// COMPAT 78: %gr names GFP flags as the kernel's %pGg does.
TEST(FlagNames, NamesFlagsInTableOrder) {
  std::vector<FlagName> names = parse_print_flags(kFormat, "gfp_flags");
  EXPECT_EQ(flags_text(1, names), "GFP_DMA");
  EXPECT_EQ(flags_text(0xcc0, names), "GFP_KERNEL");
  EXPECT_EQ(flags_text(0x2cc0, names), "GFP_KERNEL|__GFP_NOWARN");
  EXPECT_EQ(flags_text(0x822, names), "GFP_ATOMIC|WEIRD");
  EXPECT_EQ(flags_text(0, names), "none");
  EXPECT_EQ(flags_text(0x40000001, names), "GFP_DMA|0x40000000");
  EXPECT_EQ(flags_text(0x10, {}), "0x10");
}

} // namespace
} // namespace sonde::output
