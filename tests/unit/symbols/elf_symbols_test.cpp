// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "symbols/elf_symbols.h"
#include "symbols/library_path.h"
#include "symbols/usdt_notes.h"
#include "unit/symbols/testprogs.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <unistd.h>

namespace sonde::symbols {
namespace {

using testing::file_bytes;
using testing::to_hex;

std::shared_ptr<const ElfFile> open_or_fail(const std::string& path) {
  Result<std::shared_ptr<const ElfFile>> file = ElfFile::open(path);
  if (!file) {
    ADD_FAILURE() << error_text(file.takeError());
    return nullptr;
  }
  return *file;
}

std::vector<std::string> names_of(const ElfFile& file,
                                  const std::vector<const ElfSymbol*>& list) {
  std::vector<std::string> names;
  for (const ElfSymbol* symbol : list) {
    const DemangledName* demangled = file.demangled(*symbol);
    names.emplace_back(demangled != nullptr
                           ? std::string_view(demangled->signature)
                           : symbol->name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// What `sonde_usdt_prog --offsets` reports about itself.
struct ReportedOffsets {
  uint64_t function_offset = 0;
  std::string function_bytes;
  uint64_t semaphore_offset = 0;
};

ReportedOffsets run_offsets(const std::string& program) {
  std::istringstream output(testing::run_command(program + " --offsets"));
  ReportedOffsets reported;
  std::string kind;
  std::string name;
  while (output >> kind >> name) {
    if (kind == "function") {
      output >> std::hex >> reported.function_offset >> reported.function_bytes;
    } else if (kind == "semaphore") {
      output >> std::hex >> reported.semaphore_offset;
    }
  }
  return reported;
}

// The offset sonde computes for a function must be where the kernel mapped
// it when the program ran, and the file bytes there its code.
void check_function_offset(const std::string& program) {
  std::shared_ptr<const ElfFile> file = open_or_fail(program);
  ASSERT_NE(file, nullptr);
  const ElfSymbol* target = file->find_function("sonde_prog_target");
  ASSERT_NE(target, nullptr);
  Result<uint64_t> offset = file->file_offset(*target);
  ASSERT_TRUE(bool(offset)) << error_text(offset.takeError());
  ReportedOffsets reported = run_offsets(program);
  ASSERT_FALSE(reported.function_bytes.empty()) << "no output from " << program;
  EXPECT_EQ(*offset, reported.function_offset);
  EXPECT_EQ(to_hex(file_bytes(program, *offset, 16)), reported.function_bytes);
}

// The same check through the dynamic loader: dlsym gives the code's run-time
// address, whose bytes must equal the file's at sonde's offset.
void check_library_offsets(const char* path) {
  void* handle = testing::open_library(path);
  ASSERT_NE(handle, nullptr);
  std::shared_ptr<const ElfFile> file = open_or_fail(path);
  ASSERT_NE(file, nullptr);
  for (const char* name :
       {"sonde_lib_add", "sonde_lib_mix", "sonde_lib_guarded"}) {
    SCOPED_TRACE(name);
    const ElfSymbol* symbol = file->find_function(name);
    ASSERT_NE(symbol, nullptr);
    Result<uint64_t> offset = file->file_offset(*symbol);
    ASSERT_TRUE(bool(offset)) << error_text(offset.takeError());
    const void* code = ::dlsym(handle, name);
    ASSERT_NE(code, nullptr);
    size_t size = std::min<uint64_t>(symbol->size, 16);
    EXPECT_EQ(file_bytes(path, *offset, size),
              std::string(static_cast<const char*>(code), size));
    EXPECT_EQ(testing::self_file_offset(code), *offset);
  }
}

TEST(ElfKind, ClassifiesTestPrograms) {
  auto kind = [](const std::string& path) {
    Result<ElfKind> result = elf_kind_of(path);
    if (!result) {
      ADD_FAILURE() << error_text(result.takeError());
      return ElfKind::Other;
    }
    return *result;
  };
  EXPECT_EQ(kind(SONDE_USDT_PROG), ElfKind::PieExecutable);
  EXPECT_EQ(kind(SONDE_USDT_PROG_NOPIE), ElfKind::Executable);
  EXPECT_EQ(kind(SONDE_USDT_LIB), ElfKind::SharedObject);
  Result<std::string> libc = resolve_library("libc");
  ASSERT_TRUE(bool(libc)) << error_text(libc.takeError());
  // libc.so.6 has an interpreter (it runs as a program) but is a library.
  EXPECT_EQ(kind(*libc), ElfKind::SharedObject);
}

TEST(ElfKind, RejectsNonElfFiles) {
  Result<ElfKind> source = elf_kind_of(__FILE__);
  ASSERT_FALSE(bool(source));
  EXPECT_NE(error_text(source.takeError()).find("not an ELF file"),
            std::string::npos);
  Result<ElfKind> missing = elf_kind_of("/nonexistent/sonde");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(error_text(missing.takeError()).find("/nonexistent/sonde"),
            std::string::npos);
  Result<ElfKind> directory = elf_kind_of("/");
  EXPECT_FALSE(bool(directory));
  llvm::consumeError(directory.takeError());
}

TEST(ElfSymbols, ListsFunctionsAndObjects) {
  std::shared_ptr<const ElfFile> file = open_or_fail(SONDE_USDT_PROG);
  ASSERT_NE(file, nullptr);
  const ElfSymbol* target = file->find_function("sonde_prog_target");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->type, SymbolType::Function);
  EXPECT_EQ(target->binding, SymbolBinding::Global);
  EXPECT_GT(target->size, 0u);
  EXPECT_NE(file->find_function("main"), nullptr);
  // Local (static) functions come from .symtab.
  std::vector<const ElfSymbol*> local = file->lookup("file_offset_of");
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0]->binding, SymbolBinding::Local);
  // Data symbols are listed but only returned when asked for.
  EXPECT_TRUE(file->lookup("sonde_guarded_semaphore").empty());
  std::vector<const ElfSymbol*> semaphore =
      file->lookup("sonde_guarded_semaphore", NameForm::Raw, false);
  ASSERT_EQ(semaphore.size(), 1u);
  EXPECT_EQ(semaphore[0]->type, SymbolType::Object);
  EXPECT_EQ(semaphore[0]->size, 2u);
  EXPECT_TRUE(std::is_sorted(file->symbols().begin(), file->symbols().end(),
                             [](const ElfSymbol& a, const ElfSymbol& b) {
                               return a.address < b.address;
                             }));
}

TEST(ElfSymbols, MatchesGlobs) {
  std::shared_ptr<const ElfFile> file = open_or_fail(SONDE_USDT_LIB);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(names_of(*file, file->match("sonde_lib_*")),
            (std::vector<std::string>{"sonde_lib_add", "sonde_lib_guarded",
                                      "sonde_lib_mix"}));
  EXPECT_EQ(names_of(*file, file->match("*_lib_?dd")),
            (std::vector<std::string>{"sonde_lib_add"}));
  EXPECT_EQ(names_of(*file, file->match("*semaphore*", NameForm::Raw, false)),
            (std::vector<std::string>{"sonde_lib_guarded_semaphore"}));
  EXPECT_TRUE(file->match("nothing_like_this*").empty());
}

TEST(ElfSymbols, PieOffsetMatchesRunningProgram) {
  check_function_offset(SONDE_USDT_PROG);
}

TEST(ElfSymbols, NonPieOffsetMatchesRunningProgram) {
  std::shared_ptr<const ElfFile> file = open_or_fail(SONDE_USDT_PROG_NOPIE);
  ASSERT_NE(file, nullptr);
  // Non-PIE code is linked at 0x400000+, so p_vaddr != p_offset.
  const ElfSymbol* target = file->find_function("sonde_prog_target");
  ASSERT_NE(target, nullptr);
  EXPECT_NE(target->address, *file->file_offset(*target));
  check_function_offset(SONDE_USDT_PROG_NOPIE);
}

TEST(ElfSymbols, LibraryOffsetsMatchDynamicLoader) {
  check_library_offsets(SONDE_USDT_LIB);
}

TEST(ElfSymbols, LldLibraryWithShiftedSegments) {
#ifdef SONDE_USDT_LIB_LLD
  std::shared_ptr<const ElfFile> file = open_or_fail(SONDE_USDT_LIB_LLD);
  ASSERT_NE(file, nullptr);
  const ElfSymbol* add = file->find_function("sonde_lib_add");
  ASSERT_NE(add, nullptr);
  bool shifted = false;
  for (const LoadSegment& segment : file->layout().segments()) {
    if (add->address >= segment.vaddr &&
        add->address < segment.vaddr + segment.memsz) {
      shifted = segment.vaddr != segment.offset;
    }
  }
  EXPECT_TRUE(shifted) << "lld placed .text at p_vaddr == p_offset";
  check_library_offsets(SONDE_USDT_LIB_LLD);
#else
  GTEST_SKIP() << "ld.lld was not found when configuring";
#endif
}

TEST(ElfSymbols, OffsetInsideFunction) {
  std::shared_ptr<const ElfFile> file = open_or_fail(SONDE_USDT_PROG);
  ASSERT_NE(file, nullptr);
  const ElfSymbol* target = file->find_function("sonde_prog_target");
  ASSERT_NE(target, nullptr);
  Result<uint64_t> start = file->file_offset(*target);
  Result<uint64_t> inside = file->file_offset(*target, 2);
  ASSERT_TRUE(start && inside);
  EXPECT_EQ(*inside, *start + 2);
  Result<uint64_t> beyond = file->file_offset(*target, target->size);
  ASSERT_FALSE(bool(beyond));
  EXPECT_NE(error_text(beyond.takeError()).find("beyond the end"),
            std::string::npos);
}

TEST(ElfSymbols, FunctionAtAddress) {
  std::shared_ptr<const ElfFile> file = open_or_fail(SONDE_USDT_PROG);
  ASSERT_NE(file, nullptr);
  const ElfSymbol* target = file->find_function("sonde_prog_target");
  ASSERT_NE(target, nullptr);
  std::optional<SymbolHit> hit = file->function_at(target->address + 3);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->symbol, target);
  EXPECT_EQ(hit->offset, 3u);
  EXPECT_FALSE(file->function_at(0).has_value());
}

TEST(ElfSymbols, AddressLayoutTranslatesBothWays) {
  std::shared_ptr<const ElfFile> file = open_or_fail(SONDE_USDT_PROG_NOPIE);
  ASSERT_NE(file, nullptr);
  const AddressLayout& layout = file->layout();
  ASSERT_FALSE(layout.segments().empty());
  for (const LoadSegment& segment : layout.segments()) {
    Result<uint64_t> offset = layout.file_offset(segment.vaddr);
    ASSERT_TRUE(bool(offset));
    EXPECT_EQ(*offset, segment.offset);
    EXPECT_EQ(layout.vaddr_of_offset(segment.offset), segment.vaddr);
  }
  Result<uint64_t> unmapped = layout.file_offset(0x10);
  ASSERT_FALSE(bool(unmapped));
  EXPECT_NE(error_text(unmapped.takeError()).find("not in any loadable"),
            std::string::npos);
  ASSERT_NE(layout.section(".probes"), nullptr);
  EXPECT_EQ(layout.section_containing(layout.section(".probes")->addr),
            layout.section(".probes"));
}

TEST(Demangle, ItaniumRustAndPlainNames) {
  std::optional<DemangledName> cpp =
      demangle("_ZN10sonde_test5inner7computeEi");
  ASSERT_TRUE(cpp.has_value());
  EXPECT_EQ(cpp->signature, "sonde_test::inner::compute(int)");
  EXPECT_EQ(cpp->name, "sonde_test::inner::compute");

  std::optional<DemangledName> clone =
      demangle("_ZN10sonde_test5inner7computeEi.cold");
  ASSERT_TRUE(clone.has_value());
  EXPECT_EQ(clone->signature.rfind("sonde_test::inner::compute(int)", 0), 0u);

  std::optional<DemangledName> rust_v0 =
      demangle("_RNvNtCs1234_7mycrate5inner7example");
  ASSERT_TRUE(rust_v0.has_value());
  EXPECT_EQ(rust_v0->name, "mycrate::inner::example");

  std::optional<DemangledName> rust_legacy =
      demangle("_ZN7mycrate15Holder$LT$T$GT$3get17h0123456789abcdefE");
  ASSERT_TRUE(rust_legacy.has_value());
  EXPECT_EQ(rust_legacy->name, "mycrate::Holder<T>::get");

  EXPECT_FALSE(demangle("malloc").has_value());
  EXPECT_FALSE(demangle("_Znot_valid").has_value());
}

TEST(ElfSymbols, CppNamesLookUpDemangled) {
  std::shared_ptr<const ElfFile> file = open_or_fail(SONDE_CPP_PROG);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(names_of(*file, file->lookup("sonde_test::inner::compute",
                                         NameForm::Demangled)),
            (std::vector<std::string>{"sonde_test::inner::compute(double)",
                                      "sonde_test::inner::compute(int)"}));
  EXPECT_EQ(names_of(*file, file->lookup("sonde_test::inner::compute(int)",
                                         NameForm::Demangled)),
            (std::vector<std::string>{"sonde_test::inner::compute(int)"}));
  EXPECT_TRUE(file->lookup("sonde_test::inner::compute").empty());
  EXPECT_EQ(names_of(*file,
                     file->match("sonde_test::Widget::*", NameForm::Demangled)),
            (std::vector<std::string>{"sonde_test::Widget::make(int)",
                                      "sonde_test::Widget::poke(int) const"}));
  EXPECT_EQ(names_of(*file, file->match("sonde_test::twice*(long)",
                                        NameForm::Demangled)),
            (std::vector<std::string>{"sonde_test::twice<long>(long)"}));
  EXPECT_EQ(file->lookup("sonde_test::twice<int>", NameForm::Demangled).size(),
            1u);
  // C names are their own demangled form.
  const ElfSymbol* plain =
      file->find_function("sonde_plain_c", NameForm::Demangled);
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(file->display_name(*plain), "sonde_plain_c");
  EXPECT_EQ(file->demangled(*plain), nullptr);
}

TEST(ElfSymbols, VersionedLibcSymbols) {
  Result<std::string> libc = resolve_library("libc");
  ASSERT_TRUE(bool(libc)) << error_text(libc.takeError());
  std::shared_ptr<const ElfFile> file = open_or_fail(*libc);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->soname(), "libc.so.6");
  std::vector<const ElfSymbol*> realpath = file->lookup("realpath");
  ASSERT_GE(realpath.size(), 2u);
  const ElfSymbol* chosen = file->find_function("realpath");
  ASSERT_NE(chosen, nullptr);
  EXPECT_FALSE(chosen->hidden_version);
  EXPECT_FALSE(chosen->version.empty());
  EXPECT_TRUE(std::any_of(
      realpath.begin(), realpath.end(),
      [](const ElfSymbol* symbol) { return symbol->hidden_version; }));
  const ElfSymbol* malloc = file->find_function("malloc");
  ASSERT_NE(malloc, nullptr);
  EXPECT_EQ(malloc->version, "GLIBC_2.2.5");
}

