// SPDX-License-Identifier: Apache-2.0
#include "symbols/elf_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sonde::symbols {

namespace {

// libelf refuses to work until the application states the ELF version it
// understands; this must happen once per process before elf_begin.
bool init_libelf() {
  static const bool ok = elf_version(EV_CURRENT) != EV_NONE;
  return ok;
}

std::string libelf_error() {
  const char* message = elf_errmsg(-1);
  return message != nullptr ? message : "unknown libelf error";
}

} // namespace

std::string hex(uint64_t value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "0x%llx",
                static_cast<unsigned long long>(value));
  return buffer;
}

AddressLayout::AddressLayout(std::string path,
                             std::vector<LoadSegment> segments,
                             std::vector<SectionRange> sections)
    : path_(std::move(path)), segments_(std::move(segments)),
      sections_(std::move(sections)) {}

Result<uint64_t> AddressLayout::file_offset(uint64_t vaddr) const {
  for (const LoadSegment& segment : segments_) {
    if (vaddr < segment.vaddr || vaddr - segment.vaddr >= segment.memsz) {
      continue;
    }
    uint64_t delta = vaddr - segment.vaddr;
    if (delta >= segment.filesz) {
      return make_error("address " + hex(vaddr) + " in " + path_ +
                        " is in zero-filled memory and has no file offset");
    }
    return segment.offset + delta;
  }
  // Without program headers, the allocated sections are the only map.
  if (segments_.empty()) {
    if (const SectionRange* section = section_containing(vaddr)) {
      if (!section->has_file_bytes) {
        return make_error("address " + hex(vaddr) + " in " + path_ +
                          " is in section " + section->name +
                          ", which has no bytes in the file");
      }
      return section->offset + (vaddr - section->addr);
    }
  }
  return make_error("address " + hex(vaddr) +
                    " is not in any loadable segment of " + path_);
}

Result<uint64_t> AddressLayout::mapped_offset(uint64_t vaddr) const {
  for (const LoadSegment& segment : segments_) {
    if (vaddr >= segment.vaddr && vaddr - segment.vaddr < segment.memsz) {
      return segment.offset + (vaddr - segment.vaddr);
    }
  }
  if (segments_.empty()) {
    if (const SectionRange* section = section_containing(vaddr)) {
      return section->offset + (vaddr - section->addr);
    }
  }
  return make_error("address " + hex(vaddr) +
                    " is not in any loadable segment of " + path_);
}

std::optional<uint64_t> AddressLayout::vaddr_of_offset(uint64_t offset) const {
  for (const LoadSegment& segment : segments_) {
    if (offset >= segment.offset && offset - segment.offset < segment.filesz) {
      return segment.vaddr + (offset - segment.offset);
    }
  }
  return std::nullopt;
}

const SectionRange* AddressLayout::section_containing(uint64_t vaddr) const {
  for (const SectionRange& section : sections_) {
    if (vaddr >= section.addr && vaddr - section.addr < section.size) {
      return &section;
    }
  }
  return nullptr;
}

const SectionRange* AddressLayout::section(std::string_view name) const {
  for (const SectionRange& section : sections_) {
    if (section.name == name) {
      return &section;
    }
  }
  return nullptr;
}

