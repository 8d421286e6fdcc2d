// SPDX-License-Identifier: Apache-2.0
#include "symbols/elf_reader.h"
#include "symbols/library_path.h"
#include "unit/symbols/testprogs.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sonde::symbols {
namespace {

constexpr int32_t kX8664Libc6 = 0x0303;
constexpr int32_t kI386Libc6 = 0x0003;

struct FakeEntry {
  int32_t flags;
  std::string name;
  std::string path;
  uint64_t hwcap = 0;
};

void put_u32(std::string& bytes, size_t at, uint32_t value) {
  std::memcpy(bytes.data() + at, &value, sizeof(value));
}

// A cache in the current format: 48-byte header, 24-byte entries, then the
// strings, with offsets from the start of the header.
std::string new_format(const std::vector<FakeEntry>& entries) {
  std::string bytes(48 + 24 * entries.size(), '\0');
  std::memcpy(bytes.data(), "glibc-ld.so.cache1.1", 20);
  put_u32(bytes, 20, static_cast<uint32_t>(entries.size()));
  for (size_t i = 0; i < entries.size(); ++i) {
    size_t at = 48 + 24 * i;
    put_u32(bytes, at, static_cast<uint32_t>(entries[i].flags));
    put_u32(bytes, at + 4, static_cast<uint32_t>(bytes.size()));
    bytes += entries[i].name + '\0';
    put_u32(bytes, at + 8, static_cast<uint32_t>(bytes.size()));
    bytes += entries[i].path + '\0';
    std::memcpy(bytes.data() + at + 16, &entries[i].hwcap, 8);
  }
  return bytes;
}

// A cache in the old libc5-era format: offsets from the string table.
std::string old_format(const std::vector<FakeEntry>& entries) {
  std::string bytes(16 + 12 * entries.size(), '\0');
  std::memcpy(bytes.data(), "ld.so-1.7.0", 11);
  put_u32(bytes, 12, static_cast<uint32_t>(entries.size()));
  std::string strings;
  for (size_t i = 0; i < entries.size(); ++i) {
    size_t at = 16 + 12 * i;
    put_u32(bytes, at, static_cast<uint32_t>(entries[i].flags));
    put_u32(bytes, at + 4, static_cast<uint32_t>(strings.size()));
    strings += entries[i].name + '\0';
    put_u32(bytes, at + 8, static_cast<uint32_t>(strings.size()));
    strings += entries[i].path + '\0';
  }
  return bytes + strings;
}

LdCache parse_or_fail(const std::string& bytes) {
  Result<LdCache> cache = LdCache::parse(bytes);
  if (!cache) {
    ADD_FAILURE() << error_text(cache.takeError());
    return {};
  }
  return std::move(*cache);
}

TEST(LdCache, ParsesNewFormat) {
  LdCache cache = parse_or_fail(new_format({
      {kX8664Libc6, "libfoo.so.2", "/opt/a/libfoo.so.2"},
      {kI386Libc6, "libfoo.so.2", "/opt/i386/libfoo.so.2"},
      {kX8664Libc6, "libbar.so.1", "/opt/a/libbar.so.1", 1},
  }));
  ASSERT_EQ(cache.entries().size(), 3u);
  EXPECT_EQ(cache.entries()[0].name, "libfoo.so.2");
  EXPECT_EQ(cache.entries()[0].path, "/opt/a/libfoo.so.2");
  EXPECT_EQ(cache.entries()[2].hwcap, 1u);
  // Only libraries of this architecture are usable.
  std::vector<const LdCacheEntry*> found = cache.find("libfoo.so.2");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->path, "/opt/a/libfoo.so.2");
  EXPECT_EQ(cache.find("", "libbar").size(), 1u);
}

TEST(LdCache, ParsesOldFormatAndOldWithNew) {
  std::vector<FakeEntry> entries = {
      {kX8664Libc6, "libold.so.1", "/opt/old/libold.so.1"}};
  LdCache old_only = parse_or_fail(old_format(entries));
  ASSERT_EQ(old_only.entries().size(), 1u);
  EXPECT_EQ(old_only.entries()[0].path, "/opt/old/libold.so.1");

  // glibc before 2.32 wrote the old table, then the new cache aligned to 8.
  std::string old_part(16 + 12, '\0');
  std::memcpy(old_part.data(), "ld.so-1.7.0", 11);
  put_u32(old_part, 12, 1);
  old_part.resize((old_part.size() + 7) & ~size_t{7}, '\0');
  LdCache both = parse_or_fail(
      old_part +
      new_format({{kX8664Libc6, "libnew.so.3", "/opt/new/libnew.so.3"}}));
  ASSERT_EQ(both.entries().size(), 1u);
  EXPECT_EQ(both.entries()[0].name, "libnew.so.3");
}

TEST(LdCache, RejectsMalformedCaches) {
  for (const std::string& bytes :
       {std::string("not a cache at all"), std::string("glibc-ld.so.cache1.1"),
        new_format({{kX8664Libc6, "libx.so", "/x"}}).substr(0, 60)}) {
    Result<LdCache> cache = LdCache::parse(bytes);
    EXPECT_FALSE(bool(cache));
    llvm::consumeError(cache.takeError());
  }
  // An entry whose strings point past the end is dropped, not read.
  std::string bytes = new_format({{kX8664Libc6, "liby.so.1", "/y"}});
  put_u32(bytes, 48 + 8, 100000);
  Result<LdCache> cache = LdCache::parse(bytes);
  ASSERT_TRUE(bool(cache));
  EXPECT_TRUE(cache->entries().empty());
}

