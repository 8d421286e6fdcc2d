// SPDX-License-Identifier: Apache-2.0
#include "symbols/usdt_notes.h"

#include "symbols/elf_reader.h"
#include "symbols/elf_symbols.h"
#include "symbols/proc_maps.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <map>
#include <mutex>

namespace sonde::symbols {

namespace {

// NT_STAPSDT, the note type <sys/sdt.h> uses, with owner "stapsdt".
constexpr uint32_t kStapsdtNoteType = 3;

// One general register of x86_64: its struct pt_regs field and offset
// (arch/x86/include/asm/ptrace.h) and its names by width.
struct RegisterFamily {
  std::string_view field;
  uint16_t offset;
  // 64-, 32-, 16- and 8-bit names; the legacy high-byte name, if any.
  std::array<std::string_view, 4> names;
  std::string_view high_byte;
};

constexpr RegisterFamily kRegisters[] = {
    {"r15", 0, {"r15", "r15d", "r15w", "r15b"}, ""},
    {"r14", 8, {"r14", "r14d", "r14w", "r14b"}, ""},
    {"r13", 16, {"r13", "r13d", "r13w", "r13b"}, ""},
    {"r12", 24, {"r12", "r12d", "r12w", "r12b"}, ""},
    {"bp", 32, {"rbp", "ebp", "bp", "bpl"}, ""},
    {"bx", 40, {"rbx", "ebx", "bx", "bl"}, "bh"},
    {"r11", 48, {"r11", "r11d", "r11w", "r11b"}, ""},
    {"r10", 56, {"r10", "r10d", "r10w", "r10b"}, ""},
    {"r9", 64, {"r9", "r9d", "r9w", "r9b"}, ""},
    {"r8", 72, {"r8", "r8d", "r8w", "r8b"}, ""},
    {"ax", 80, {"rax", "eax", "ax", "al"}, "ah"},
    {"cx", 88, {"rcx", "ecx", "cx", "cl"}, "ch"},
    {"dx", 96, {"rdx", "edx", "dx", "dl"}, "dh"},
    {"si", 104, {"rsi", "esi", "si", "sil"}, ""},
    {"di", 112, {"rdi", "edi", "di", "dil"}, ""},
    {"ip", 128, {"rip", "eip", "ip", ""}, ""},
    {"sp", 152, {"rsp", "esp", "sp", "spl"}, ""},
};

Result<int64_t> parse_integer(std::string_view text, std::string_view spec) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    base = 16;
    text.remove_prefix(2);
  }
  uint64_t magnitude = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (text.empty() || error != std::errc() ||
      end != text.data() + text.size()) {
    return make_error("invalid number '" + std::string(text) +
                      "' in USDT argument '" + std::string(spec) + "'");
  }
  // Two's complement wrap-around is intended: "$0xffffffffffffffff" and
  // "$-1" are the same 8-byte immediate.
  uint64_t value = negative ? 0 - magnitude : magnitude;
  return static_cast<int64_t>(value);
}

Result<UsdtRegister> parse_register(std::string_view text,
                                    std::string_view spec) {
  if (!text.starts_with("%")) {
    return make_error("expected a register in USDT argument '" +
                      std::string(spec) + "', found '" + std::string(text) +
                      "'");
  }
  text.remove_prefix(1);
  if (std::optional<UsdtRegister> reg = x86_64_register(text)) {
    return *reg;
  }
  return make_error("unknown register '%" + std::string(text) +
                    "' in USDT argument '" + std::string(spec) + "'");
}

bool is_number_start(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+';
}

// Splits a displacement into symbol and addend: "counter+8" -> ("counter",
// 8), "-16" -> ("", -16).
Result<std::pair<std::string, int64_t>>
parse_displacement(std::string_view text, std::string_view spec) {
  if (text.empty()) {
    return std::make_pair(std::string(), int64_t{0});
  }
  if (is_number_start(text.front())) {
    Result<int64_t> value = parse_integer(text, spec);
    if (!value) {
      return value.takeError();
    }
    return std::make_pair(std::string(), *value);
  }
  int64_t addend = 0;
  size_t sign = text.find_last_of("+-");
  if (sign != std::string_view::npos && sign > 0) {
    Result<int64_t> value = parse_integer(text.substr(sign), spec);
    if (!value) {
      return value.takeError();
    }
    addend = *value;
    text = text.substr(0, sign);
  }
  // Assembler symbol characters; anything else means a malformed operand.
  auto is_symbol_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '.' || c == '$' || c == '@';
  };
  if (std::isdigit(static_cast<unsigned char>(text.front())) ||
      !std::all_of(text.begin(), text.end(), is_symbol_char)) {
    return make_error("invalid operand '" + std::string(text) +
                      "' in USDT argument '" + std::string(spec) + "'");
  }
  return std::make_pair(std::string(text), addend);
}