Result<ElfReader> ElfReader::open(const std::string& path) {
  if (!init_libelf()) {
    return make_error("libelf initialisation failed: " + libelf_error());
  }
  ElfReader reader;
  reader.path_ = path;
  // O_NONBLOCK keeps a FIFO given as a "binary" from blocking the open.
  reader.fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (reader.fd_ < 0) {
    return make_error("cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(reader.fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(path + " is not a regular file");
  }
  reader.elf_ = elf_begin(reader.fd_, ELF_C_READ_MMAP, nullptr);
  if (reader.elf_ == nullptr) {
    return make_error("cannot read " + path + ": " + libelf_error());
  }
  if (elf_kind(reader.elf_) != ELF_K_ELF) {
    return make_error(path + " is not an ELF file");
  }
  if (gelf_getehdr(reader.elf_, &reader.header_) == nullptr) {
    return make_error(path + " has a malformed ELF header: " + libelf_error());
  }

  // Headers are copied out once: every later question (layout, kind,
  // notes) needs them, and copies cannot dangle when libelf is closed.
  size_t phnum = 0;
  if (elf_getphdrnum(reader.elf_, &phnum) != 0) {
    return make_error(path +
                      " has malformed program headers: " + libelf_error());
  }
  reader.phdrs_.reserve(phnum);
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr phdr;
    if (gelf_getphdr(reader.elf_, static_cast<int>(i), &phdr) == nullptr) {
      return make_error(path +
                        " has a malformed program header: " + libelf_error());
    }
    reader.phdrs_.push_back(phdr);
  }

  // Section names are optional: a file with a broken or missing name table
  // still has usable program headers, so names just stay empty.
  size_t shstrndx = 0;
  bool have_names = elf_getshdrstrndx(reader.elf_, &shstrndx) == 0;
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(reader.elf_, scn)) != nullptr) {
    Section section;
    section.scn = scn;
    section.index = elf_ndxscn(scn);
    if (gelf_getshdr(scn, &section.header) == nullptr) {
      return make_error(path +
                        " has a malformed section header: " + libelf_error());
    }
    if (have_names) {
      if (const char* name =
              elf_strptr(reader.elf_, shstrndx, section.header.sh_name)) {
        section.name = name;
      }
    }
    reader.sections_.push_back(std::move(section));
  }
  return reader;
}

ElfReader::ElfReader(ElfReader&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), elf_(other.elf_),
      header_(other.header_), phdrs_(std::move(other.phdrs_)),
      sections_(std::move(other.sections_)) {
  other.fd_ = -1;
  other.elf_ = nullptr;
}

ElfReader& ElfReader::operator=(ElfReader&& other) noexcept {
  if (this != &other) {
    reset();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    elf_ = other.elf_;
    header_ = other.header_;
    phdrs_ = std::move(other.phdrs_);
    sections_ = std::move(other.sections_);
    other.fd_ = -1;
    other.elf_ = nullptr;
  }
  return *this;
}

ElfReader::~ElfReader() { reset(); }