TEST(ElfSymbols, CacheReusesUnchangedFiles) {
  std::shared_ptr<const ElfFile> first = open_or_fail(SONDE_USDT_LIB);
  std::shared_ptr<const ElfFile> second = open_or_fail(SONDE_USDT_LIB);
  EXPECT_EQ(first, second);
  Result<std::shared_ptr<const ElfFile>> fresh = ElfFile::load(SONDE_USDT_LIB);
  ASSERT_TRUE(bool(fresh));
  EXPECT_NE(first, *fresh);
  // A rewritten file (new mtime and inode) is read again.
  std::string copy = ::testing::TempDir() + "sonde_cache_copy.so";
  std::filesystem::copy_file(SONDE_USDT_LIB, copy,
                             std::filesystem::copy_options::overwrite_existing);
  std::shared_ptr<const ElfFile> before = open_or_fail(copy);
  std::filesystem::remove(copy);
  std::filesystem::copy_file(SONDE_USDT_PROG, copy);
  std::shared_ptr<const ElfFile> after = open_or_fail(copy);
  ASSERT_NE(after, nullptr);
  EXPECT_NE(before, after);
  EXPECT_NE(after->find_function("sonde_prog_target"), nullptr);
  std::filesystem::remove(copy);
}

TEST(ElfSymbols, StrippedBinaryUsesDebugFile) {
#ifdef SONDE_CPP_PROG_STRIPPED
  std::shared_ptr<const ElfFile> stripped =
      open_or_fail(SONDE_CPP_PROG_STRIPPED);
  std::shared_ptr<const ElfFile> full = open_or_fail(SONDE_CPP_PROG);
  ASSERT_NE(stripped, nullptr);
  ASSERT_NE(full, nullptr);
  EXPECT_NE(stripped->debug_file(), "");
  EXPECT_EQ(stripped->build_id(), full->build_id());
  ASSERT_TRUE(full->build_id().has_value());
  const ElfSymbol* in_stripped = stripped->find_function("sonde_plain_c");
  const ElfSymbol* in_full = full->find_function("sonde_plain_c");
  ASSERT_NE(in_stripped, nullptr);
  ASSERT_NE(in_full, nullptr);
  EXPECT_EQ(in_stripped->address, in_full->address);
  EXPECT_EQ(
      stripped->lookup("sonde_test::Widget::poke", NameForm::Demangled).size(),
      1u);
#else
  GTEST_SKIP() << "objcopy was not found when configuring";
#endif
}

