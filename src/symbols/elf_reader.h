// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include <cstdint>
#include <gelf.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The low layer under ELF symbols and USDT notes: an owned libelf handle
// with the checks every reader needs, and the address layout of an object
// (how link-time virtual addresses map to file offsets, the unit in which
// the kernel takes uprobe offsets and uprobe reference counter offsets).
namespace sonde::symbols {

// A PT_LOAD program header: `filesz` bytes at file `offset` are mapped at
// link-time address `vaddr`; the rest of `memsz` is zero-filled.
struct LoadSegment {
  uint64_t vaddr = 0;
  uint64_t memsz = 0;
  uint64_t offset = 0;
  uint64_t filesz = 0;
  // PF_R / PF_W / PF_X.
  uint32_t flags = 0;
};

// A section that occupies memory at run time (SHF_ALLOC).
struct SectionRange {
  std::string name;
  uint64_t addr = 0;
  uint64_t size = 0;
  uint64_t offset = 0;
  // SHT_NOBITS sections (.bss) have no bytes in the file.
  bool has_file_bytes = true;
};

// How an object's link-time addresses relate to its file offsets. Built from
// the PT_LOAD segments; objects without program headers (relocatables with
// addresses, some debug files) fall back to their allocated sections.
class AddressLayout {
public:
  AddressLayout() = default;
  // `path` only names the object in error messages.
  AddressLayout(std::string path,
                std::vector<LoadSegment> segments,
                std::vector<SectionRange> sections);

  // The file offset of the byte at link-time address `vaddr`, through the
  // PT_LOAD segment that contains it: offset = vaddr - p_vaddr + p_offset.
  // This is right for PIE and non-PIE objects alike and for segments whose
  // p_vaddr differs from p_offset (lld layouts, prelinked libraries). Fails
  // when no segment (or section) holds the address in its file-backed part.
  Result<uint64_t> file_offset(uint64_t vaddr) const;

  // The offset the kernel's address arithmetic gives `vaddr`
  // (vaddr - p_vaddr + p_offset of the PT_LOAD segment whose memory range
  // holds it), even in the zero-filled tail of a segment. This is how a
  // uprobe reference counter in .bss is expressed. Falls back to allocated
  // sections when there are no segments.
  Result<uint64_t> mapped_offset(uint64_t vaddr) const;

  // The reverse: the link-time address where file offset `offset` is mapped,
  // or nullopt when no PT_LOAD segment maps it.
  std::optional<uint64_t> vaddr_of_offset(uint64_t offset) const;

  // The allocated section whose address range holds `vaddr`, if any.
  const SectionRange* section_containing(uint64_t vaddr) const;
  // The allocated section with this name, if any.
  const SectionRange* section(std::string_view name) const;

  const std::vector<LoadSegment>& segments() const { return segments_; }
  const std::vector<SectionRange>& sections() const { return sections_; }

private:
  std::string path_;
  std::vector<LoadSegment> segments_;
  std::vector<SectionRange> sections_;
};

// An open ELF file: owns the descriptor and the libelf handle, which maps
// the file (ELF_C_READ_MMAP) rather than reading it. Move-only. Every
// accessor checks libelf's answer, so truncated or corrupt files produce
// errors, never crashes.
class ElfReader {
public:
  // Opens `path` and checks that it is an ELF file with a readable header.
  // Errors name the path and say whether it could not be opened, is not ELF
  // or is malformed.
  static Result<ElfReader> open(const std::string& path);

  ElfReader(ElfReader&& other) noexcept;
  ElfReader& operator=(ElfReader&& other) noexcept;
  ElfReader(const ElfReader&) = delete;
  ElfReader& operator=(const ElfReader&) = delete;
  ~ElfReader();

  const std::string& path() const { return path_; }
  Elf* elf() const { return elf_; }
  const GElf_Ehdr& header() const { return header_; }
  // ELFCLASS32 or ELFCLASS64.
  int elf_class() const { return header_.e_ident[EI_CLASS]; }

  // The program headers (all types), read once at open.
  const std::vector<GElf_Phdr>& program_headers() const { return phdrs_; }

  // One section header with its name.
  struct Section {
    Elf_Scn* scn = nullptr;
    size_t index = 0;
    std::string name;
    GElf_Shdr header{};
  };
  // Every section, read once at open (empty when the file has none).
  const std::vector<Section>& sections() const { return sections_; }
  // The first section with this name, if any.
  const Section* section(std::string_view name) const;
  // The first section of this type (SHT_*), if any.
  const Section* section_of_type(uint32_t type) const;

  // The section's bytes. Fails for SHT_NOBITS, for ranges outside the file
  // and for anything else libelf rejects.
  Result<Elf_Data*> data(const Section& section) const;

  // The string at `offset` in string table section `strtab_index`, or
  // nullopt when the index or offset is out of range.
  std::optional<std::string_view> string_at(size_t strtab_index,
                                            size_t offset) const;

  // The layout built from this file's PT_LOAD headers and allocated
  // sections.
  AddressLayout layout() const;

  // The GNU build id (NT_GNU_BUILD_ID note) as lower-case hex, if present.
  std::optional<std::string> build_id() const;

  // The value of the first dynamic-section entry with this tag (DT_*), or
  // nullopt when the file has no such entry or no dynamic section.
  std::optional<uint64_t> dynamic_value(int64_t tag) const;

  // DT_SONAME, if the object has one.
  std::optional<std::string> soname() const;

private:
  ElfReader() = default;
  // Closes the handle and descriptor, if any.
  void reset();

  std::string path_;
  int fd_ = -1;
  Elf* elf_ = nullptr;
  GElf_Ehdr header_{};
  std::vector<GElf_Phdr> phdrs_;
  std::vector<Section> sections_;
};

// What identifies one version of a file on disk, for caches keyed by path:
// a rebuilt or replaced binary differs in inode, size or mtime.
struct FileStamp {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;

  // The stamp of `path` (following symlinks), or nullopt if stat fails.
  static std::optional<FileStamp> of(const std::string& path);
  bool operator==(const FileStamp&) const = default;
};

// Whether the file starts with the ELF magic; reads four bytes.
bool has_elf_magic(const std::string& path);

// Formats `value` as 0x-prefixed lower-case hex, for messages.
std::string hex(uint64_t value);

} // namespace sonde::symbols
