// SPDX-License-Identifier: Apache-2.0
#include "symbols/dwarf_types.h"

#include "symbols/debug_files.h"
#include "symbols/elf_reader.h"
#include "symbols/split_dwarf.h"

#include <algorithm>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <map>
#include <optional>
#include <unistd.h>

namespace sonde::symbols {

namespace {

using types::Type;

// Incomplete records made from DWARF carry an id from this range, which
// KernelTypes never hands out (it would be its 255th module, like
// CDefinitions::kRecordId), so sema can tell who completes them.
constexpr uint32_t kIdBase = 0xff000000u;
constexpr uint32_t kIdLimit = 0xfffffffeu;

struct RecordRef {
  DwarfFile* file;
  uint64_t offset;
};

std::vector<RecordRef>& record_refs() {
  static std::vector<RecordRef> refs;
  return refs;
}

uint32_t record_id(DwarfFile* file, uint64_t offset) {
  static std::map<std::pair<DwarfFile*, uint64_t>, uint32_t> ids;
  auto [found, added] = ids.try_emplace({file, offset}, 0);
  if (added) {
    std::vector<RecordRef>& refs = record_refs();
    found->second = kIdBase + static_cast<uint32_t>(refs.size());
    refs.push_back({file, offset});
  }
  return found->second;
}

const char* die_name(Dwarf_Die* die) {
  Dwarf_Attribute attribute;
  if (dwarf_attr_integrate(die, DW_AT_name, &attribute) == nullptr) {
    return nullptr;
  }
  return dwarf_formstring(&attribute);
}

// The DIE an attribute (DW_AT_type, ...) refers to, following abstract
// origins and specifications.
bool referenced(Dwarf_Die* die, unsigned name, Dwarf_Die* result) {
  Dwarf_Attribute attribute;
  return dwarf_attr_integrate(die, name, &attribute) != nullptr &&
         dwarf_formref_die(&attribute, result) != nullptr;
}

std::optional<uint64_t> unsigned_attribute(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attribute;
  Dwarf_Word value = 0;
  if (dwarf_attr_integrate(die, name, &attribute) == nullptr ||
      dwarf_formudata(&attribute, &value) != 0) {
    return std::nullopt;
  }
  return value;
}

bool flag(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attribute;
  bool value = false;
  return dwarf_attr_integrate(die, name, &attribute) != nullptr &&
         dwarf_formflag(&attribute, &value) == 0 && value;
}

bool is_qualifier(int tag) {
  return tag == DW_TAG_typedef || tag == DW_TAG_const_type ||
         tag == DW_TAG_volatile_type || tag == DW_TAG_restrict_type ||
         tag == DW_TAG_atomic_type;
}

bool is_record_tag(int tag) {
  return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
         tag == DW_TAG_class_type;
}

bool is_pointer_tag(int tag) {
  return tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ||
         tag == DW_TAG_rvalue_reference_type ||
         tag == DW_TAG_ptr_to_member_type;
}

// `type` without typedefs and qualifiers; false for `void`.
bool peel(Dwarf_Die* type, Dwarf_Die* result) {
  *result = *type;
  for (int depth = 0; depth < 64 && is_qualifier(dwarf_tag(result)); ++depth) {
    Dwarf_Die next;
    if (!referenced(result, DW_AT_type, &next)) {
      return false;
    }
    *result = next;
  }
  return true;
}

uint64_t byte_size(Dwarf_Die* type) {
  Dwarf_Word size = 0;
  return dwarf_aggregate_size(type, &size) == 0 ? size : 0;
}

// Element counts of an array's dimensions, outermost first (0 when
// unknown: a flexible array).
std::vector<uint32_t> dimensions(Dwarf_Die* array) {
  std::vector<uint32_t> counts;
  Dwarf_Die child;
  if (dwarf_child(array, &child) != 0) {
    return counts;
  }
  do {
    if (dwarf_tag(&child) != DW_TAG_subrange_type) {
      continue;
    }
    if (auto count = unsigned_attribute(&child, DW_AT_count)) {
      counts.push_back(static_cast<uint32_t>(*count));
    } else if (auto upper = unsigned_attribute(&child, DW_AT_upper_bound)) {
      counts.push_back(static_cast<uint32_t>(*upper + 1));
    } else {
      counts.push_back(0);
    }
  } while (dwarf_siblingof(&child, &child) == 0);
  return counts;
}

std::string record_name(Dwarf_Die* record, const char* typedef_name) {
  const char* kind =
      dwarf_tag(record) == DW_TAG_union_type ? "union " : "struct ";
  if (const char* name = die_name(record)) {
    return kind + std::string(name);
  }
  return typedef_name != nullptr ? std::string(typedef_name)
                                 : kind + std::string("(anonymous)");
}

// The C spelling of a type, as `-lv` lists parameters.
std::string c_name(Dwarf_Die* type, int depth = 0) {
  if (type == nullptr || depth > 32) {
    return "void";
  }
  Dwarf_Die inner;
  bool has_inner = referenced(type, DW_AT_type, &inner);
  const char* name = die_name(type);
  switch (dwarf_tag(type)) {
  case DW_TAG_base_type:
  case DW_TAG_typedef:
  case DW_TAG_unspecified_type:
    return name != nullptr ? name : "?";
  case DW_TAG_structure_type:
  case DW_TAG_class_type:
  case DW_TAG_union_type:
    return record_name(type, nullptr);
  case DW_TAG_enumeration_type:
    return std::string("enum ") + (name != nullptr ? name : "(anonymous)");
  case DW_TAG_const_type:
  case DW_TAG_volatile_type:
  case DW_TAG_restrict_type:
  case DW_TAG_atomic_type: {
    const char* word = dwarf_tag(type) == DW_TAG_const_type      ? "const"
                       : dwarf_tag(type) == DW_TAG_volatile_type ? "volatile"
                       : dwarf_tag(type) == DW_TAG_restrict_type ? "restrict"
                                                                 : "_Atomic";
    std::string target = c_name(has_inner ? &inner : nullptr, depth + 1);
    // A qualified pointer is written after the '*'.
    if (has_inner && is_pointer_tag(dwarf_tag(&inner))) {
      return target + " " + word;
    }
    return std::string(word) + " " + target;
  }
  case DW_TAG_pointer_type:
  case DW_TAG_reference_type:
  case DW_TAG_rvalue_reference_type: {
    const char* mark = dwarf_tag(type) == DW_TAG_pointer_type     ? "*"
                       : dwarf_tag(type) == DW_TAG_reference_type ? "&"
                                                                  : "&&";
    if (has_inner && dwarf_tag(&inner) == DW_TAG_subroutine_type) {
      return c_name(&inner, depth + 1) + " (" + mark + ")()";
    }
    std::string target = c_name(has_inner ? &inner : nullptr, depth + 1);
    return target + (target.ends_with('*') ? "" : " ") + mark;
  }
  case DW_TAG_array_type: {
    std::string text = c_name(has_inner ? &inner : nullptr, depth + 1);
    for (uint32_t count : dimensions(type)) {
      text += "[" + (count != 0 ? std::to_string(count) : "") + "]";
    }
    return text;
  }
  case DW_TAG_subroutine_type:
    // The return type; the caller adds the parameter list.
    return c_name(has_inner ? &inner : nullptr, depth + 1);
  default:
    return name != nullptr ? name : "?";
  }
}

// The System V classes of an eightbyte.
enum class WordClass : uint8_t { None, Integer, Sse, Memory };

WordClass merge(WordClass a, WordClass b) {
  if (a == b || b == WordClass::None) {
    return a;
  }
  if (a == WordClass::None) {
    return b;
  }
  if (a == WordClass::Memory || b == WordClass::Memory) {
    return WordClass::Memory;
  }
  return WordClass::Integer;
}

// Classifies the scalars of `type` placed at byte `offset` into the
// eightbytes of `words`.
void classify_into(Dwarf_Die* type,
                   uint64_t offset,
                   std::vector<WordClass>& words,
                   int depth) {
  Dwarf_Die peeled;
  if (depth > 32 || !peel(type, &peeled)) {
    return;
  }
  int tag = dwarf_tag(&peeled);
  uint64_t size = byte_size(&peeled);
  if (is_record_tag(tag)) {
    Dwarf_Die member;
    if (dwarf_child(&peeled, &member) != 0) {
      return;
    }
    do {
      int member_tag = dwarf_tag(&member);
      if ((member_tag != DW_TAG_member && member_tag != DW_TAG_inheritance) ||
          flag(&member, DW_AT_external) || flag(&member, DW_AT_declaration)) {
        continue;
      }
      uint64_t at =
          unsigned_attribute(&member, DW_AT_data_member_location).value_or(0);
      if (auto bits = unsigned_attribute(&member, DW_AT_data_bit_offset)) {
        at = *bits / 8;
      }
      Dwarf_Die member_type;
      if (referenced(&member, DW_AT_type, &member_type)) {
        classify_into(&member_type, offset + at, words, depth + 1);
      }
    } while (dwarf_siblingof(&member, &member) == 0);
    return;
  }
  if (tag == DW_TAG_array_type) {
    Dwarf_Die element;
    if (!referenced(&peeled, DW_AT_type, &element)) {
      return;
    }
    uint64_t element_size = byte_size(&element);
    if (element_size == 0) {
      return;
    }
    for (uint64_t at = 0; at + element_size <= size; at += element_size) {
      classify_into(&element, offset + at, words, depth + 1);
    }
    return;
  }
  WordClass word = WordClass::Integer;
  if (tag == DW_TAG_base_type) {
    uint64_t encoding = unsigned_attribute(&peeled, DW_AT_encoding).value_or(0);
    if (encoding == DW_ATE_float || encoding == DW_ATE_complex_float) {
      // long double is x87 and always goes to memory.
      word = size > 8 && encoding == DW_ATE_float ? WordClass::Memory
                                                  : WordClass::Sse;
    }
  }
  for (uint64_t at = offset; at < offset + std::max<uint64_t>(size, 1);
       at += 8) {
    size_t index = at / 8;
    if (index < words.size()) {
      words[index] = merge(words[index], word);
    }
  }
}

// What a parameter of `type` asks for before registers are allocated.
void classify(Dwarf_Die* type, DwarfParameter& parameter) {
  Dwarf_Die peeled;
  parameter.passing = ParameterPassing::Registers;
  parameter.register_count = 1;
  if (!peel(type, &peeled)) {
    return;
  }
  int tag = dwarf_tag(&peeled);
  uint64_t size = byte_size(&peeled);
  bool aggregate = is_record_tag(tag) || tag == DW_TAG_array_type;
  if (aggregate &&
      unsigned_attribute(&peeled, DW_AT_calling_convention).value_or(0) ==
          DW_CC_pass_by_reference) {
    parameter.passing = ParameterPassing::Reference;
    return;
  }
  if (size > 16 || (aggregate && size == 0)) {
    parameter.passing = ParameterPassing::Stack;
    return;
  }
  std::vector<WordClass> words((size + 7) / 8, WordClass::None);
  classify_into(&peeled, 0, words, 0);
  bool integer = false;
  bool sse = false;
  for (WordClass word : words) {
    if (word == WordClass::Memory) {
      parameter.passing = ParameterPassing::Stack;
      return;
    }
    integer = integer || word == WordClass::Integer;
    sse = sse || word == WordClass::Sse;
  }
  if (sse && integer) {
    parameter.passing = ParameterPassing::Mixed;
  } else if (sse) {
    parameter.passing = ParameterPassing::FloatRegisters;
  } else {
    parameter.register_count =
        static_cast<uint8_t>(std::max<size_t>(1, words.size()));
  }
}

} // namespace

void assign_registers(std::vector<DwarfParameter>& parameters,
                      bool returns_in_memory) {
  unsigned next = returns_in_memory ? 1 : 0;
  // Stack arguments start above the return address, each in 8-byte
  // slots.
  uint32_t stack = 8;
  for (DwarfParameter& parameter : parameters) {
    uint32_t size = std::max<uint32_t>(parameter.type.size(), 1);
    switch (parameter.passing) {
    case ParameterPassing::Registers:
    case ParameterPassing::Reference:
      if (next + parameter.register_count <= kArgumentRegisterCount) {
        parameter.first_register = static_cast<uint8_t>(next);
        next += parameter.register_count;
        continue;
      }
      if (parameter.passing == ParameterPassing::Reference) {
        size = 8;
      }
      parameter.passing = ParameterPassing::Stack;
      break;
    case ParameterPassing::Mixed:
      // Its integer half takes a general-purpose register when one is
      // left; otherwise the whole struct goes to the stack.
      if (next < kArgumentRegisterCount) {
        ++next;
        continue;
      }
      parameter.passing = ParameterPassing::Stack;
      break;
    case ParameterPassing::FloatRegisters:
      continue;
    case ParameterPassing::Stack:
      break;
    }
    if (parameter.type.alignment() > 8) {
      stack = (stack + 15) & ~15u;
    }
    parameter.stack_offset = stack;
    parameter.register_count = 0;
    stack += (size + 7) & ~7u;
  }
}

// Converts DIEs of one file into sonde's types.
class DwarfConverter {
public:
  explicit DwarfConverter(DwarfFile& file) : file_(file) {}