// Reads an address-sized field of a note in the file's byte order.
uint64_t read_address(const unsigned char* bytes, size_t size, bool big) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    size_t index = big ? i : size - 1 - i;
    value = (value << 8) | bytes[index];
  }
  return value;
}

// Fills in the link-time addresses of Symbol arguments from the object's
// symbol table.
void resolve_symbols(const std::string& path, std::vector<UsdtProbe>& probes) {
  std::shared_ptr<const ElfFile> file;
  for (UsdtProbe& probe : probes) {
    for (UsdtArg& arg : probe.args) {
      if (arg.kind != UsdtArgKind::Symbol) {
        continue;
      }
      if (!file) {
        Result<std::shared_ptr<const ElfFile>> opened = ElfFile::open(path);
        if (!opened) {
          llvm::consumeError(opened.takeError());
          return;
        }
        file = *opened;
      }
      std::vector<const ElfSymbol*> found =
          file->lookup(arg.symbol, NameForm::Raw, /*functions_only=*/false);
      if (found.size() == 1) {
        arg.symbol_address = found.front()->address;
      }
    }
  }
}

struct CacheEntry {
  FileStamp stamp;
  std::shared_ptr<const std::vector<UsdtProbe>> probes;
};

} // namespace

std::optional<UsdtRegister> x86_64_register(std::string_view name) {
  static constexpr uint8_t kWidths[] = {8, 4, 2, 1};
  for (const RegisterFamily& family : kRegisters) {
    UsdtRegister reg;
    reg.pt_regs_name = std::string(family.field);
    reg.pt_regs_offset = family.offset;
    reg.pt_regs_index = static_cast<uint8_t>(family.offset / 8);
    reg.name = std::string(name);
    for (size_t i = 0; i < family.names.size(); ++i) {
      if (!family.names[i].empty() && family.names[i] == name) {
        reg.width = kWidths[i];
        return reg;
      }
    }
    if (!family.high_byte.empty() && family.high_byte == name) {
      reg.width = 1;
      reg.shift = 8;
      return reg;
    }
    // The assembler also accepts "r8l" for the low byte "r8b".
    if (family.names[0].starts_with("r") && family.names[3].ends_with("b") &&
        name.ends_with("l") &&
        name.substr(0, name.size() - 1) == family.names[0]) {
      reg.width = 1;
      return reg;
    }
  }
  return std::nullopt;
}

