// SPDX-License-Identifier: Apache-2.0
#include "symbols/elf_symbols.h"

#include "base/strings.h"
#include "symbols/debug_files.h"

#include "llvm/Demangle/Demangle.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <unordered_map>

namespace sonde::symbols {

namespace {

ElfKind classify(const ElfReader& reader) {
  switch (reader.header().e_type) {
  case ET_EXEC:
    return ElfKind::Executable;
  case ET_REL:
    return ElfKind::Relocatable;
  case ET_CORE:
    return ElfKind::Core;
  case ET_DYN: {
    std::optional<uint64_t> flags_1 = reader.dynamic_value(DT_FLAGS_1);
    if (flags_1 && (*flags_1 & DF_1_PIE) != 0) {
      return ElfKind::PieExecutable;
    }
    // PIEs linked before DF_1_PIE existed still have an interpreter and no
    // soname; libc.so.6 has an interpreter too, but also a soname.
    bool has_interp = std::any_of(
        reader.program_headers().begin(), reader.program_headers().end(),
        [](const GElf_Phdr& phdr) { return phdr.p_type == PT_INTERP; });
    if (has_interp && !reader.dynamic_value(DT_SONAME)) {
      return ElfKind::PieExecutable;
    }
    return ElfKind::SharedObject;
  }
  default:
    return ElfKind::Other;
  }
}

// Symbol versions defined by the object (.gnu.version_d), by version index.
std::unordered_map<uint16_t, std::string_view>
read_version_definitions(const ElfReader& reader) {
  std::unordered_map<uint16_t, std::string_view> names;
  const ElfReader::Section* verdef = reader.section_of_type(SHT_GNU_verdef);
  if (verdef == nullptr) {
    return names;
  }
  Result<Elf_Data*> data = reader.data(*verdef);
  if (!data) {
    llvm::consumeError(data.takeError());
    return names;
  }
  // sh_info holds the number of entries; the bound also stops a corrupt
  // chain whose vd_next loops.
  size_t offset = 0;
  for (size_t i = 0; i < verdef->header.sh_info; ++i) {
    GElf_Verdef def;
    if (offset > (*data)->d_size ||
        gelf_getverdef(*data, static_cast<int>(offset), &def) == nullptr) {
      break;
    }
    GElf_Verdaux aux;
    if ((def.vd_flags & VER_FLG_BASE) == 0 &&
        gelf_getverdaux(*data, static_cast<int>(offset + def.vd_aux), &aux) !=
            nullptr) {
      if (auto name = reader.string_at(verdef->header.sh_link, aux.vda_name)) {
        names[def.vd_ndx] = *name;
      }
    }
    if (def.vd_next == 0) {
      break;
    }
    offset += def.vd_next;
  }
  return names;
}

SymbolBinding binding_of(unsigned char bind) {
  switch (bind) {
  case STB_LOCAL:
    return SymbolBinding::Local;
  case STB_WEAK:
    return SymbolBinding::Weak;
  default:
    return SymbolBinding::Global;
  }
}

// Appends the defined functions and data objects of one symbol table. The
// names are views into the reader's mapping until ElfFile::load copies
// them. Malformed entries (bad name offsets) are skipped rather than
// failing the whole file: a partly readable table is still useful.
void read_symbol_table(const ElfReader& reader,
                       const ElfReader::Section& table,
                       std::vector<ElfSymbol>& out) {
  Result<Elf_Data*> data = reader.data(table);
  if (!data) {
    llvm::consumeError(data.takeError());
    return;
  }
  size_t entry_size = gelf_fsize(reader.elf(), ELF_T_SYM, 1, EV_CURRENT);
  if (entry_size == 0) {
    return;
  }
  size_t count = (*data)->d_size / entry_size;

  // Versions apply to .dynsym only: .gnu.version runs parallel to it.
  Elf_Data* versym = nullptr;
  std::unordered_map<uint16_t, std::string_view> versions;
  if (table.header.sh_type == SHT_DYNSYM) {
    for (const ElfReader::Section& section : reader.sections()) {
      if (section.header.sh_type == SHT_GNU_versym &&
          section.header.sh_link == table.index) {
        if (Result<Elf_Data*> got = reader.data(section)) {
          versym = *got;
        } else {
          llvm::consumeError(got.takeError());
        }
        break;
      }
    }
    if (versym != nullptr) {
      versions = read_version_definitions(reader);
    }
  }

  // Entry 0 is the reserved null symbol.
  for (size_t i = 1; i < count; ++i) {
    GElf_Sym sym;
    if (gelf_getsym(*data, static_cast<int>(i), &sym) == nullptr) {
      break;
    }
    SymbolType type;
    switch (GELF_ST_TYPE(sym.st_info)) {
    case STT_FUNC:
      type = SymbolType::Function;
      break;
    case STT_GNU_IFUNC:
      type = SymbolType::IndirectFunction;
      break;
    case STT_OBJECT:
      type = SymbolType::Object;
      break;
    default:
      continue;
    }
    if (sym.st_shndx == SHN_UNDEF) {
      continue;
    }
    std::optional<std::string_view> name =
        reader.string_at(table.header.sh_link, sym.st_name);
    if (!name || name->empty()) {
      continue;
    }
    ElfSymbol symbol;
    symbol.address = sym.st_value;
    symbol.size = sym.st_size;
    symbol.type = type;
    symbol.binding = binding_of(GELF_ST_BIND(sym.st_info));
    // .symtab spells versioned symbols "name@VER" or "name@@VER".
    size_t at = name->find('@');
    if (at != std::string_view::npos && at > 0) {
      symbol.name = name->substr(0, at);
      bool is_default = name->substr(at).starts_with("@@");
      symbol.version = name->substr(at + (is_default ? 2 : 1));
      symbol.hidden_version = !is_default;
    } else {
      symbol.name = *name;
    }
    if (versym != nullptr) {
      GElf_Versym version;
      if (gelf_getversym(versym, static_cast<int>(i), &version) != nullptr) {
        auto it = versions.find(version & 0x7fff);
        if (it != versions.end()) {
          symbol.version = it->second;
          symbol.hidden_version = (version & 0x8000) != 0;
        }
      }
    }
    out.push_back(symbol);
  }
}

// Rank for choosing among symbols of one name or one address: default
// versions first, then global, weak, local.
int preference(const ElfSymbol& symbol) {
  int rank = symbol.hidden_version ? 4 : 0;
  switch (symbol.binding) {
  case SymbolBinding::Global:
    break;
  case SymbolBinding::Weak:
    rank += 1;
    break;
  case SymbolBinding::Local:
    rank += 2;
    break;
  }
  return rank;
}

size_t leading_underscores(std::string_view name) {
  size_t count = 0;
  while (count < name.size() && name[count] == '_') {
    ++count;
  }
  return count;
}

// Rust's legacy mangling is Itanium with the path segments escaped and a
// hash appended: `_ZN3foo3bar17h0123456789abcdefE`.
bool is_rust_legacy(std::string_view symbol) {
  // Tolerate LLVM's `.llvm.NNN` and similar suffixes after the final 'E'.
  size_t end = symbol.find('.');
  std::string_view core = symbol.substr(0, end);
  if (!core.starts_with("_ZN") || core.size() < 3 + 20 || core.back() != 'E') {
    return false;
  }
  std::string_view hash = core.substr(core.size() - 20, 19);
  if (!hash.starts_with("17h")) {
    return false;
  }
  return std::all_of(hash.begin() + 3, hash.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// Undoes Rust legacy escapes in an Itanium-demangled path and drops the
// trailing hash segment.
std::string clean_rust_legacy(std::string_view text) {
  size_t hash = text.rfind("::h");
  if (hash != std::string_view::npos && text.size() - hash == 3 + 16) {
    text = text.substr(0, hash);
  }
  static const std::pair<std::string_view, std::string_view> kEscapes[] = {
      {"$SP$", "@"}, {"$BP$", "*"}, {"$RF$", "&"}, {"$LT$", "<"},
      {"$GT$", ">"}, {"$LP$", "("}, {"$RP$", ")"}, {"$C$", ","},
  };
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '$') {
      bool replaced = false;
      for (const auto& [escape, plain] : kEscapes) {
        if (text.substr(i).starts_with(escape)) {
          out += plain;
          i += escape.size();
          replaced = true;
          break;
        }
      }
      if (replaced) {
        continue;
      }
      // `$uXX$`: a character by its hex code.
      size_t close = text.find('$', i + 1);
      if (text.substr(i).starts_with("$u") && close != std::string_view::npos &&
          close - i <= 8) {
        char* end = nullptr;
        std::string digits(text.substr(i + 2, close - i - 2));
        unsigned long code = std::strtoul(digits.c_str(), &end, 16);
        if (end != nullptr && *end == '\0' && code > 0 && code < 0x80) {
          out += static_cast<char>(code);
          i = close + 1;
          continue;
        }
      }
    } else if (text.substr(i).starts_with("..")) {
      out += "::";
      i += 2;
      continue;
    }
    out += text[i];
    ++i;
  }
  return out;
}

// An index from names to symbol indices: (hash, index) pairs sorted by
// hash. Sorting integers is much cheaper than sorting long mangled names,
// and a lookup compares the few entries with a matching hash.
template <typename Key>
std::vector<std::pair<uint64_t, uint32_t>> hash_index(size_t count, Key key) {
  std::vector<std::pair<uint64_t, uint32_t>> index(count);
  for (uint32_t i = 0; i < count; ++i) {
    index[i] = {std::hash<std::string_view>()(key(i)), i};
  }
  std::sort(index.begin(), index.end());
  return index;
}

// Calls `found(i)` for each index whose key equals `name`, in index order.
template <typename Key, typename Found>
void find_in_index(const std::vector<std::pair<uint64_t, uint32_t>>& index,
                   std::string_view name,
                   Key key,
                   Found found) {
  uint64_t hash = std::hash<std::string_view>()(name);
  auto it = std::lower_bound(index.begin(), index.end(),
                             std::make_pair(hash, uint32_t{0}));
  for (; it != index.end() && it->first == hash; ++it) {
    if (key(it->second) == name) {
      found(it->second);
    }
  }
}

// Takes ownership of a malloc'ed string from the LLVM demangler.
std::optional<std::string> take(char* text) {
  if (text == nullptr) {
    return std::nullopt;
  }
  std::string result(text);
  std::free(text);
  return result;
}

// Cache of opened files, keyed by path and validated by the file's stamp.
struct CacheEntry {
  FileStamp stamp;
  std::shared_ptr<const ElfFile> file;
};

std::mutex& cache_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, CacheEntry, std::less<>>& cache() {
  static std::map<std::string, CacheEntry, std::less<>> entries;
  return entries;
}

} // namespace

std::string_view elf_kind_name(ElfKind kind) {
  switch (kind) {
  case ElfKind::Executable:
    return "executable";
  case ElfKind::PieExecutable:
    return "pie executable";
  case ElfKind::SharedObject:
    return "shared object";
  case ElfKind::Relocatable:
    return "relocatable";
  case ElfKind::Core:
    return "core";
  case ElfKind::Other:
    return "other";
  }
  return "other";
}

Result<ElfKind> elf_kind_of(const std::string& path) {
  Result<ElfReader> reader = ElfReader::open(path);
  if (!reader) {
    return reader.takeError();
  }
  return classify(*reader);
}

std::optional<DemangledName> demangle(std::string_view symbol) {
  if (symbol.starts_with("_R")) {
    std::optional<std::string> text = take(llvm::rustDemangle(symbol));
    if (!text) {
      return std::nullopt;
    }
    return DemangledName{*text, *text};
  }
  if (!symbol.starts_with("_Z")) {
    return std::nullopt;
  }
  std::optional<std::string> signature =
      take(llvm::itaniumDemangle(symbol, /*ParseParams=*/true));
  if (!signature) {
    return std::nullopt;
  }
  std::optional<std::string> name =
      take(llvm::itaniumDemangle(symbol, /*ParseParams=*/false));
  if (!name) {
    name = signature;
  }
  if (is_rust_legacy(symbol)) {
    std::string clean = clean_rust_legacy(*name);
    return DemangledName{clean, clean};
  }
  // Template functions encode their return type ("long ns::f<long>(long)");
  // drop it so that the signature starts with the name, as gdb shows it.
  size_t at = signature->find(*name);
  if (at != std::string::npos && at > 0 && (*signature)[at - 1] == ' ') {
    signature->erase(0, at);
  }
  return DemangledName{std::move(*signature), std::move(*name)};
}

Result<std::shared_ptr<const ElfFile>> ElfFile::open(const std::string& path) {
  std::optional<FileStamp> stamp = FileStamp::of(path);
  if (!stamp) {
    return make_error("cannot open " + path + ": " + std::strerror(errno));
  }
  {
    std::lock_guard<std::mutex> lock(cache_mutex());
    auto it = cache().find(path);
    if (it != cache().end() && it->second.stamp == *stamp) {
      return it->second.file;
    }
  }
  // Loading happens outside the lock: two threads may read the same file
  // at once, and the last one wins the cache slot, which is harmless.
  Result<std::shared_ptr<const ElfFile>> file = load(path);
  if (!file) {
    return file.takeError();
  }
  std::lock_guard<std::mutex> lock(cache_mutex());
  cache()[path] = {*stamp, *file};
  return *file;
}

void ElfFile::clear_cache() {
  std::lock_guard<std::mutex> lock(cache_mutex());
  cache().clear();
}

Result<std::shared_ptr<const ElfFile>> ElfFile::load(const std::string& path) {
  Result<ElfReader> reader = ElfReader::open(path);
  if (!reader) {
    return reader.takeError();
  }
  auto file = std::make_shared<ElfFile>(Private{});
  file->path_ = path;
  file->kind_ = classify(*reader);
  file->machine_ = reader->header().e_machine;
  file->elf_class_ = reader->elf_class();
  file->build_id_ = reader->build_id();
  file->soname_ = reader->soname();
  file->layout_ = reader->layout();

  std::vector<ElfSymbol> symbols;
  bool has_symtab = false;
  for (const ElfReader::Section& section : reader->sections()) {
    if (section.header.sh_type == SHT_SYMTAB ||
        section.header.sh_type == SHT_DYNSYM) {
      has_symtab |= section.header.sh_type == SHT_SYMTAB;
      read_symbol_table(*reader, section, symbols);
    }
  }
  // Kept open until the names are copied: the symbols point into it.
  std::optional<ElfReader> debug_reader;
  if (!has_symtab) {
    std::string debug = find_debug_file(
        {path, file->build_id_, read_debuglink(*reader)}, ".symtab");
    if (!debug.empty()) {
      if (Result<ElfReader> opened = ElfReader::open(debug)) {
        debug_reader.emplace(std::move(*opened));
        for (const ElfReader::Section& section : debug_reader->sections()) {
          if (section.header.sh_type == SHT_SYMTAB) {
            read_symbol_table(*debug_reader, section, symbols);
          }
        }
        file->debug_file_ = debug;
      } else {
        llvm::consumeError(opened.takeError());
      }
    }
  }

  // .symtab repeats what .dynsym has: merge entries that agree on name,
  // address and kind, keeping the version (only .dynsym knows it for
  // unversioned .symtab spellings) and the larger size.
  std::sort(symbols.begin(), symbols.end(),
            [](const ElfSymbol& a, const ElfSymbol& b) {
              if (a.address != b.address) {
                return a.address < b.address;
              }
              if (a.name != b.name) {
                return a.name < b.name;
              }
              return is_function(a) && !is_function(b);
            });
  std::vector<ElfSymbol>& merged = file->symbols_;
  merged.reserve(symbols.size());
  size_t string_bytes = 0;
  for (const ElfSymbol& symbol : symbols) {
    if (!merged.empty()) {
      ElfSymbol& last = merged.back();
      if (last.address == symbol.address && last.name == symbol.name &&
          is_function(last) == is_function(symbol) &&
          (last.version.empty() || symbol.version.empty() ||
           last.version == symbol.version)) {
        if (last.version.empty()) {
          string_bytes += symbol.version.size();
          last.version = symbol.version;
          last.hidden_version = symbol.hidden_version;
        }
        last.size = std::max(last.size, symbol.size);
        if (preference(symbol) < preference(last)) {
          last.binding = symbol.binding;
        }
        continue;
      }
    }
    string_bytes += symbol.name.size() + symbol.version.size();
    merged.push_back(symbol);
  }
  merged.shrink_to_fit();

  // One allocation holds every name; the reserve guarantees the views
  // taken into it stay valid.
  std::string& strings = file->strings_;
  strings.reserve(string_bytes);
  auto intern = [&strings](std::string_view text) {
    size_t at = strings.size();
    strings.append(text);
    return std::string_view(strings).substr(at, text.size());
  };
  for (ElfSymbol& symbol : merged) {
    symbol.name = intern(symbol.name);
    symbol.version = intern(symbol.version);
  }

  file->by_name_ = hash_index(
      merged.size(), [&](uint32_t index) { return merged[index].name; });

  for (uint32_t i = 0; i < merged.size(); ++i) {
    if (!is_function(merged[i])) {
      continue;
    }
    std::vector<uint32_t>& index = file->functions_by_address_;
    if (!index.empty() && merged[index.back()].address == merged[i].address) {
      // Aliases: keep the name a reader expects (global, fewest leading
      // underscores: `malloc` over `__libc_malloc`).
      const ElfSymbol& kept = merged[index.back()];
      const ElfSymbol& other = merged[i];
      auto key = [](const ElfSymbol& s) {
        return std::make_tuple(preference(s), leading_underscores(s.name),
                               s.name.size());
      };
      if (key(other) < key(kept)) {
        index.back() = i;
      }
      continue;
    }
    index.push_back(i);
  }
  return std::shared_ptr<const ElfFile>(std::move(file));
}

void ElfFile::demangle_all() const {
  std::call_once(demangle_once_, [this] {
    demangled_.resize(symbols_.size());
    std::vector<uint32_t> mangled;
    for (uint32_t i = 0; i < symbols_.size(); ++i) {
      if (std::optional<DemangledName> name = demangle(symbols_[i].name)) {
        demangled_[i] = std::move(*name);
        mangled.push_back(i);
      }
    }
    by_demangled_name_ = hash_index(mangled.size(), [&](uint32_t i) {
      return std::string_view(demangled_[mangled[i]].name);
    });
    // The index holds positions in `mangled`; store symbol indices.
    for (auto& entry : by_demangled_name_) {
      entry.second = mangled[entry.second];
    }
    std::sort(by_demangled_name_.begin(), by_demangled_name_.end());
  });
}

const DemangledName* ElfFile::demangled(const ElfSymbol& symbol) const {
  demangle_all();
  size_t index = static_cast<size_t>(&symbol - symbols_.data());
  if (index >= symbols_.size() || demangled_[index].signature.empty()) {
    return nullptr;
  }
  return &demangled_[index];
}

std::string_view ElfFile::display_name(const ElfSymbol& symbol) const {
  if (const DemangledName* name = demangled(symbol)) {
    return name->signature;
  }
  return symbol.name;
}

std::vector<const ElfSymbol*> ElfFile::lookup(std::string_view name,
                                              NameForm form,
                                              bool functions_only) const {
  std::vector<const ElfSymbol*> found;
  auto keep = [&](uint32_t index) {
    const ElfSymbol& symbol = symbols_[index];
    if (!functions_only || is_function(symbol)) {
      found.push_back(&symbol);
    }
  };
  auto raw_name = [this](uint32_t index) { return symbols_[index].name; };
  if (form == NameForm::Raw) {
    find_in_index(by_name_, name, raw_name, keep);
  } else {
    demangle_all();
    // An unmangled name is its own demangled form.
    find_in_index(by_name_, name, raw_name, [&](uint32_t index) {
      if (demangled_[index].signature.empty()) {
        keep(index);
      }
    });
    find_in_index(
        by_demangled_name_, name,
        [this](uint32_t index) {
          return std::string_view(demangled_[index].name);
        },
        keep);
    // A parameter list selects one overload by its signature.
    if (name.find('(') != std::string_view::npos) {
      for (uint32_t index = 0; index < demangled_.size(); ++index) {
        if (demangled_[index].signature == name &&
            demangled_[index].name != name) {
          keep(index);
        }
      }
    }
  }
  std::sort(found.begin(), found.end(),
            [](const ElfSymbol* a, const ElfSymbol* b) { return a < b; });
  return found;
}

std::vector<const ElfSymbol*> ElfFile::match(std::string_view pattern,
                                             NameForm form,
                                             bool functions_only) const {
  if (pattern.find_first_of("*?") == std::string_view::npos) {
    return lookup(pattern, form, functions_only);
  }
  std::vector<const ElfSymbol*> found;
  bool signature = pattern.find('(') != std::string_view::npos;
  if (form == NameForm::Demangled) {
    demangle_all();
  }
  for (size_t i = 0; i < symbols_.size(); ++i) {
    const ElfSymbol& symbol = symbols_[i];
    if (functions_only && !is_function(symbol)) {
      continue;
    }
    bool matched = false;
    if (form == NameForm::Demangled && !demangled_[i].signature.empty()) {
      matched = glob_match(pattern, demangled_[i].name) ||
                (signature && glob_match(pattern, demangled_[i].signature));
    } else {
      matched = glob_match(pattern, symbol.name);
    }
    if (matched) {
      found.push_back(&symbol);
    }
  }
  return found;
}

const ElfSymbol* ElfFile::find_function(std::string_view name,
                                        NameForm form) const {
  std::vector<const ElfSymbol*> found = lookup(name, form);
  if (found.empty()) {
    return nullptr;
  }
  return *std::min_element(found.begin(), found.end(),
                           [](const ElfSymbol* a, const ElfSymbol* b) {
                             return preference(*a) < preference(*b);
                           });
}

std::vector<std::string> ElfFile::function_names() const {
  std::vector<std::string> names;
  for (const ElfSymbol& symbol : symbols_) {
    if (is_function(symbol)) {
      names.emplace_back(symbol.name);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::optional<SymbolHit> ElfFile::function_at(uint64_t vaddr) const {
  auto it = std::upper_bound(functions_by_address_.begin(),
                             functions_by_address_.end(), vaddr,
                             [this](uint64_t value, uint32_t index) {
                               return value < symbols_[index].address;
                             });
  if (it == functions_by_address_.begin()) {
    return std::nullopt;
  }
  const ElfSymbol& symbol = symbols_[*(it - 1)];
  uint64_t offset = vaddr - symbol.address;
  if (symbol.size != 0 && offset >= symbol.size) {
    return std::nullopt;
  }
  return SymbolHit{&symbol, offset};
}

Result<uint64_t> ElfFile::file_offset(const ElfSymbol& symbol,
                                      uint64_t offset) const {
  if (symbol.size != 0 && offset >= symbol.size) {
    return make_error("offset " + hex(offset) + " is beyond the end of " +
                      std::string(symbol.name) + " (size " +
                      std::to_string(symbol.size) + ") in " + path_);
  }
  if (kind_ == ElfKind::Relocatable) {
    return make_error(path_ +
                      " is a relocatable object: its addresses are not final");
  }
  return layout_.file_offset(symbol.address + offset);
}

} // namespace sonde::symbols