  Type convert(Dwarf_Die* type, int depth = 0) {
    if (type == nullptr || depth > 64) {
      return Type::none();
    }
    Dwarf_Die inner;
    bool has_inner = referenced(type, DW_AT_type, &inner);
    switch (dwarf_tag(type)) {
    case DW_TAG_typedef:
      if (has_inner) {
        Dwarf_Die peeled;
        // An anonymous record takes the typedef's name.
        if (peel(&inner, &peeled) && is_record_tag(dwarf_tag(&peeled)) &&
            die_name(&peeled) == nullptr) {
          return convert_record(&peeled, die_name(type));
        }
      }
      [[fallthrough]];
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_atomic_type:
      return has_inner ? convert(&inner, depth + 1) : Type::none();
    case DW_TAG_base_type:
      return base_type(type);
    case DW_TAG_enumeration_type: {
      uint32_t size = static_cast<uint32_t>(byte_size(type));
      bool is_signed = false;
      Dwarf_Die underlying;
      if (has_inner && peel(&inner, &underlying)) {
        uint64_t encoding =
            unsigned_attribute(&underlying, DW_AT_encoding).value_or(0);
        is_signed = encoding == DW_ATE_signed || encoding == DW_ATE_signed_char;
      }
      return integer(size, is_signed);
    }
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type:
      return Type::pointer(has_inner ? pointee(&inner) : Type::none(),
                           types::AddressSpace::User);
    case DW_TAG_ptr_to_member_type:
      return Type::u64();
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
    case DW_TAG_union_type:
      return convert_record(type, nullptr);
    case DW_TAG_array_type:
      return array(type, has_inner ? &inner : nullptr, depth);
    default:
      return Type::none();
    }
  }