Result<UsdtArg> parse_usdt_arg_x86_64(std::string_view spec) {
  UsdtArg arg;
  arg.spec = std::string(spec);
  std::string_view operand = spec;
  size_t at = spec.find('@');
  if (at != std::string_view::npos) {
    std::string_view size_text = spec.substr(0, at);
    operand = spec.substr(at + 1);
    if (size_text.starts_with("-")) {
      arg.is_signed = true;
      size_text.remove_prefix(1);
    }
    if (size_text != "1" && size_text != "2" && size_text != "4" &&
        size_text != "8") {
      return make_error("invalid size '" + std::string(spec.substr(0, at)) +
                        "' in USDT argument '" + std::string(spec) +
                        "' (expected 1, 2, 4 or 8, negative when signed)");
    }
    arg.size = static_cast<uint8_t>(size_text[0] - '0');
  }
  if (operand.empty()) {
    return make_error("empty operand in USDT argument '" + std::string(spec) +
                      "'");
  }

  if (operand.front() == '$') {
    Result<int64_t> value = parse_integer(operand.substr(1), spec);
    if (!value) {
      return value.takeError();
    }
    arg.kind = UsdtArgKind::Constant;
    arg.constant = *value;
    return arg;
  }
  if (operand.front() == '%') {
    Result<UsdtRegister> reg = parse_register(operand, spec);
    if (!reg) {
      return reg.takeError();
    }
    arg.kind = UsdtArgKind::Register;
    arg.base = std::move(*reg);
    return arg;
  }

  // Memory: DISPLACEMENT(BASE,INDEX,SCALE) with every part optional, or a
  // bare displacement (an absolute address or a symbol).
  size_t open = operand.find('(');
  std::string_view displacement = operand.substr(0, open);
  Result<std::pair<std::string, int64_t>> disp =
      parse_displacement(displacement, spec);
  if (!disp) {
    return disp.takeError();
  }
  arg.offset = disp->second;
  if (open != std::string_view::npos) {
    if (!operand.ends_with(")")) {
      return make_error("unbalanced parenthesis in USDT argument '" +
                        std::string(spec) + "'");
    }
    std::string_view inner =
        operand.substr(open + 1, operand.size() - open - 2);
    size_t comma = inner.find(',');
    std::string_view base_text = inner.substr(0, comma);
    if (!base_text.empty()) {
      Result<UsdtRegister> base = parse_register(base_text, spec);
      if (!base) {
        return base.takeError();
      }
      arg.base = std::move(*base);
    }
    if (comma != std::string_view::npos) {
      std::string_view rest = inner.substr(comma + 1);
      size_t second = rest.find(',');
      Result<UsdtRegister> index = parse_register(rest.substr(0, second), spec);
      if (!index) {
        return index.takeError();
      }
      arg.index = std::move(*index);
      if (second != std::string_view::npos) {
        std::string_view scale = rest.substr(second + 1);
        if (scale != "1" && scale != "2" && scale != "4" && scale != "8") {
          return make_error("invalid scale '" + std::string(scale) +
                            "' in USDT argument '" + std::string(spec) + "'");
        }
        arg.scale = static_cast<uint8_t>(scale[0] - '0');
      }
    }
    if (!arg.base && !arg.index) {
      return make_error("no register inside parentheses in USDT argument '" +
                        std::string(spec) + "'");
    }
  }

  bool rip_relative = arg.base && arg.base->pt_regs_name == "ip";
  if (!disp->first.empty()) {
    // A symbol is only meaningful as an absolute or rip-relative address:
    // both denote the symbol's own address.
    if ((arg.base && !rip_relative) || arg.index) {
      return make_error("symbol with registers in USDT argument '" +
                        std::string(spec) + "' is not supported");
    }
    arg.kind = UsdtArgKind::Symbol;
    arg.symbol = disp->first;
    arg.base.reset();
    return arg;
  }
  if (rip_relative) {
    // At a uprobe, pt_regs->ip is the probe address, not the next
    // instruction the operand is relative to.
    return make_error("rip-relative USDT argument '" + std::string(spec) +
                      "' without a symbol is not supported");
  }
  arg.kind = UsdtArgKind::Memory;
  return arg;
}

Result<std::vector<UsdtArg>> parse_usdt_args_x86_64(std::string_view specs) {
  std::vector<UsdtArg> args;
  size_t position = 0;
  while (position < specs.size()) {
    size_t start = specs.find_first_not_of(" \t", position);
    if (start == std::string_view::npos) {
      break;
    }
    size_t end = specs.find_first_of(" \t", start);
    if (end == std::string_view::npos) {
      end = specs.size();
    }
    Result<UsdtArg> arg =
        parse_usdt_arg_x86_64(specs.substr(start, end - start));
    if (!arg) {
      return arg.takeError();
    }
    args.push_back(std::move(*arg));
    position = end;
  }
  return args;
}