TEST(LdCache, ReadsTheSystemCache) {
  if (!std::filesystem::exists("/etc/ld.so.cache")) {
    GTEST_SKIP() << "/etc/ld.so.cache does not exist";
  }
  Result<LdCache> cache = LdCache::load("/etc/ld.so.cache");
  ASSERT_TRUE(bool(cache)) << error_text(cache.takeError());
  EXPECT_FALSE(cache->find("libc.so.6").empty());
}

TEST(ResolveLibrary, LibcAndLibmByShortNames) {
  Result<std::string> libc = resolve_library("libc");
  ASSERT_TRUE(bool(libc)) << error_text(libc.takeError());
  EXPECT_EQ(std::filesystem::path(*libc).filename(), "libc.so.6");
  EXPECT_TRUE(has_elf_magic(*libc));
  for (const char* alias : {"c", "libc.so", "libc.so.6"}) {
    Result<std::string> same = resolve_library(alias);
    ASSERT_TRUE(bool(same)) << error_text(same.takeError());
    EXPECT_EQ(*same, *libc) << alias;
  }
  Result<std::string> libm = resolve_library("libm");
  ASSERT_TRUE(bool(libm)) << error_text(libm.takeError());
  EXPECT_EQ(std::filesystem::path(*libm).filename(), "libm.so.6");
}

TEST(ResolveLibrary, PrefixNeverMatchesLongerNames) {
  // Targets must exist; any real file will do.
  std::string crypt = SONDE_USDT_LIB;
  std::string c = SONDE_USDT_PROG;
  LdCache cache = parse_or_fail(new_format({
      {kX8664Libc6, "libcrypt.so.1", crypt},
      {kX8664Libc6, "libc.so.6", SONDE_USDT_PROG_NOPIE, 1},
      {kX8664Libc6, "libc.so.6", c},
  }));
  Result<std::string> found = resolve_library("libc", 0, &cache);
  ASSERT_TRUE(bool(found)) << error_text(found.takeError());
  EXPECT_EQ(*found, c);
  Result<std::string> crypt_found = resolve_library("crypt", 0, &cache);
  ASSERT_TRUE(bool(crypt_found));
  EXPECT_EQ(*crypt_found, crypt);
}

TEST(ResolveLibrary, MappedLibraryOfProcessWins) {
  ASSERT_NE(testing::open_library(SONDE_USDT_LIB), nullptr);
  // Not in the loader cache or standard directories: only the mapping of
  // this process knows it.
  Result<std::string> found = resolve_library("sonde_usdt_lib", getpid());
  ASSERT_TRUE(bool(found)) << error_text(found.takeError());
  EXPECT_TRUE(std::filesystem::equivalent(*found, SONDE_USDT_LIB));
  Result<std::string> missing = resolve_library("sonde_usdt_lib");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(error_text(missing.takeError()).find("sonde_usdt_lib"),
            std::string::npos);
}

TEST(ResolveProgram, SearchesPathInOrder) {
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "sonde_path_test";
  std::filesystem::create_directories(dir / "first");
  std::filesystem::create_directories(dir / "second");
  // A non-executable file of the same name must be skipped.
  std::ofstream(dir / "first" / "sonde_tool") << "data\n";
  std::ofstream(dir / "second" / "sonde_tool") << "#!/bin/sh\n";
  ::chmod((dir / "second" / "sonde_tool").c_str(), 0755);
  std::string path_list =
      (dir / "first").string() + ":" + (dir / "second").string();
  Result<std::string> found = resolve_program("sonde_tool", path_list);
  ASSERT_TRUE(bool(found)) << error_text(found.takeError());
  EXPECT_EQ(*found, (dir / "second" / "sonde_tool").string());
  Result<std::string> missing =
      resolve_program("sonde_no_such_tool", path_list);
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(error_text(missing.takeError()).find("not found in PATH"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ResolveProgram, SystemShellAndPaths) {
  Result<std::string> sh = resolve_program("sh");
  ASSERT_TRUE(bool(sh)) << error_text(sh.takeError());
  EXPECT_EQ(sh->front(), '/');
  Result<std::string> direct = resolve_program(SONDE_USDT_PROG);
  ASSERT_TRUE(bool(direct));
  EXPECT_EQ(*direct, SONDE_USDT_PROG);
}

TEST(ResolveBinary, ProgramsThenLibraries) {
  Result<std::string> sh = resolve_binary("sh");
  ASSERT_TRUE(bool(sh)) << error_text(sh.takeError());
  Result<std::string> libc = resolve_binary("libc");
  ASSERT_TRUE(bool(libc)) << error_text(libc.takeError());
  EXPECT_EQ(std::filesystem::path(*libc).filename(), "libc.so.6");
  Result<std::string> neither = resolve_binary("sonde_neither_thing");
  ASSERT_FALSE(bool(neither));
  EXPECT_NE(error_text(neither.takeError()).find("neither"), std::string::npos);
}

} // namespace
} // namespace sonde::symbols