  Type convert_record(Dwarf_Die* record, const char* typedef_name) {
    uint64_t offset = dwarf_dieoffset(record);
    auto cached = file_.records_.find(offset);
    if (cached != file_.records_.end()) {
      return cached->second;
    }
    std::string name = record_name(record, typedef_name);
    uint32_t size = static_cast<uint32_t>(byte_size(record));
    if (flag(record, DW_AT_declaration) || ++records_open_ > 16) {
      // Declared only, or nested too deep to convert now.
      --records_open_;
      return Type::incomplete_record(
          name, size, record_id(&file_, dwarf_dieoffset(record)));
    }
    std::vector<types::Field> fields;
    add_members(record, 0, fields);
    --records_open_;
    Type converted = dwarf_tag(record) == DW_TAG_union_type
                         ? Type::union_record(name, std::move(fields), size)
                         : Type::record(name, std::move(fields), size);
    file_.records_.emplace(offset, converted);
    return converted;
  }

private:
  static Type integer(uint32_t size, bool is_signed) {
    if (size == 1 || size == 2 || size == 4 || size == 8) {
      return Type::integer(size, is_signed);
    }
    return Type::array(Type::integer(1, false), size);
  }

  static Type base_type(Dwarf_Die* type) {
    uint32_t size = static_cast<uint32_t>(byte_size(type));
    uint64_t encoding = unsigned_attribute(type, DW_AT_encoding).value_or(0);
    switch (encoding) {
    case DW_ATE_signed:
    case DW_ATE_signed_char:
      return integer(size, true);
    case DW_ATE_unsigned:
    case DW_ATE_unsigned_char:
    case DW_ATE_boolean:
    case DW_ATE_UTF:
      return integer(size, false);
    default:
      return Type::array(Type::integer(1, false), size);
    }
  }