void ElfReader::reset() {
  if (elf_ != nullptr) {
    elf_end(elf_);
    elf_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

const ElfReader::Section* ElfReader::section(std::string_view name) const {
  for (const Section& section : sections_) {
    if (section.name == name) {
      return &section;
    }
  }
  return nullptr;
}

const ElfReader::Section* ElfReader::section_of_type(uint32_t type) const {
  for (const Section& section : sections_) {
    if (section.header.sh_type == type) {
      return &section;
    }
  }
  return nullptr;
}

Result<Elf_Data*> ElfReader::data(const Section& section) const {
  if (section.header.sh_type == SHT_NOBITS) {
    return make_error("section " + section.name + " of " + path_ +
                      " has no bytes in the file");
  }
  // libelf checks the section's range against the file size here, which
  // is what makes truncated files fail cleanly rather than fault.
  Elf_Data* data = elf_getdata(section.scn, nullptr);
  if (data == nullptr) {
    return make_error("cannot read section " + section.name + " of " + path_ +
                      ": " + libelf_error());
  }
  if (data->d_buf == nullptr && data->d_size != 0) {
    return make_error("section " + section.name + " of " + path_ +
                      " has no data");
  }
  return data;
}

std::optional<std::string_view> ElfReader::string_at(size_t strtab_index,
                                                     size_t offset) const {
  const char* text = elf_strptr(elf_, strtab_index, offset);
  if (text == nullptr) {
    return std::nullopt;
  }
  return std::string_view(text);
}

AddressLayout ElfReader::layout() const {
  std::vector<LoadSegment> segments;
  for (const GElf_Phdr& phdr : phdrs_) {
    if (phdr.p_type != PT_LOAD) {
      continue;
    }
    // A segment claiming more file bytes than memory is malformed; clamp so
    // translation never yields offsets outside what is mapped.
    uint64_t filesz = std::min(phdr.p_filesz, phdr.p_memsz);
    segments.push_back(
        {phdr.p_vaddr, phdr.p_memsz, phdr.p_offset, filesz, phdr.p_flags});
  }
  std::vector<SectionRange> sections;
  // Sections are a fallback map for files without program headers, and
  // name the place of an address (.probes, .bss) in messages.
  for (const Section& section : sections_) {
    if ((section.header.sh_flags & SHF_ALLOC) == 0 ||
        section.header.sh_size == 0) {
      continue;
    }
    sections.push_back({section.name, section.header.sh_addr,
                        section.header.sh_size, section.header.sh_offset,
                        section.header.sh_type != SHT_NOBITS});
  }
  return AddressLayout(path_, std::move(segments), std::move(sections));
}

std::optional<std::string> ElfReader::build_id() const {
  // The note lives in its own section in almost every file; stripped files
  // without section headers still have it under a PT_NOTE segment.
  auto scan = [](Elf_Data* data) -> std::optional<std::string> {
    size_t offset = 0;
    GElf_Nhdr note;
    size_t name_offset = 0;
    size_t desc_offset = 0;
    while (offset < data->d_size) {
      size_t next =
          gelf_getnote(data, offset, &note, &name_offset, &desc_offset);
      if (next == 0) {
        break;
      }
      const char* bytes = static_cast<const char*>(data->d_buf);
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
          std::memcmp(bytes + name_offset, "GNU", 4) == 0) {
        std::string id;
        static const char kDigits[] = "0123456789abcdef";
        for (size_t i = 0; i < note.n_descsz; ++i) {
          auto byte = static_cast<unsigned char>(bytes[desc_offset + i]);
          id += kDigits[byte >> 4];
          id += kDigits[byte & 15];
        }
        return id;
      }
      offset = next;
    }
    return std::nullopt;
  };
  for (const Section& section : sections_) {
    if (section.header.sh_type != SHT_NOTE) {
      continue;
    }
    Elf_Data* data = elf_getdata(section.scn, nullptr);
    if (data == nullptr || data->d_buf == nullptr) {
      continue;
    }
    if (auto id = scan(data)) {
      return id;
    }
  }
  for (const GElf_Phdr& phdr : phdrs_) {
    if (phdr.p_type != PT_NOTE) {
      continue;
    }
    Elf_Data* data =
        elf_getdata_rawchunk(elf_, phdr.p_offset, phdr.p_filesz,
                             phdr.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
    if (data == nullptr || data->d_buf == nullptr) {
      continue;
    }
    if (auto id = scan(data)) {
      return id;
    }
  }
  return std::nullopt;
}

std::optional<uint64_t> ElfReader::dynamic_value(int64_t tag) const {
  const Section* dynamic = section_of_type(SHT_DYNAMIC);
  if (dynamic == nullptr) {
    return std::nullopt;
  }
  Elf_Data* data = elf_getdata(dynamic->scn, nullptr);
  if (data == nullptr || data->d_buf == nullptr) {
    return std::nullopt;
  }
  size_t entry_size = gelf_fsize(elf_, ELF_T_DYN, 1, EV_CURRENT);
  if (entry_size == 0) {
    return std::nullopt;
  }
  size_t count = data->d_size / entry_size;
  for (size_t i = 0; i < count; ++i) {
    GElf_Dyn dyn;
    if (gelf_getdyn(data, static_cast<int>(i), &dyn) == nullptr ||
        dyn.d_tag == DT_NULL) {
      break;
    }
    if (dyn.d_tag == tag) {
      return dyn.d_un.d_val;
    }
  }
  return std::nullopt;
}

std::optional<std::string> ElfReader::soname() const {
  std::optional<uint64_t> offset = dynamic_value(DT_SONAME);
  const Section* dynamic = section_of_type(SHT_DYNAMIC);
  if (!offset || dynamic == nullptr) {
    return std::nullopt;
  }
  std::optional<std::string_view> name =
      string_at(dynamic->header.sh_link, *offset);
  if (!name) {
    return std::nullopt;
  }
  return std::string(*name);
}

std::optional<FileStamp> FileStamp::of(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return FileStamp{static_cast<uint64_t>(st.st_dev),
                   static_cast<uint64_t>(st.st_ino),
                   static_cast<int64_t>(st.st_size),
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                       st.st_mtim.tv_nsec};
}

bool has_elf_magic(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return false;
  }
  unsigned char magic[SELFMAG];
  ssize_t got = ::read(fd, magic, sizeof(magic));
  ::close(fd);
  return got == SELFMAG && std::memcmp(magic, ELFMAG, SELFMAG) == 0;
}

} // namespace sonde::symbols
