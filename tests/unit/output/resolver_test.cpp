// SPDX-License-Identifier: Apache-2.0
// Stacks and formatted values printed through a fake ValueResolver.
#include "output/json.h"
#include "output/map_printer.h"
#include "output/printf.h"
#include "output/values.h"

#include <cstring>
#include <gtest/gtest.h>

namespace sonde::output {
namespace {

using types::Presentation;
using types::StackMode;
using types::Type;

class FakeResolver : public ValueResolver {
public:
  std::vector<uint64_t> stack(const Type& /*type*/, const char* data) override {
    int64_t id;
    std::memcpy(&id, data, 8);
    if (id < 0) {
      return {};
    }
    return {0x1010, 0x2020, 0x9999};
  }
  std::vector<BuildIdFrame> build_id_stack(const Type& /*type*/,
                                           const char* data) override {
    int64_t id;
    std::memcpy(&id, data, 8);
    if (id < 0) {
      return {};
    }
    std::vector<uint8_t> build_id(20, 0);
    for (uint8_t i = 0; i < 20; ++i) {
      build_id[i] = static_cast<uint8_t>(0xa0 + i);
    }
    return {{true, build_id, 0x1139},
            {true, build_id, 0x5},
            {false, {}, 0x7fff1234}};
  }
  ResolvedSymbol kernel_symbol(uint64_t address) override {
    if (address == 0x1010) {
      return {true, "vfs_read", 16, ""};
    }
    if (address == 0x2020) {
      return {true, "ksys_read", 32, ""};
    }
    return {};
  }
  ResolvedSymbol user_symbol(uint64_t address, uint64_t pid) override {
    last_pid = pid;
    if (address == 0x1010) {
      return {true, "ns::f(int)", 4, "/bin/prog"};
    }
    return {false, "", 0, address == 0x2020 ? "/bin/prog" : ""};
  }
  std::string timestamp(uint64_t format_id, uint64_t boot_ns) override {
    return "t" + std::to_string(format_id) + "@" + std::to_string(boot_ns);
  }
  std::string username(uint64_t uid) override {
    return uid == 0 ? "root" : std::to_string(uid);
  }
  std::string cgroup_path(uint64_t id) override {
    return "/cg/" + std::to_string(id);
  }
  uint32_t last_pid = 0;
};

std::string words(std::initializer_list<uint64_t> values) {
  std::string bytes;
  for (uint64_t value : values) {
    bytes.append(reinterpret_cast<const char*>(&value), 8);
  }
  return bytes;
}

TEST(Resolver, KernelStackDefaultMode) {
  FakeResolver resolver;
  Type type = Type::stack(false, 127, StackMode::Bpftrace);
  std::string data = words({7});
  EXPECT_EQ(format_value({&type, data.data()}, &resolver),
            "\n        vfs_read+16\n        ksys_read+32\n        0x9999\n");
}

TEST(Resolver, FailedStackIdPrintsOnlyTheNewline) {
  FakeResolver resolver;
  Type type = Type::stack(false, 127, StackMode::Bpftrace);
  std::string data = words({static_cast<uint64_t>(-14)});
  EXPECT_EQ(format_value({&type, data.data()}, &resolver), "\n");
}

TEST(Resolver, UserStackPerfModeNamesObjects) {
  FakeResolver resolver;
  Type type = Type::stack(true, 3, StackMode::Perf);
  std::string data = words({1, 4242});
  EXPECT_EQ(format_value({&type, data.data()}, &resolver),
            "\n\t1010 ns::f(int)+4 (/bin/prog)\n\t2020 [unknown] "
            "(/bin/prog)\n\t9999 [unknown] ([unknown])\n");
  EXPECT_EQ(resolver.last_pid, 4242u);
}

TEST(Resolver, RawModeIsAddressesOnly) {
  FakeResolver resolver;
  Type type = Type::stack(false, 3, StackMode::Raw);
  std::string data = words({1});
  EXPECT_EQ(format_value({&type, data.data()}, &resolver),
            "\n1010\n2020\n9999\n");
}

TEST(Resolver, BuildIdStackPrintsIdAndOffsetOrAddress) {
  FakeResolver resolver;
  Type type = Type::stack(true, 3, StackMode::BuildId);
  std::string data = words({1, 4242});
  const std::string id = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3";
  EXPECT_EQ(format_value({&type, data.data()}, &resolver),
            "\n" + id + " 0x1139\n" + id + " 0x05\n7fff1234\n");
  std::string failed = words({static_cast<uint64_t>(-14), 4242});
  EXPECT_EQ(format_value({&type, failed.data()}, &resolver), "\n");
}

TEST(Resolver, FormattedValues) {
  FakeResolver resolver;
  Type ksym = Type::formatted(Presentation::Ksym, 8);
  std::string known = words({0x1010});
  std::string unknown = words({0xabc});
  EXPECT_EQ(format_value({&ksym, known.data()}, &resolver), "vfs_read");
  EXPECT_EQ(format_value({&ksym, unknown.data()}, &resolver), "0xabc");
  EXPECT_EQ(format_value({&ksym, known.data()}), "0x1010");

  Type inet = Type::formatted(Presentation::Inet, 24);
  std::string v4 = words({2, 0x0100007f, 0});
  EXPECT_EQ(format_value({&inet, v4.data()}, &resolver), "127.0.0.1");
  std::string v6 = words({10, 0, 0x0100000000000000});
  EXPECT_EQ(format_value({&inet, v6.data()}, &resolver), "::1");

  Type mac = Type::formatted(Presentation::MacAddr, 16);
  std::string mac_bytes = words({0xccbbaa221100, 0});
  EXPECT_EQ(format_value({&mac, mac_bytes.data()}, &resolver),
            "00:11:22:AA:BB:CC");

  Type time = Type::formatted(Presentation::Timestamp, 16);
  std::string stamp = words({2, 99});
  EXPECT_EQ(format_value({&time, stamp.data()}, &resolver), "t2@99");
  EXPECT_EQ(format_value_json({&time, stamp.data()}, &resolver), "\"t2@99\"");

  Type user = Type::formatted(Presentation::Username, 8);
  std::string uid = words({0});
  EXPECT_EQ(format_value({&user, uid.data()}, &resolver), "root");
}

TEST(Resolver, StackMapKeysKeepTheirIndentationInJson) {
  FakeResolver resolver;
  MapSnapshot map;
  map.shape.name = "@";
  map.shape.key_types = {Type::stack(false, 127, StackMode::Bpftrace)};
  map.key_offsets = {0};
  map.shape.kind = MapValueKind::Count;
  map.shape.value_type = Type::u64();
  map.resolver = &resolver;
  map.entries.push_back({words({1}), words({5})});
  std::string text;
  llvm::raw_string_ostream out(text);
  print_map_text(map, out);
  print_map_json(map, out);
  EXPECT_EQ(text, "@[\n        vfs_read+16\n        ksys_read+32\n        "
                  "0x9999\n]: 5\n"
                  "{\"type\": \"map\", \"data\": {\"@\": {\"\\n        "
                  "vfs_read+16\\n        ksys_read+32\\n        0x9999\\n\": "
                  "5}}}\n");
}

TEST(Resolver, PrintfStarsFloatsAndRaw) {
  FormatSpec spec;
  std::string bad;
  size_t offset = 0;
  ASSERT_TRUE(parse_format("%*d|%-.*s|%.2f|%r|%rx|%rh", spec, bad, offset));
  EXPECT_EQ(spec.argument_count(), 8u);
  Type s64 = Type::s64();
  Type string = Type::string(8);
  std::string width = words({static_cast<uint64_t>(-4)});
  std::string value = words({42});
  std::string two = words({2});
  std::string text = std::string("a\tbcd") + std::string(3, '\0');
  FakeResolver resolver;
  std::string out = format_printf(spec,
                                  {{&s64, width.data()},
                                   {&s64, value.data()},
                                   {&s64, two.data()},
                                   {&string, text.data()},
                                   {&s64, value.data()},
                                   {&string, text.data()},
                                   {&string, text.data()},
                                   {&string, text.data()}},
                                  &resolver);
  EXPECT_EQ(out, "42  |a\t|42.00|a\\x09bcd|\\x61\\x09\\x62\\x63\\x64|61 09 62 "
                 "63 64");
}

} // namespace
} // namespace sonde::output
