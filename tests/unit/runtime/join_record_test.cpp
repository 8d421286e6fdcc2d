// SPDX-License-Identifier: Apache-2.0
#include "runtime/actions.h"

#include <cstring>
#include <gtest/gtest.h>

// join(): the text of a record as the BPF side fills it.
namespace sonde::runtime {
namespace {

std::string record(const codegen::JoinMeta& meta,
                   uint64_t count,
                   const std::vector<std::string>& strings) {
  std::string data(meta.record_size(), '\0');
  std::memcpy(data.data() + sizeof(codegen::EventHeader), &count, 8);
  for (size_t i = 0; i < strings.size(); ++i) {
    std::memcpy(data.data() + sizeof(codegen::EventHeader) + 8 +
                    i * meta.string_size,
                strings[i].data(),
                std::min<size_t>(strings[i].size(), meta.string_size));
  }
  return data;
}

TEST(JoinRecord, JoinsTheCountedStringsWithTheSeparator) {
  codegen::JoinMeta meta{" ", 8, 4};
  std::string data = record(meta, 3, {"/bin/ls", "-l", "x", "unused"});
  EXPECT_EQ(join_record(meta, data.data(), data.size()), "/bin/ls -l x");
  meta.separator = ", ";
  EXPECT_EQ(join_record(meta, data.data(), data.size()), "/bin/ls, -l, x");
}

TEST(JoinRecord, EmptyArrayAndFullSlots) {
  codegen::JoinMeta meta{",", 4, 2};
  std::string empty = record(meta, 0, {});
  EXPECT_EQ(join_record(meta, empty.data(), empty.size()), "");
  // A slot without a NUL (never written by the kernel helper) stops at its
  // end.
  std::string full = record(meta, 2, {"abcd", "ef"});
  EXPECT_EQ(join_record(meta, full.data(), full.size()), "abcd,ef");
}

TEST(JoinRecord, CountBeyondTheSlotsAndShortRecords) {
  codegen::JoinMeta meta{" ", 4, 2};
  std::string data = record(meta, 99, {"a", "b"});
  EXPECT_EQ(join_record(meta, data.data(), data.size()), "a b");
  EXPECT_EQ(join_record(meta, data.data(), data.size() - 1), "");
}

} // namespace
} // namespace sonde::runtime