// Truncated and corrupted copies of a real binary must yield errors or
// partial results, never crashes (run under ASan in the sanitizer job).
TEST(ElfSymbols, SurvivesMalformedFiles) {
  std::optional<std::string> original = read_file(SONDE_USDT_PROG);
  ASSERT_TRUE(original.has_value());
  std::string path = ::testing::TempDir() + "sonde_malformed.elf";
  auto check = [&](const std::string& bytes) {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    Result<std::shared_ptr<const ElfFile>> file = ElfFile::load(path);
    if (file) {
      for (const ElfSymbol& symbol : (*file)->symbols()) {
        Result<uint64_t> offset = (*file)->file_offset(symbol);
        if (!offset) {
          llvm::consumeError(offset.takeError());
        }
      }
      (void)(*file)->match("*", NameForm::Demangled);
    } else {
      EXPECT_FALSE(error_text(file.takeError()).empty());
    }
    Result<std::vector<UsdtProbe>> probes = read_usdt_probes(path);
    if (!probes) {
      EXPECT_FALSE(error_text(probes.takeError()).empty());
    }
  };
  check("");
  check("\x7f"
        "ELF");
  for (size_t size : {size_t{16}, size_t{64}, size_t{100}, size_t{1000},
                      original->size() / 2, original->size() - 1}) {
    check(original->substr(0, size));
  }
  // Aim most flips at the ELF header and the section header table, where
  // the offsets and counts are.
  uint64_t shoff = 0;
  std::memcpy(&shoff, original->data() + 0x28, sizeof(shoff));
  ASSERT_LT(shoff, original->size());
  std::mt19937 random(1234);
  for (int round = 0; round < 300; ++round) {
    std::string bytes = *original;
    for (int flip = 0; flip < 12; ++flip) {
      size_t at = 0;
      switch (flip % 3) {
      case 0:
        at = random() % 64;
        break;
      case 1:
        at = shoff + random() % (bytes.size() - shoff);
        break;
      default:
        at = random() % bytes.size();
        break;
      }
      bytes[at] = static_cast<char>(random());
    }
    check(bytes);
  }
  std::filesystem::remove(path);
}

} // namespace
} // namespace sonde::symbols
