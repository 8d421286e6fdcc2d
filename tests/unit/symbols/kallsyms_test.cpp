// SPDX-License-Identifier: Apache-2.0
#include "symbols/kallsyms.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace sonde::symbols {
namespace {

std::string fixture_path() {
  return (std::filesystem::path(__FILE__).parent_path() / "kallsyms.fixture")
      .string();
}

std::unique_ptr<Kallsyms> fixture() {
  Result<std::unique_ptr<Kallsyms>> table = Kallsyms::load(fixture_path());
  if (!table) {
    ADD_FAILURE() << error_text(table.takeError());
    return nullptr;
  }
  return std::move(*table);
}

TEST(Kallsyms, ParsesFixture) {
  std::unique_ptr<Kallsyms> table = fixture();
  ASSERT_NE(table, nullptr);
  // The malformed last line is skipped.
  EXPECT_EQ(table->size(), 14u);
  EXPECT_TRUE(table->has_addresses());
  EXPECT_EQ(table->modules(),
            (std::vector<std::string_view>{"ext4", "nf_tables"}));
  const KernelSymbol& module_symbol = table->symbols()[11];
  EXPECT_EQ(module_symbol.name, "nft_init");
  EXPECT_EQ(module_symbol.module, "nf_tables");
  EXPECT_EQ(module_symbol.type, 't');
}

TEST(Kallsyms, LooksUpAddresses) {
  std::unique_ptr<Kallsyms> table = fixture();
  ASSERT_NE(table, nullptr);
  std::optional<KernelSymbolHit> hit = table->lookup(0xffffffff81001210);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->symbol->name, "vfs_read");
  EXPECT_EQ(hit->offset, 0x10u);
  EXPECT_EQ(table->symbolize(0xffffffff81001210), "vfs_read+0x10");
  EXPECT_EQ(table->symbolize(0xffffffff81001200), "vfs_read");
  EXPECT_EQ(table->symbolize(0xffffffff81001210, false), "vfs_read");
  EXPECT_EQ(table->symbolize(0xffffffffc0a00104, true, true),
            "nft_init+0x4 [nf_tables]");
  EXPECT_FALSE(table->lookup(0x1000).has_value());
  EXPECT_EQ(table->symbolize(0x1000), "0x1000");
}

TEST(Kallsyms, PrefersTextSymbolsAtSharedAddresses) {
  std::unique_ptr<Kallsyms> table = fixture();
  ASSERT_NE(table, nullptr);
  // do_sys_open (T) and data_alias (d) share an address.
  EXPECT_EQ(table->lookup(0xffffffff81001004)->symbol->name, "do_sys_open");
}

TEST(Kallsyms, FindsNamesWithModules) {
  std::unique_ptr<Kallsyms> table = fixture();
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->find("helper_dup").size(), 2u);
  ASSERT_EQ(table->find("helper_dup", "nf_tables").size(), 1u);
  EXPECT_EQ(table->find("helper_dup", "nf_tables")[0]->address,
            0xffffffffc0a00000u);
  EXPECT_EQ(table->address_of("helper_dup", "vmlinux"), 0xffffffff81001600u);
  EXPECT_EQ(table->address_of("vfs_write"), 0xffffffff81001400u);
  EXPECT_EQ(table->address_of("no_such_symbol"), std::nullopt);
  std::vector<const KernelSymbol*> vfs = table->match("vfs_*");
  ASSERT_EQ(vfs.size(), 2u);
  EXPECT_EQ(vfs[0]->name, "vfs_read");
  EXPECT_EQ(table->match("ext4_*").size(), 2u);
}

TEST(Kallsyms, SortsUnorderedInput) {
  Result<std::unique_ptr<Kallsyms>> table =
      Kallsyms::parse("0000000000003000 T c\n"
                      "0000000000001000 T a\n"
                      "0000000000002000 t b\n");
  ASSERT_TRUE(bool(table));
  EXPECT_EQ((*table)->symbols()[0].name, "a");
  EXPECT_EQ((*table)->lookup(0x2fff)->symbol->name, "b");
  EXPECT_EQ((*table)->lookup(0x5000)->symbol->name, "c");
}

TEST(Kallsyms, HiddenAddressesKeepNames) {
  Result<std::unique_ptr<Kallsyms>> table =
      Kallsyms::parse("0000000000000000 T schedule\n"
                      "0000000000000000 T vfs_read\n");
  ASSERT_TRUE(bool(table));
  EXPECT_FALSE((*table)->has_addresses());
  EXPECT_FALSE((*table)->lookup(0x1234).has_value());
  EXPECT_EQ((*table)->find("vfs_read").size(), 1u);
}

TEST(Kallsyms, RejectsTextThatIsNotKallsyms) {
  Result<std::unique_ptr<Kallsyms>> garbage =
      Kallsyms::parse("hello world\nsecond line\n");
  EXPECT_FALSE(bool(garbage));
  llvm::consumeError(garbage.takeError());
  Result<std::unique_ptr<Kallsyms>> empty = Kallsyms::parse("");
  ASSERT_TRUE(bool(empty));
  EXPECT_EQ((*empty)->size(), 0u);
  Result<std::unique_ptr<Kallsyms>> missing =
      Kallsyms::load("/nonexistent/kallsyms");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(error_text(missing.takeError()).find("/nonexistent/kallsyms"),
            std::string::npos);
}

TEST(Kallsyms, SystemTableSmoke) {
  Result<const Kallsyms*> table = Kallsyms::system();
  if (!table) {
    GTEST_SKIP() << "cannot use /proc/kallsyms: "
                 << error_text(table.takeError());
  }
  ASSERT_GT((*table)->size(), 1000u);
  if (!(*table)->has_addresses()) {
    GTEST_SKIP() << "/proc/kallsyms hides addresses (kptr_restrict)";
  }
  std::optional<uint64_t> schedule = (*table)->address_of("schedule");
  ASSERT_TRUE(schedule.has_value());
  std::optional<KernelSymbolHit> hit = (*table)->lookup(*schedule + 1);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->offset, 1u);
  EXPECT_EQ((*table)->symbolize(*schedule + 1), "schedule+0x1");
  // The table is read once.
  Result<const Kallsyms*> again = Kallsyms::system();
  ASSERT_TRUE(bool(again));
  EXPECT_EQ(*again, *table);
}

} // namespace
} // namespace sonde::symbols
