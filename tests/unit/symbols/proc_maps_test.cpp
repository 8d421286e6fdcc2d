// SPDX-License-Identifier: Apache-2.0
#include "symbols/proc_maps.h"
#include "unit/symbols/testprogs.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

// A function of the test binary itself, for resolving this process's own
// addresses; extern "C" keeps its symbol name plain.
extern "C" __attribute__((noinline, used)) int
sonde_symbols_test_marker(int value) {
  return value * 11 + 3;
}

namespace sonde::symbols {
namespace {

constexpr const char* kSampleMaps =
    "55d0c1a4e000-55d0c1a50000 r--p 00000000 fd:01 1311 /usr/bin/cat\n"
    "55d0c1a50000-55d0c1a55000 r-xp 00002000 fd:01 1311 /usr/bin/cat\n"
    "55d0c2a00000-55d0c2a21000 rw-p 00000000 00:00 0 [heap]\n"
    "7f1e2a000000-7f1e2a028000 r--p 00000000 fd:01 2222                     "
    "/opt/my lib/libx.so\n"
    "7f1e2b000000-7f1e2b001000 rw-s 00000000 00:05 3333 /dev/zero (deleted)\n"
    "7f1e2c000000-7f1e2c001000 rw-p 00000000 00:00 0 \n"
    "7ffd0a000000-7ffd0a002000 r-xp 00000000 00:00 0 [vdso]\n";

TEST(ProcMaps, ParsesEveryField) {
  Result<std::vector<MapEntry>> entries = parse_proc_maps(kSampleMaps);
  ASSERT_TRUE(bool(entries)) << error_text(entries.takeError());
  ASSERT_EQ(entries->size(), 7u);
  const MapEntry& text = (*entries)[1];
  EXPECT_EQ(text.start, 0x55d0c1a50000u);
  EXPECT_EQ(text.end, 0x55d0c1a55000u);
  EXPECT_EQ(text.offset, 0x2000u);
  EXPECT_TRUE(text.readable);
  EXPECT_FALSE(text.writable);
  EXPECT_TRUE(text.executable);
  EXPECT_FALSE(text.shared);
  EXPECT_EQ(text.dev_major, 0xfdu);
  EXPECT_EQ(text.dev_minor, 1u);
  EXPECT_EQ(text.inode, 1311u);
  EXPECT_EQ(text.path, "/usr/bin/cat");
  EXPECT_TRUE(is_file_backed(text));

  EXPECT_EQ((*entries)[2].path, "[heap]");
  EXPECT_FALSE(is_file_backed((*entries)[2]));
  EXPECT_EQ((*entries)[3].path, "/opt/my lib/libx.so");
  EXPECT_TRUE((*entries)[4].deleted);
  EXPECT_TRUE((*entries)[4].shared);
  EXPECT_EQ((*entries)[4].path, "/dev/zero");
  EXPECT_EQ((*entries)[5].path, "");
}

TEST(ProcMaps, RejectsMalformedLines) {
  Result<std::vector<MapEntry>> entries = parse_proc_maps(
      "55d0c1a4e000-55d0c1a50000 r--p 00000000 fd:01 1311 /usr/bin/cat\n"
      "zzzz-55d0c1a50000 r--p 00000000 fd:01 1311 /usr/bin/cat\n");
  ASSERT_FALSE(bool(entries));
  EXPECT_NE(error_text(entries.takeError()).find("line 2"), std::string::npos);
  Result<std::vector<MapEntry>> truncated =
      parse_proc_maps("55d0c1a4e000-55d0c1a50000 r--p 0000");
  EXPECT_FALSE(bool(truncated));
  llvm::consumeError(truncated.takeError());
}

TEST(ProcMaps, FindsEntriesAndObjects) {
  Result<std::vector<MapEntry>> entries = parse_proc_maps(kSampleMaps);
  ASSERT_TRUE(bool(entries));
  ProcessMaps maps(1, std::move(*entries));
  ASSERT_NE(maps.find(0x55d0c1a50010), nullptr);
  EXPECT_EQ(maps.find(0x55d0c1a50010)->offset, 0x2000u);
  EXPECT_EQ(maps.find(0x55d0c1a55000), nullptr);
  EXPECT_EQ(maps.find(0x1000), nullptr);
  std::vector<MappedObject> objects = maps.objects();
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[0].path, "/usr/bin/cat");
  EXPECT_TRUE(objects[0].has_code);
  EXPECT_FALSE(objects[1].has_code);
  EXPECT_TRUE(objects[2].deleted);
}

TEST(ProcMaps, SelfContainsThisBinaryAndLibc) {
  Result<ProcessMaps> maps = ProcessMaps::read(0);
  ASSERT_TRUE(bool(maps)) << error_text(maps.takeError());
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  const MapEntry* code =
      maps->find(reinterpret_cast<uint64_t>(&sonde_symbols_test_marker));
  ASSERT_NE(code, nullptr);
  EXPECT_TRUE(code->executable);
  EXPECT_EQ(code->path, self.string());
  bool has_libc = false;
  for (const MappedObject& object : maps->objects()) {
    has_libc |= std::filesystem::path(object.path).filename() == "libc.so.6";
  }
  EXPECT_TRUE(has_libc);
}

TEST(ProcMaps, ResolvesOwnFunction) {
  Result<ProcessMaps> maps = ProcessMaps::read(0);
  ASSERT_TRUE(bool(maps));
  auto address = reinterpret_cast<uint64_t>(&sonde_symbols_test_marker);
  Result<AddressInfo> info = maps->resolve(address + 1);
  ASSERT_TRUE(bool(info)) << error_text(info.takeError());
  EXPECT_EQ(info->file_offset,
            *testing::self_file_offset(
                reinterpret_cast<const void*>(&sonde_symbols_test_marker)) +
                1);
  ASSERT_TRUE(info->symbol.has_value());
  EXPECT_EQ(info->symbol->symbol->name, "sonde_symbols_test_marker");
  EXPECT_EQ(info->symbol->offset, 1u);
}

TEST(ProcMaps, ResolvesLibraryFunctionAndBack) {
  void* handle = testing::open_library(SONDE_USDT_LIB);
  ASSERT_NE(handle, nullptr);
  const void* add = ::dlsym(handle, "sonde_lib_add");
  ASSERT_NE(add, nullptr);
  Result<ProcessMaps> maps = ProcessMaps::read(::getpid());
  ASSERT_TRUE(bool(maps));
  Result<AddressInfo> info = maps->resolve(reinterpret_cast<uint64_t>(add));
  ASSERT_TRUE(bool(info)) << error_text(info.takeError());
  EXPECT_TRUE(std::filesystem::equivalent(info->map.path, SONDE_USDT_LIB));
  ASSERT_TRUE(info->symbol.has_value());
  EXPECT_EQ(info->symbol->symbol->name, "sonde_lib_add");
  EXPECT_EQ(info->symbol->offset, 0u);
  ASSERT_TRUE(info->elf_address.has_value());
  EXPECT_EQ(*info->elf_address, info->symbol->symbol->address);
  // And from the link-time address back to where it runs.
  EXPECT_EQ(maps->runtime_address(info->map.path, *info->elf_address),
            reinterpret_cast<uint64_t>(add));
  EXPECT_EQ(maps->runtime_address("/no/such/object.so", 0x1000), std::nullopt);
}

TEST(ProcMaps, UnmappedAndAnonymousAddresses) {
  Result<ProcessMaps> maps = ProcessMaps::read(0);
  ASSERT_TRUE(bool(maps));
  Result<AddressInfo> null = maps->resolve(0);
  ASSERT_FALSE(bool(null));
  EXPECT_NE(error_text(null.takeError()).find("not mapped"), std::string::npos);
  int on_stack = 0;
  Result<AddressInfo> stack =
      maps->resolve(reinterpret_cast<uint64_t>(&on_stack));
  ASSERT_TRUE(bool(stack));
  EXPECT_EQ(stack->file, nullptr);
  EXPECT_FALSE(stack->symbol.has_value());
  Result<ProcessMaps> gone = ProcessMaps::read(0x7ffffff0);
  EXPECT_FALSE(bool(gone));
  llvm::consumeError(gone.takeError());
}

} // namespace
} // namespace sonde::symbols
