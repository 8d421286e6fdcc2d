// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "symbols/elf_reader.h"
#include "symbols/usdt_notes.h"
#include "unit/symbols/testprogs.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace sonde::symbols {
namespace {

UsdtArg arg_of(std::string_view spec) {
  Result<UsdtArg> arg = parse_usdt_arg_x86_64(spec);
  if (!arg) {
    ADD_FAILURE() << error_text(arg.takeError());
    return {};
  }
  return *arg;
}

std::vector<UsdtProbe> probes_of(const std::string& path) {
  Result<std::vector<UsdtProbe>> probes = read_usdt_probes(path);
  if (!probes) {
    ADD_FAILURE() << error_text(probes.takeError());
    return {};
  }
  return *probes;
}

const UsdtProbe* find_probe(const std::vector<UsdtProbe>& probes,
                            std::string_view provider,
                            std::string_view name) {
  for (const UsdtProbe& probe : probes) {
    if (probe.provider == provider && probe.name == name) {
      return &probe;
    }
  }
  return nullptr;
}

// The semaphore offset `sonde_usdt_prog --offsets` reads from its own maps.
uint64_t reported_semaphore_offset(const std::string& program) {
  std::istringstream output(testing::run_command(program + " --offsets"));
  std::string line;
  while (std::getline(output, line)) {
    std::istringstream words(line);
    std::string kind;
    std::string name;
    uint64_t offset = 0;
    if (words >> kind >> name >> std::hex >> offset && kind == "semaphore") {
      return offset;
    }
  }
  return 0;
}

TEST(UsdtArgs, RegisterOperands) {
  UsdtArg edi = arg_of("-4@%edi");
  EXPECT_EQ(edi.kind, UsdtArgKind::Register);
  EXPECT_EQ(edi.size, 4);
  EXPECT_TRUE(edi.is_signed);
  ASSERT_TRUE(edi.base.has_value());
  EXPECT_EQ(edi.base->name, "edi");
  EXPECT_EQ(edi.base->pt_regs_name, "di");
  EXPECT_EQ(edi.base->pt_regs_offset, 112);
  EXPECT_EQ(edi.base->pt_regs_index, 14);
  EXPECT_EQ(edi.base->width, 4);

  UsdtArg rax = arg_of("8@%rax");
  EXPECT_FALSE(rax.is_signed);
  EXPECT_EQ(rax.size, 8);
  EXPECT_EQ(rax.base->pt_regs_offset, 80);
  EXPECT_EQ(rax.base->width, 8);

  UsdtArg ah = arg_of("-1@%ah");
  EXPECT_EQ(ah.base->pt_regs_name, "ax");
  EXPECT_EQ(ah.base->shift, 8);
  EXPECT_EQ(ah.base->width, 1);

  EXPECT_EQ(arg_of("1@%r8b").base->pt_regs_offset, 72);
  EXPECT_EQ(arg_of("2@%r15w").base->pt_regs_offset, 0);
  EXPECT_EQ(arg_of("8@%rsp").base->pt_regs_offset, 152);
  EXPECT_EQ(arg_of("1@%sil").base->pt_regs_name, "si");
}

TEST(UsdtArgs, ConstantsAndMemory) {
  UsdtArg five = arg_of("-4@$5");
  EXPECT_EQ(five.kind, UsdtArgKind::Constant);
  EXPECT_EQ(five.constant, 5);
  EXPECT_TRUE(five.is_signed);
  EXPECT_EQ(arg_of("8@$-0x10").constant, -16);
  EXPECT_EQ(arg_of("2@$0x1f").constant, 31);

  UsdtArg local = arg_of("8@-8(%rbp)");
  EXPECT_EQ(local.kind, UsdtArgKind::Memory);
  EXPECT_EQ(local.offset, -8);
  ASSERT_TRUE(local.base.has_value());
  EXPECT_EQ(local.base->pt_regs_name, "bp");
  EXPECT_EQ(local.base->pt_regs_offset, 32);
  EXPECT_FALSE(local.index.has_value());

  UsdtArg plain = arg_of("4@(%rax)");
  EXPECT_EQ(plain.kind, UsdtArgKind::Memory);
  EXPECT_EQ(plain.offset, 0);

  UsdtArg sib = arg_of("4@(%rbx,%rcx,4)");
  EXPECT_EQ(sib.kind, UsdtArgKind::Memory);
  EXPECT_EQ(sib.base->pt_regs_name, "bx");
  ASSERT_TRUE(sib.index.has_value());
  EXPECT_EQ(sib.index->pt_regs_name, "cx");
  EXPECT_EQ(sib.scale, 4);

  UsdtArg no_base = arg_of("-8@16(,%rdx,8)");
  EXPECT_FALSE(no_base.base.has_value());
  EXPECT_EQ(no_base.index->pt_regs_name, "dx");
  EXPECT_EQ(no_base.offset, 16);

  UsdtArg global = arg_of("-4@counter+8(%rip)");
  EXPECT_EQ(global.kind, UsdtArgKind::Symbol);
  EXPECT_EQ(global.symbol, "counter");
  EXPECT_EQ(global.offset, 8);
  EXPECT_FALSE(global.base.has_value());

  UsdtArg absolute = arg_of("8@0x601040");
  EXPECT_EQ(absolute.kind, UsdtArgKind::Memory);
  EXPECT_EQ(absolute.offset, 0x601040);
  EXPECT_FALSE(absolute.base.has_value());

  // Notes from before sizes were recorded.
  UsdtArg sizeless = arg_of("%rdi");
  EXPECT_EQ(sizeless.size, 8);
  EXPECT_FALSE(sizeless.is_signed);
}

TEST(UsdtArgs, RejectsMalformedSpecs) {
  for (const char* spec :
       {"3@%eax", "4@%xyz", "4@$abc", "4@(%rbp", "4@16(%rip)", "4@", "x@%eax",
        "4@(%rax,%rbx,3)", "4@sym(%rax)", "4@()", "4@)", "4@a b",
        "8@%fs:0x28"}) {
    Result<UsdtArg> arg = parse_usdt_arg_x86_64(spec);
    ASSERT_FALSE(bool(arg)) << spec;
    EXPECT_NE(error_text(arg.takeError()).find(spec), std::string::npos)
        << spec;
  }
}

TEST(UsdtArgs, SplitsArgumentStrings) {
  Result<std::vector<UsdtArg>> args =
      parse_usdt_args_x86_64("-4@%edi  8@-8(%rbp) -4@$5");
  ASSERT_TRUE(bool(args)) << error_text(args.takeError());
  ASSERT_EQ(args->size(), 3u);
  EXPECT_EQ((*args)[1].spec, "8@-8(%rbp)");
  Result<std::vector<UsdtArg>> none = parse_usdt_args_x86_64("");
  ASSERT_TRUE(bool(none));
  EXPECT_TRUE(none->empty());
}

TEST(UsdtNotes, ProgramProbesAndArguments) {
  std::vector<UsdtProbe> probes = probes_of(SONDE_USDT_PROG);
  std::set<std::string> names;
  for (const UsdtProbe& probe : probes) {
    names.insert(probe.provider + ":" + probe.name);
    EXPECT_EQ(probe.error, "") << probe.name;
    EXPECT_EQ(probe.path, SONDE_USDT_PROG);
  }
  EXPECT_EQ(names, (std::set<std::string>{"sonde:types", "sonde:constant",
                                          "sonde:noargs", "sonde:guarded"}));

  const UsdtProbe* types = find_probe(probes, "sonde", "types");
  ASSERT_NE(types, nullptr);
  // int8_t, uint16_t, int32_t, uint64_t, const char*, int64_t.
  std::vector<int> sizes;
  std::vector<bool> signs;
  for (const UsdtArg& arg : types->args) {
    sizes.push_back(arg.size);
    signs.push_back(arg.is_signed);
    EXPECT_NE(arg.kind, UsdtArgKind::Constant);
  }
  EXPECT_EQ(sizes, (std::vector<int>{1, 2, 4, 8, 8, 8}));
  EXPECT_EQ(signs, (std::vector<bool>{true, false, true, false, false, true}));

  const UsdtProbe* constant = find_probe(probes, "sonde", "constant");
  ASSERT_NE(constant, nullptr);
  ASSERT_EQ(constant->args.size(), 1u);
  EXPECT_EQ(constant->args[0].kind, UsdtArgKind::Constant);
  EXPECT_EQ(constant->args[0].constant, 5);
  EXPECT_EQ(constant->args[0].size, 4);
  EXPECT_TRUE(constant->args[0].is_signed);

  const UsdtProbe* noargs = find_probe(probes, "sonde", "noargs");
  ASSERT_NE(noargs, nullptr);
  EXPECT_TRUE(noargs->args.empty());
  EXPECT_EQ(noargs->semaphore_address, 0u);
  EXPECT_EQ(noargs->semaphore_offset, 0u);
}

// Every probe site is a one-byte nop at its uprobe offset.
TEST(UsdtNotes, ProbeOffsetsPointAtNops) {
  for (const char* path :
       {SONDE_USDT_PROG, SONDE_USDT_PROG_NOPIE, SONDE_USDT_LIB}) {
    std::vector<UsdtProbe> probes = probes_of(path);
    ASSERT_FALSE(probes.empty()) << path;
    for (const UsdtProbe& probe : probes) {
      EXPECT_EQ(testing::file_bytes(path, probe.offset, 1), "\x90")
          << path << " " << probe.name;
    }
  }
}

TEST(UsdtNotes, SemaphoreOffsetMatchesRunningProgram) {
  for (const char* path : {SONDE_USDT_PROG, SONDE_USDT_PROG_NOPIE}) {
    SCOPED_TRACE(path);
    std::vector<UsdtProbe> probes = probes_of(path);
    const UsdtProbe* guarded = find_probe(probes, "sonde", "guarded");
    ASSERT_NE(guarded, nullptr);
    EXPECT_NE(guarded->semaphore_address, 0u);
    EXPECT_NE(guarded->semaphore_offset, 0u);
    EXPECT_EQ(guarded->semaphore_offset, reported_semaphore_offset(path));
    ASSERT_EQ(guarded->args.size(), 2u);
    EXPECT_EQ(guarded->args[0].size, 4);
    EXPECT_EQ(guarded->args[1].size, 8);
  }
}

// The kernel increments the semaphore through the library's mapping at
// ref_ctr_offset; that offset must be where the loader put the variable.
TEST(UsdtNotes, LibrarySemaphoreMatchesDynamicLoader) {
  std::vector<const char*> libraries = {SONDE_USDT_LIB};
#ifdef SONDE_USDT_LIB_LLD
  libraries.push_back(SONDE_USDT_LIB_LLD);
#endif
  for (const char* path : libraries) {
    SCOPED_TRACE(path);
    void* handle = testing::open_library(path);
    ASSERT_NE(handle, nullptr);
    const void* semaphore = ::dlsym(handle, "sonde_lib_guarded_semaphore");
    ASSERT_NE(semaphore, nullptr);
    std::vector<UsdtProbe> probes = probes_of(path);
    const UsdtProbe* guarded = find_probe(probes, "sonde_lib", "guarded");
    ASSERT_NE(guarded, nullptr);
    EXPECT_EQ(testing::self_file_offset(semaphore), guarded->semaphore_offset);
    EXPECT_EQ(find_probe(probes, "sonde_lib", "add")->semaphore_offset, 0u);
    const UsdtProbe* mix = find_probe(probes, "sonde_lib", "mix");
    ASSERT_NE(mix, nullptr);
    ASSERT_EQ(mix->args.size(), 3u);
    EXPECT_EQ(mix->args[0].size, 1);
    EXPECT_FALSE(mix->args[0].is_signed);
    EXPECT_EQ(mix->args[1].size, 2);
    EXPECT_TRUE(mix->args[1].is_signed);
  }
}

// Prelinking moves an object but not its notes; .stapsdt.base tells by how
// much. Simulate it by moving the note's recorded addresses instead.
TEST(UsdtNotes, PrelinkAdjustmentUsesStapsdtBase) {
  std::vector<UsdtProbe> original = probes_of(SONDE_USDT_PROG);
  ASSERT_FALSE(original.empty());
  Result<ElfReader> reader = ElfReader::open(SONDE_USDT_PROG);
  ASSERT_TRUE(bool(reader));
  const ElfReader::Section* notes = reader->section(".note.stapsdt");
  ASSERT_NE(notes, nullptr);
  std::optional<std::string> bytes = read_file(SONDE_USDT_PROG);
  ASSERT_TRUE(bytes.has_value());
  // The first note: 12-byte header, "stapsdt\0", then pc and base.
  size_t desc = notes->header.sh_offset + 12 + 8;
  for (size_t field : {desc, desc + 8}) {
    uint64_t value = 0;
    std::memcpy(&value, bytes->data() + field, 8);
    value -= 0x1000;
    std::memcpy(bytes->data() + field, &value, 8);
  }
  std::string path = ::testing::TempDir() + "sonde_prelinked";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  }
  std::vector<UsdtProbe> moved = probes_of(path);
  std::filesystem::remove(path);
  ASSERT_EQ(moved.size(), original.size());
  EXPECT_EQ(moved[0].base_address, original[0].base_address - 0x1000);
  EXPECT_EQ(moved[0].address, original[0].address);
  EXPECT_EQ(moved[0].offset, original[0].offset);
}