  // A pointer's target: records stay incomplete until a script looks
  // inside; functions and void have no value.
  Type pointee(Dwarf_Die* target) {
    Dwarf_Die peeled;
    if (!peel(target, &peeled) ||
        dwarf_tag(&peeled) == DW_TAG_subroutine_type) {
      return Type::none();
    }
    if (is_record_tag(dwarf_tag(&peeled))) {
      const char* typedef_name =
          die_name(&peeled) == nullptr && dwarf_tag(target) == DW_TAG_typedef
              ? die_name(target)
              : nullptr;
      return Type::incomplete_record(
          record_name(&peeled, typedef_name),
          static_cast<uint32_t>(byte_size(&peeled)),
          record_id(&file_, dwarf_dieoffset(&peeled)));
    }
    return convert(target);
  }

  Type array(Dwarf_Die* type, Dwarf_Die* element, int depth) {
    if (element == nullptr) {
      return Type::none();
    }
    std::vector<uint32_t> counts = dimensions(type);
    if (counts.empty()) {
      counts.push_back(0);
    }
    Type result;
    // A char array spelled as char (not through a typedef such as
    // uint8_t) is text.
    Dwarf_Die unqualified = *element;
    while (dwarf_tag(&unqualified) == DW_TAG_const_type ||
           dwarf_tag(&unqualified) == DW_TAG_volatile_type) {
      if (!referenced(&unqualified, DW_AT_type, &unqualified)) {
        break;
      }
    }
    const char* name = die_name(&unqualified);
    bool text = dwarf_tag(&unqualified) == DW_TAG_base_type &&
                name != nullptr && byte_size(&unqualified) == 1 &&
                std::string_view(name).find("char") != std::string_view::npos;
    if (text) {
      result = Type::string(counts.back());
    } else {
      result = Type::array(convert(element, depth + 1), counts.back());
    }
    for (size_t i = counts.size() - 1; i-- > 0;) {
      result = Type::array(result, counts[i]);
    }
    return result;
  }

