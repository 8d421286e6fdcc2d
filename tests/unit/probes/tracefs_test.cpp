// SPDX-License-Identifier: Apache-2.0
#include "probes/tracefs.h"
#include "unit/probes/fixture.h"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

namespace sonde::probes {
namespace {

using testing::fixture_root;
using types::AddressSpace;
using types::Type;

// Parses a fixture event's format; fails the test if it cannot.
const EventFormat&
format_of(const Tracefs& fs, const char* category, const char* event) {
  Result<const EventFormat*> format = fs.event_format(category, event);
  if (!format) {
    ADD_FAILURE() << error_text(format.takeError());
    static const EventFormat kEmpty;
    return kEmpty;
  }
  return **format;
}

const types::Field& field_of(const Type& record, const char* name) {
  const types::Field* field = record.field(name);
  if (field == nullptr) {
    ADD_FAILURE() << "no field " << name << " in " << record.record_name();
    static const types::Field kNone{"", std::make_shared<const Type>(), 0,
                                    false};
    return kNone;
  }
  return *field;
}

TEST(TracefsFormat, SyscallEnterHasArgumentsWithoutCommonFields) {
  Tracefs fs(fixture_root());
  const Type& args = format_of(fs, "syscalls", "sys_enter_openat").args;
  ASSERT_TRUE(args.is_record());
  EXPECT_EQ(args.record_name(), "tracepoint:syscalls:sys_enter_openat args");
  std::vector<std::string> names;
  for (const types::Field& field : args.fields()) {
    names.push_back(field.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"__syscall_nr", "dfd", "filename",
                                             "flags", "mode"}));
  EXPECT_EQ(args.size(), 48u);
}

TEST(TracefsFormat, SyscallIntegersUseTheirCTypes) {
  Tracefs fs(fixture_root());
  const Type& args = format_of(fs, "syscalls", "sys_enter_openat").args;
  EXPECT_EQ(field_of(args, "__syscall_nr").offset, 8u);
  EXPECT_EQ(*field_of(args, "__syscall_nr").type, Type::integer(4, true));
  // `int dfd` is stored in 8 bytes with signed:0, but only its low 4 bytes
  // hold the value: it reads as int32, so AT_FDCWD is -100, as in bpftrace.
  EXPECT_EQ(field_of(args, "dfd").offset, 16u);
  EXPECT_EQ(*field_of(args, "dfd").type, Type::integer(4, true));
  EXPECT_EQ(field_of(args, "mode").offset, 40u);
  EXPECT_EQ(*field_of(args, "mode").type, Type::integer(8, false));
}

TEST(TracefsFormat, SyscallPointersAreUserCharPointers) {
  Tracefs fs(fixture_root());
  const Type& args = format_of(fs, "syscalls", "sys_enter_openat").args;
  const types::Field& filename = field_of(args, "filename");
  EXPECT_EQ(filename.offset, 24u);
  ASSERT_TRUE(filename.type->is_pointer());
  EXPECT_EQ(filename.type->address_space(), AddressSpace::User);
  EXPECT_EQ(filename.type->pointee(), Type::integer(1, true));
  EXPECT_FALSE(filename.data_loc);
}

TEST(TracefsFormat, NestedPointersKeepTheAddressSpace) {
  Tracefs fs(fixture_root());
  const Type& args = format_of(fs, "syscalls", "sys_enter_execve").args;
  const Type& argv = *field_of(args, "argv").type;
  ASSERT_TRUE(argv.is_pointer());
  ASSERT_TRUE(argv.pointee().is_pointer());
  EXPECT_EQ(argv.address_space(), AddressSpace::User);
  EXPECT_EQ(argv.pointee().address_space(), AddressSpace::User);
  EXPECT_EQ(argv.pointee().pointee(), Type::integer(1, true));
}

TEST(TracefsFormat, CharArraysAreStrings) {
  Tracefs fs(fixture_root());
  const Type& args = format_of(fs, "sched", "sched_switch").args;
  EXPECT_EQ(field_of(args, "prev_comm").offset, 8u);
  EXPECT_EQ(*field_of(args, "prev_comm").type, Type::string(16));
  EXPECT_EQ(field_of(args, "prev_pid").offset, 24u);
  EXPECT_EQ(*field_of(args, "prev_pid").type, Type::integer(4, true));
  EXPECT_EQ(*field_of(args, "prev_state").type, Type::integer(8, true));
  EXPECT_EQ(field_of(args, "next_comm").offset, 40u);
  EXPECT_EQ(field_of(args, "next_prio").offset, 60u);
  EXPECT_EQ(args.size(), 64u);
}

TEST(TracefsFormat, DataLocStringsAreMarked) {
  Tracefs fs(fixture_root());
  const Type& args = format_of(fs, "sched", "sched_process_exec").args;
  const types::Field& filename = field_of(args, "filename");
  EXPECT_TRUE(filename.data_loc);
  EXPECT_EQ(filename.offset, 8u);
  EXPECT_EQ(*filename.type, Type::string(64));
  EXPECT_FALSE(field_of(args, "pid").data_loc);
  EXPECT_EQ(field_of(args, "pid").offset, 12u);
}

TEST(TracefsFormat, KernelPointersAndByteArrays) {
  Tracefs fs(fixture_root());
  const Type& args = format_of(fs, "sock", "inet_sock_set_state").args;
  const Type& skaddr = *field_of(args, "skaddr").type;
  ASSERT_TRUE(skaddr.is_pointer());
  EXPECT_EQ(skaddr.address_space(), AddressSpace::Kernel);
  EXPECT_TRUE(skaddr.pointee().is_none());
  // Non-char arrays read as element 0 until the type model has arrays.
  EXPECT_EQ(field_of(args, "saddr").offset, 32u);
  EXPECT_EQ(*field_of(args, "saddr").type, Type::integer(1, false));
  EXPECT_EQ(field_of(args, "saddr_v6").offset, 40u);
  EXPECT_EQ(*field_of(args, "sport").type, Type::integer(2, false));
}

TEST(TracefsFormat, IntegerArrayReadsElementSize) {
  Tracefs fs(fixture_root());
  const Type& args = format_of(fs, "raw_syscalls", "sys_enter").args;
  EXPECT_EQ(*field_of(args, "id").type, Type::integer(8, true));
  EXPECT_EQ(field_of(args, "args").offset, 16u);
  EXPECT_EQ(*field_of(args, "args").type, Type::integer(8, false));
}

TEST(TracefsFormat, UnsupportedFieldsAreListedNotDropped) {
  Tracefs fs(fixture_root());
  const EventFormat& format = format_of(fs, "dma", "dma_map_sg");
  EXPECT_EQ(format.args.field("phys_addrs"), nullptr);
  ASSERT_EQ(format.unsupported.size(), 3u);
  EXPECT_TRUE(format.unsupported[0].starts_with("phys_addrs: "));
  EXPECT_TRUE(field_of(format.args, "device").data_loc);
  EXPECT_EQ(*field_of(format.args, "truncated").type, Type::integer(1, false));
  EXPECT_EQ(*field_of(format.args, "attrs").type, Type::integer(8, false));
  // The raw declarations keep every field, for `-lv`.
  EXPECT_EQ(format.fields.size(), 9u);
  EXPECT_EQ(format.fields[4].declaration, "__data_loc u64[] phys_addrs");
}

TEST(TracefsFormat, FlexibleArrayIsUnsupported) {
  Tracefs fs(fixture_root());
  const EventFormat& format = format_of(fs, "ftrace", "print");
  EXPECT_NE(format.args.field("ip"), nullptr);
  EXPECT_EQ(format.args.field("buf"), nullptr);
  ASSERT_EQ(format.unsupported.size(), 1u);
  EXPECT_TRUE(format.unsupported[0].starts_with("buf: "));
}

TEST(TracefsFormat, ParsesUnusualDeclarations) {
  Result<EventFormat> format = Tracefs::parse_format(
      "name: x\nID: 1\nformat:\n"
      "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
      "\tfield:__u8 saddr[sizeof(struct sockaddr_in6)];\toffset:8;\tsize:28;"
      "\tsigned:0;\n"
      "\tfield:__rel_loc char[] name;\toffset:36;\tsize:4;\tsigned:0;\n"
      "\tfield:const volatile long * p;\toffset:40;\tsize:8;\tsigned:0;\n"
      "\tfield:enum foo kind;\toffset:48;\tsize:4;\tsigned:0;\n\n"
      "print fmt: \"\"\n",
      "cat", "x");
  ASSERT_TRUE(static_cast<bool>(format)) << error_text(format.takeError());
  const Type& args = format->args;
  EXPECT_EQ(*field_of(args, "saddr").type, Type::integer(1, false));
  EXPECT_EQ(args.field("name"), nullptr);
  EXPECT_EQ(format->unsupported.size(), 1u);
  const Type& p = *field_of(args, "p").type;
  EXPECT_EQ(p.address_space(), AddressSpace::Kernel);
  EXPECT_EQ(p.pointee(), Type::integer(8, true));
  EXPECT_EQ(*field_of(args, "kind").type, Type::integer(4, false));
  EXPECT_EQ(args.size(), 52u);
}

TEST(TracefsFormat, MalformedFieldIsAnError) {
  Result<EventFormat> format = Tracefs::parse_format(
      "format:\n\tfield:int x;\tsize:4;\tsigned:1;\n", "cat", "x");
  ASSERT_FALSE(static_cast<bool>(format));
  EXPECT_NE(error_text(format.takeError()).find("cat:x"), std::string::npos);
}

TEST(TracefsFormat, IsCachedAndMissingEventsFail) {
  Tracefs fs(fixture_root());
  Result<const EventFormat*> first = fs.event_format("sched", "sched_switch");
  Result<const EventFormat*> second = fs.event_format("sched", "sched_switch");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
  Result<Type> missing = fs.format("sched", "no_such_event");
  ASSERT_FALSE(static_cast<bool>(missing));
  EXPECT_NE(error_text(missing.takeError()).find("no_such_event/format"),
            std::string::npos);
  Result<Type> escape = fs.format("..", "sched");
  EXPECT_FALSE(static_cast<bool>(escape));
  llvm::consumeError(escape.takeError());
}

TEST(Tracefs, ReadsIds) {
  Tracefs fs(fixture_root());
  Result<uint32_t> id = fs.id("syscalls", "sys_enter_openat");
  ASSERT_TRUE(static_cast<bool>(id)) << error_text(id.takeError());
  EXPECT_EQ(*id, 782u);
  Result<uint32_t> missing = fs.id("syscalls", "sys_enter_nothing");
  EXPECT_FALSE(static_cast<bool>(missing));
  llvm::consumeError(missing.takeError());
}

TEST(Tracefs, ListsAvailableEventsSorted) {
  Tracefs fs(fixture_root());
  const std::vector<std::string>& events = fs.events();
  EXPECT_EQ(events.size(), 13u);
  EXPECT_TRUE(std::is_sorted(events.begin(), events.end()));
  EXPECT_EQ(events.front(), "dma:dma_map_sg");
  EXPECT_NE(
      std::find(events.begin(), events.end(), "syscalls:sys_enter_openat"),
      events.end());
  EXPECT_EQ(std::find(events.begin(), events.end(), "ftrace:print"),
            events.end());
}

TEST(Tracefs, WalksEventsWithoutAvailableEvents) {
  namespace fs = std::filesystem;
  fs::path copy = fs::temp_directory_path() /
                  ("sonde_tracefs_" + std::to_string(::getpid()));
  fs::remove_all(copy);
  fs::copy(fixture_root(), copy, fs::copy_options::recursive);
  fs::remove(copy / "available_events");
  std::vector<std::string> walked = Tracefs(copy.string()).events();
  fs::remove_all(copy);
  EXPECT_EQ(walked, Tracefs(fixture_root()).events());
}

TEST(Tracefs, ChecksNamesWithoutListing) {
  Tracefs fs(fixture_root());
  EXPECT_TRUE(fs.has_event("sched", "sched_switch"));
  EXPECT_FALSE(fs.has_event("sched", "sched_swich"));
  EXPECT_FALSE(fs.has_event("sched", "enable"));
  EXPECT_FALSE(fs.has_event("..", "tracefs"));
  EXPECT_TRUE(fs.has_category("syscalls"));
  EXPECT_FALSE(fs.has_category("syscall"));
  EXPECT_EQ(fs.category_events("syscalls"),
            (std::vector<std::string>{"sys_enter_execve", "sys_enter_openat",
                                      "sys_enter_read", "sys_exit_openat",
                                      "sys_exit_read"}));
}

} // namespace
} // namespace sonde::probes