Result<std::vector<UsdtProbe>> read_usdt_probes(const std::string& path) {
  Result<ElfReader> reader = ElfReader::open(path);
  if (!reader) {
    return reader.takeError();
  }
  std::vector<UsdtProbe> probes;
  AddressLayout layout = reader->layout();
  size_t address_size = reader->elf_class() == ELFCLASS64 ? 8 : 4;
  bool big_endian = reader->header().e_ident[EI_DATA] == ELFDATA2MSB;
  bool is_x86_64 = reader->header().e_machine == EM_X86_64;
  const ElfReader::Section* base_section = reader->section(".stapsdt.base");

  for (const ElfReader::Section& section : reader->sections()) {
    if (section.header.sh_type != SHT_NOTE || section.name != ".note.stapsdt") {
      continue;
    }
    Result<Elf_Data*> data = reader->data(section);
    if (!data) {
      return data.takeError();
    }
    const auto* bytes = static_cast<const unsigned char*>((*data)->d_buf);
    size_t offset = 0;
    GElf_Nhdr note;
    size_t name_offset = 0;
    size_t desc_offset = 0;
    while (offset < (*data)->d_size) {
      size_t next =
          gelf_getnote(*data, offset, &note, &name_offset, &desc_offset);
      if (next == 0) {
        break;
      }
      offset = next;
      if (note.n_type != kStapsdtNoteType || note.n_namesz != 8 ||
          std::memcmp(bytes + name_offset, "stapsdt", 8) != 0 ||
          note.n_descsz < 3 * address_size) {
        continue;
      }
      const unsigned char* desc = bytes + desc_offset;
      UsdtProbe probe;
      probe.path = path;
      probe.address = read_address(desc, address_size, big_endian);
      probe.base_address =
          read_address(desc + address_size, address_size, big_endian);
      probe.semaphore_address =
          read_address(desc + 2 * address_size, address_size, big_endian);

      // Three NUL-terminated strings follow; a note cut short loses its
      // later strings rather than being read past its end.
      const char* text = reinterpret_cast<const char*>(desc + 3 * address_size);
      size_t left = note.n_descsz - 3 * address_size;
      std::string_view fields[3];
      for (std::string_view& field : fields) {
        size_t length = strnlen(text, left);
        field = std::string_view(text, length);
        size_t used = std::min(left, length + 1);
        text += used;
        left -= used;
      }
      if (fields[0].empty() || fields[1].empty()) {
        continue;
      }
      probe.provider = std::string(fields[0]);
      probe.name = std::string(fields[1]);
      probe.arguments = std::string(fields[2]);

      // Prelinking moves the object after the notes were written; the
      // .stapsdt.base section moved with it, so the difference between its
      // address now and the note's record is the correction.
      if (base_section != nullptr && probe.base_address != 0) {
        uint64_t delta = base_section->header.sh_addr - probe.base_address;
        probe.address += delta;
        if (probe.semaphore_address != 0) {
          probe.semaphore_address += delta;
        }
      }

      std::vector<std::string> problems;
      if (Result<uint64_t> pc = layout.file_offset(probe.address)) {
        probe.offset = *pc;
      } else {
        problems.push_back(error_text(pc.takeError()));
      }
      if (probe.semaphore_address != 0) {
        if (Result<uint64_t> sem =
                layout.mapped_offset(probe.semaphore_address)) {
          probe.semaphore_offset = *sem;
        } else {
          problems.push_back("semaphore: " + error_text(sem.takeError()));
        }
      }
      if (!is_x86_64) {
        if (!probe.arguments.empty()) {
          problems.push_back("arguments are only decoded for x86_64");
        }
      } else if (Result<std::vector<UsdtArg>> args =
                     parse_usdt_args_x86_64(probe.arguments)) {
        probe.args = std::move(*args);
      } else {
        problems.push_back(error_text(args.takeError()));
      }
      for (const std::string& problem : problems) {
        probe.error += (probe.error.empty() ? "" : "; ") + problem;
      }
      probes.push_back(std::move(probe));
    }
  }
  resolve_symbols(path, probes);
  return probes;
}

Result<std::shared_ptr<const std::vector<UsdtProbe>>>
usdt_probes(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, CacheEntry, std::less<>> cache;
  std::optional<FileStamp> stamp = FileStamp::of(path);
  if (!stamp) {
    return make_error("cannot open " + path + ": " + std::strerror(errno));
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(path);
    if (it != cache.end() && it->second.stamp == *stamp) {
      return it->second.probes;
    }
  }
  Result<std::vector<UsdtProbe>> probes = read_usdt_probes(path);
  if (!probes) {
    return probes.takeError();
  }
  auto shared =
      std::make_shared<const std::vector<UsdtProbe>>(std::move(*probes));
  std::lock_guard<std::mutex> lock(mutex);
  cache[path] = {*stamp, shared};
  return shared;
}

Result<std::vector<UsdtProbe>> usdt_probes_of_process(int pid) {
  Result<ProcessMaps> maps = ProcessMaps::read(pid);
  if (!maps) {
    return maps.takeError();
  }
  std::vector<UsdtProbe> all;
  for (const MappedObject& object : maps->objects()) {
    if (object.open_path.empty() || !has_elf_magic(object.open_path)) {
      continue;
    }
    Result<std::shared_ptr<const std::vector<UsdtProbe>>> probes =
        usdt_probes(object.open_path);
    if (!probes) {
      // An object that vanished or cannot be parsed has no probes to offer;
      // the others are still worth listing.
      llvm::consumeError(probes.takeError());
      continue;
    }
    all.insert(all.end(), (*probes)->begin(), (*probes)->end());
  }
  return all;
}

} // namespace sonde::symbols
