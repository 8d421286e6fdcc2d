// SPDX-License-Identifier: Apache-2.0
#include "symbols/split_dwarf.h"

#include "symbols/elf_reader.h"

#include <cstring>
#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

namespace sonde::symbols {

namespace {

uint32_t read_u32(std::string_view bytes, size_t offset) {
  uint32_t value = 0;
  std::memcpy(&value, bytes.data() + offset, sizeof(value));
  return value;
}

// The section a DW_SECT_* column of a unit index names, by index version
// (5: DWARF 5; 2: the GNU extension for DWARF 4). Empty for columns that
// do not matter here.
const char* section_name(uint32_t version, uint32_t id) {
  if (version == 5) {
    switch (id) {
    case 1:
      return ".debug_info.dwo";
    case 3:
      return ".debug_abbrev.dwo";
    case 4:
      return ".debug_line.dwo";
    case 5:
      return ".debug_loclists.dwo";
    case 6:
      return ".debug_str_offsets.dwo";
    case 7:
      return ".debug_macro.dwo";
    case 8:
      return ".debug_rnglists.dwo";
    default:
      return "";
    }
  }
  switch (id) {
  case 1:
    return ".debug_info.dwo";
  case 3:
    return ".debug_abbrev.dwo";
  case 4:
    return ".debug_line.dwo";
  case 5:
    return ".debug_loc.dwo";
  case 6:
    return ".debug_str_offsets.dwo";
  case 8:
    return ".debug_macro.dwo";
  default:
    return "";
  }
}

template <typename T> void append(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(value));
}

} // namespace

std::string make_dwo_image(uint16_t machine,
                           const std::vector<DwoSection>& sections) {
  // Layout: header, section bytes, .shstrtab, section headers.
  std::string names(1, '\0');
  std::vector<uint32_t> name_offsets;
  for (const DwoSection& section : sections) {
    name_offsets.push_back(static_cast<uint32_t>(names.size()));
    names += section.name;
    names += '\0';
  }
  uint32_t shstrtab_name = static_cast<uint32_t>(names.size());
  names += ".shstrtab";
  names += '\0';

  std::string body;
  std::vector<uint64_t> offsets;
  for (const DwoSection& section : sections) {
    offsets.push_back(sizeof(Elf64_Ehdr) + body.size());
    body.append(section.bytes);
  }
  uint64_t names_offset = sizeof(Elf64_Ehdr) + body.size();
  body += names;
  while (body.size() % 8 != 0) {
    body += '\0';
  }
  uint64_t headers_offset = sizeof(Elf64_Ehdr) + body.size();

  Elf64_Ehdr header{};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_ident[EI_DATA] = ELFDATA2LSB;
  header.e_ident[EI_VERSION] = EV_CURRENT;
  header.e_type = ET_REL;
  header.e_machine = machine;
  header.e_version = EV_CURRENT;
  header.e_shoff = headers_offset;
  header.e_ehsize = sizeof(Elf64_Ehdr);
  header.e_shentsize = sizeof(Elf64_Shdr);
  header.e_shnum = static_cast<uint16_t>(sections.size() + 2);
  header.e_shstrndx = static_cast<uint16_t>(sections.size() + 1);

  std::string image;
  append(image, header);
  image += body;
  append(image, Elf64_Shdr{});
  for (size_t i = 0; i < sections.size(); ++i) {
    Elf64_Shdr section{};
    section.sh_name = name_offsets[i];
    section.sh_type = SHT_PROGBITS;
    section.sh_offset = offsets[i];
    section.sh_size = sections[i].bytes.size();
    section.sh_addralign = 1;
    append(image, section);
  }
  Elf64_Shdr strings{};
  strings.sh_name = shstrtab_name;
  strings.sh_type = SHT_STRTAB;
  strings.sh_offset = names_offset;
  strings.sh_size = names.size();
  strings.sh_addralign = 1;
  append(image, strings);
  return image;
}

Result<std::vector<std::string>> dwp_unit_images(const std::string& path) {
  Result<ElfReader> reader = ElfReader::open(path);
  if (!reader) {
    return reader.takeError();
  }
  auto bytes_of = [&](const char* name) -> std::string_view {
    const ElfReader::Section* section = reader->section(name);
    if (section == nullptr) {
      return {};
    }
    Result<Elf_Data*> data = reader->data(*section);
    if (!data) {
      llvm::consumeError(data.takeError());
      return {};
    }
    return {static_cast<const char*>((*data)->d_buf), (*data)->d_size};
  };
  std::string_view index = bytes_of(".debug_cu_index");
  if (index.size() < 16) {
    return make_error(path + " is not a DWARF package: it has no "
                             ".debug_cu_index");
  }
  uint32_t version = read_u32(index, 0) & 0xffff;
  uint32_t columns = read_u32(index, 4);
  uint32_t units = read_u32(index, 8);
  uint32_t slots = read_u32(index, 12);
  // Header, hash and row tables, section ids, offsets, sizes.
  uint64_t ids_at = 16 + uint64_t{slots} * 12;
  uint64_t offsets_at = ids_at + uint64_t{columns} * 4;
  uint64_t sizes_at = offsets_at + uint64_t{units} * columns * 4;
  uint64_t end = sizes_at + uint64_t{units} * columns * 4;
  if ((version != 5 && version != 2) || columns == 0 || columns > 16 ||
      end > index.size()) {
    return make_error(path + ": unsupported or malformed .debug_cu_index");
  }
  std::string_view strings = bytes_of(".debug_str.dwo");
  std::vector<std::string> images;
  for (uint32_t unit = 0; unit < units; ++unit) {
    std::vector<DwoSection> sections;
    bool valid = true;
    for (uint32_t column = 0; column < columns; ++column) {
      const char* name =
          section_name(version, read_u32(index, ids_at + column * 4));
      uint64_t cell = (uint64_t{unit} * columns + column) * 4;
      uint32_t offset = read_u32(index, offsets_at + cell);
      uint32_t size = read_u32(index, sizes_at + cell);
      if (name[0] == '\0') {
        continue;
      }
      std::string_view whole = bytes_of(name);
      if (uint64_t{offset} + size > whole.size()) {
        valid = false;
        break;
      }
      sections.push_back({name, whole.substr(offset, size)});
    }
    if (!valid) {
      continue;
    }
    if (!strings.empty()) {
      sections.push_back({".debug_str.dwo", strings});
    }
    images.push_back(make_dwo_image(reader->header().e_machine, sections));
  }
  return images;
}

int image_descriptor(const std::string& image) {
  int fd = memfd_create("sonde-dwo", MFD_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  size_t written = 0;
  while (written < image.size()) {
    ssize_t n = ::write(fd, image.data() + written, image.size() - written);
    if (n <= 0) {
      close(fd);
      return -1;
    }
    written += static_cast<size_t>(n);
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

} // namespace sonde::symbols