TEST(UsdtNotes, FilesWithoutNotesHaveNoProbes) {
  std::vector<UsdtProbe> probes = probes_of(SONDE_CPP_PROG);
  EXPECT_TRUE(probes.empty());
  Result<std::vector<UsdtProbe>> not_elf = read_usdt_probes(__FILE__);
  ASSERT_FALSE(bool(not_elf));
  llvm::consumeError(not_elf.takeError());
}

TEST(UsdtNotes, CachedPerFile) {
  Result<std::shared_ptr<const std::vector<UsdtProbe>>> first =
      usdt_probes(SONDE_USDT_LIB);
  Result<std::shared_ptr<const std::vector<UsdtProbe>>> second =
      usdt_probes(SONDE_USDT_LIB);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ((*first)->size(), 3u);
}

TEST(UsdtNotes, ThisProcessAfterDlopen) {
  ASSERT_NE(testing::open_library(SONDE_USDT_LIB), nullptr);
  Result<std::vector<UsdtProbe>> probes = usdt_probes_of_process(0);
  ASSERT_TRUE(bool(probes)) << error_text(probes.takeError());
  EXPECT_NE(find_probe(*probes, "sonde_lib", "add"), nullptr);
}

// A running child: its executable's probes and its library's.
TEST(UsdtNotes, RunningProcessAndItsLibraries) {
  int to_child[2];
  int from_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(from_child), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(to_child[0], 0);
    ::dup2(from_child[1], 1);
    ::close(to_child[1]);
    ::close(from_child[0]);
    ::execl(SONDE_USDT_PROG, SONDE_USDT_PROG, "--wait",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  char ready[6] = {};
  ssize_t got = ::read(from_child[0], ready, 5);
  Result<std::vector<UsdtProbe>> probes = usdt_probes_of_process(pid);
  ::close(to_child[1]);
  ::close(from_child[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_EQ(got, 5);
  EXPECT_STREQ(ready, "ready");
  ASSERT_TRUE(bool(probes)) << error_text(probes.takeError());
  EXPECT_NE(find_probe(*probes, "sonde", "types"), nullptr);
  const UsdtProbe* lib = find_probe(*probes, "sonde_lib", "guarded");
  ASSERT_NE(lib, nullptr);
  EXPECT_EQ(std::filesystem::path(lib->path).filename(),
            "libsonde_usdt_lib.so");
  EXPECT_TRUE(WIFEXITED(status));
}

} // namespace
} // namespace sonde::symbols