  void add_members(Dwarf_Die* record,
                   uint64_t base_bits,
                   std::vector<types::Field>& fields) {
    Dwarf_Die member;
    if (dwarf_child(record, &member) != 0) {
      return;
    }
    do {
      int tag = dwarf_tag(&member);
      if ((tag != DW_TAG_member && tag != DW_TAG_inheritance) ||
          flag(&member, DW_AT_external) || flag(&member, DW_AT_declaration)) {
        continue;
      }
      Dwarf_Die member_type;
      if (!referenced(&member, DW_AT_type, &member_type)) {
        continue;
      }
      uint64_t bits =
          base_bits +
          unsigned_attribute(&member, DW_AT_data_member_location).value_or(0) *
              8;
      uint32_t bit_size = 0;
      if (auto data_bits = unsigned_attribute(&member, DW_AT_data_bit_offset)) {
        bits = base_bits + *data_bits;
      }
      if (auto size = unsigned_attribute(&member, DW_AT_bit_size)) {
        bit_size = static_cast<uint32_t>(*size);
        // DWARF 2/3 bitfields count bit_offset from the top of the
        // storage unit.
        if (auto high = unsigned_attribute(&member, DW_AT_bit_offset)) {
          uint64_t unit = unsigned_attribute(&member, DW_AT_byte_size)
                              .value_or(byte_size(&member_type));
          bits += unit * 8 - *high - bit_size;
        }
      }
      const char* name = die_name(&member);
      Dwarf_Die peeled;
      bool record_member =
          peel(&member_type, &peeled) && is_record_tag(dwarf_tag(&peeled));
      if ((name == nullptr && record_member) || tag == DW_TAG_inheritance) {
        // Anonymous struct/union members and base classes are flattened.
        if (record_member) {
          add_members(&peeled, bits, fields);
        }
        continue;
      }
      if (name == nullptr) {
        continue;
      }
      types::Field field;
      field.name = name;
      field.type = std::make_shared<const Type>(convert(&member_type));
      types::place_field(field, bits, bit_size);
      fields.push_back(std::move(field));
    } while (dwarf_siblingof(&member, &member) == 0);
  }

  DwarfFile& file_;
  int records_open_ = 0;
};

namespace {

struct FunctionSearch {
  std::string_view name;
  uint64_t address = 0;
  std::optional<Dwarf_Die> by_address;
  std::optional<Dwarf_Die> by_name;
};

bool names_match(Dwarf_Die* die, std::string_view wanted) {
  const char* name = die_name(die);
  if (name != nullptr && wanted == name) {
    return true;
  }
  for (unsigned attribute : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    Dwarf_Attribute found;
    if (dwarf_attr_integrate(die, attribute, &found) != nullptr) {
      const char* linkage = dwarf_formstring(&found);
      if (linkage != nullptr && wanted == linkage) {
        return true;
      }
    }
  }
  return false;
}

int visit_function(Dwarf_Die* die, void* arg) {
  auto* search = static_cast<FunctionSearch*>(arg);
  Dwarf_Addr low = 0;
  // A split unit read without its skeleton cannot resolve its addresses
  // (DW_FORM_addrx), but still says the function is defined here.
  bool defined = dwarf_lowpc(die, &low) == 0 ||
                 dwarf_hasattr(die, DW_AT_low_pc) != 0 ||
                 dwarf_hasattr(die, DW_AT_ranges) != 0;
  if (!defined) {
    return DWARF_CB_OK;
  }
  // The entry address names the function even through an alias
  // (`open` is `__libc_open64`).
  if (search->address != 0 && low == search->address) {
    search->by_address = *die;
    return DWARF_CB_ABORT;
  }
  if (!search->by_name && names_match(die, search->name)) {
    search->by_name = *die;
  }
  return DWARF_CB_OK;
}

std::map<std::string, std::shared_ptr<DwarfFile>>& open_files() {
  static std::map<std::string, std::shared_ptr<DwarfFile>> files;
  return files;
}

// Whether the file has any compilation unit.
bool has_units(Dwarf* dwarf) {
  Dwarf_Off next = 0;
  size_t header = 0;
  return dwarf_nextcu(dwarf, 0, &next, &header, nullptr, nullptr, nullptr) == 0;
}

} // namespace

DwarfFile::DwarfFile(Private, std::string path, int fd, Dwarf* dwarf)
    : path_(std::move(path)), fd_(fd), dwarf_(dwarf) {}

DwarfFile::~DwarfFile() {
  dwarf_end(dwarf_);
  close(fd_);
}

Result<std::shared_ptr<DwarfFile>>
DwarfFile::open(const std::string& path, const std::string& debug_file) {
  auto cached = open_files().find(path);
  if (cached != open_files().end()) {
    return cached->second;
  }
  // The object itself, the debug file its symbols came from, then any
  // separate debug file with DWARF (its .debug/, a build-id directory,
  // --debuginfo).
  std::vector<std::string> candidates = {path, debug_file};
  if (Result<ElfReader> reader = ElfReader::open(path)) {
    candidates.push_back(find_debug_file(
        {path, reader->build_id(), read_debuglink(*reader)}, ".debug_info"));
  } else {
    llvm::consumeError(reader.takeError());
  }
  for (const std::string& candidate : candidates) {
    if (candidate.empty()) {
      continue;
    }
    int fd = ::open(candidate.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    Dwarf* dwarf = dwarf_begin(fd, DWARF_C_READ);
    if (dwarf == nullptr || !has_units(dwarf)) {
      if (dwarf != nullptr) {
        dwarf_end(dwarf);
      }
      close(fd);
      continue;
    }
    auto file = std::make_shared<DwarfFile>(Private{}, path, fd, dwarf);
    open_files().emplace(path, file);
    return file;
  }
  return make_error("no DWARF debug information in " + path);
}

Result<DwarfFunction> DwarfFile::function(std::string_view name,
                                          uint64_t address) {
  FunctionSearch search{name, address, std::nullopt, std::nullopt};
  Dwarf_CU* unit = nullptr;
  Dwarf_Die unit_die;
  uint8_t unit_type = 0;
  bool missing_split = false;
  while (!search.by_address) {
    Dwarf_Die split_die{};
    if (dwarf_get_units(dwarf_, unit, &unit, nullptr, &unit_type, &unit_die,
                        &split_die) != 0) {
      break;
    }
    if (unit_type == DW_UT_skeleton) {
      // The functions are in the split unit (-gsplit-dwarf), when libdw
      // found its .dwo file.
      if (split_die.cu == nullptr) {
        missing_split = true;
        continue;
      }
      dwarf_getfuncs(&split_die, visit_function, &search, 0);
      continue;
    }
    if (unit_type != DW_UT_compile && unit_type != DW_UT_partial &&
        unit_type != DW_UT_split_compile) {
      continue;
    }
    dwarf_getfuncs(&unit_die, visit_function, &search, 0);
  }
  std::optional<Dwarf_Die> found =
      search.by_address ? search.by_address : search.by_name;
  if (!found && missing_split) {
    // Split units only libdw cannot reach: a .dwp package.
    for (const std::shared_ptr<DwarfFile>& split : split_files()) {
      Result<DwarfFunction> function = split->function(name, 0);
      if (function) {
        return function;
      }
      llvm::consumeError(function.takeError());
    }
    return make_error("no DWARF for function '" + std::string(name) + "' in " +
                      path_ + ": its split DWARF (.dwo or .dwp) was not found");
  }
  if (!found) {
    return make_error("no DWARF for function '" + std::string(name) + "' in " +
                      path_);
  }
  DwarfFunction function;
  function.name = std::string(name);
  Dwarf_Die die = *found;
  Dwarf_Die return_type;
  if (referenced(&die, DW_AT_type, &return_type)) {
    DwarfParameter result;
    classify(&return_type, result);
    function.returns_in_memory = result.passing == ParameterPassing::Stack ||
                                 result.passing == ParameterPassing::Reference;
  }
  // An out-of-line copy of an inline function may list its parameters
  // only in its abstract origin.
  Dwarf_Die holder = die;
  Dwarf_Die child;
  auto has_parameters = [&](Dwarf_Die* parent) {
    if (dwarf_child(parent, &child) != 0) {
      return false;
    }
    Dwarf_Die probe = child;
    do {
      int tag = dwarf_tag(&probe);
      if (tag == DW_TAG_formal_parameter ||
          tag == DW_TAG_unspecified_parameters) {
        return true;
      }
    } while (dwarf_siblingof(&probe, &probe) == 0);
    return false;
  };
  Dwarf_Die origin;
  if (!has_parameters(&holder) &&
      referenced(&holder, DW_AT_abstract_origin, &origin) &&
      has_parameters(&origin)) {
    holder = origin;
  }
  DwarfConverter converter(*this);
  if (dwarf_child(&holder, &child) == 0) {
    do {
      int tag = dwarf_tag(&child);
      if (tag == DW_TAG_unspecified_parameters) {
        function.variadic = true;
        continue;
      }
      if (tag != DW_TAG_formal_parameter) {
        continue;
      }
      DwarfParameter parameter;
      if (const char* parameter_name = die_name(&child)) {
        parameter.name = parameter_name;
      }
      Dwarf_Die type;
      if (referenced(&child, DW_AT_type, &type)) {
        parameter.c_type = c_name(&type);
        parameter.type = converter.convert(&type);
        classify(&type, parameter);
      } else {
        parameter.c_type = "void";
      }
      function.parameters.push_back(std::move(parameter));
    } while (dwarf_siblingof(&child, &child) == 0);
  }
  assign_registers(function.parameters, function.returns_in_memory);
  return function;
}

const std::vector<std::shared_ptr<DwarfFile>>& DwarfFile::split_files() {
  if (split_loaded_) {
    return split_files_;
  }
  split_loaded_ = true;
  std::string package = find_dwp_file(path_);
  if (package.empty()) {
    return split_files_;
  }
  Result<std::vector<std::string>> images = dwp_unit_images(package);
  if (!images) {
    llvm::consumeError(images.takeError());
    return split_files_;
  }
  for (const std::string& image : *images) {
    int fd = image_descriptor(image);
    if (fd < 0) {
      continue;
    }
    Dwarf* dwarf = dwarf_begin(fd, DWARF_C_READ);
    if (dwarf == nullptr) {
      close(fd);
      continue;
    }
    split_files_.push_back(
        std::make_shared<DwarfFile>(Private{}, package, fd, dwarf));
  }
  return split_files_;
}

bool DwarfFile::owns(const types::Type& record) {
  uint32_t id = record.btf_id();
  return record.is_record() && !record.is_complete() && id >= kIdBase &&
         id <= kIdLimit && id - kIdBase < record_refs().size();
}

types::Type DwarfFile::complete(const types::Type& record) {
  if (!owns(record)) {
    return record;
  }
  const RecordRef& ref = record_refs()[record.btf_id() - kIdBase];
  Dwarf_Die die;
  if (dwarf_offdie(ref.file->dwarf_, ref.offset, &die) == nullptr ||
      flag(&die, DW_AT_declaration)) {
    return record;
  }
  DwarfConverter converter(*ref.file);
  types::Type completed = converter.convert_record(&die, nullptr);
  if (!completed.is_complete()) {
    return record;
  }
  // An anonymous record keeps the name it was met by (its typedef's).
  if (completed.record_name() != record.record_name()) {
    return completed.is_union()
               ? Type::union_record(record.record_name(), completed.fields(),
                                    completed.size())
               : Type::record(record.record_name(), completed.fields(),
                              completed.size());
  }
  return completed;
}

} // namespace sonde::symbols
