// SPDX-License-Identifier: Apache-2.0
#include "symbols/kallsyms.h"

#include "base/strings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <tuple>

namespace sonde::symbols {

namespace {

std::string_view next_field(std::string_view& line) {
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  size_t end = line.find_first_of(" \t", start);
  std::string_view field = line.substr(start, end - start);
  line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  return field;
}

std::optional<KernelSymbol> parse_line(std::string_view line) {
  std::string_view address_text = next_field(line);
  std::string_view type = next_field(line);
  std::string_view name = next_field(line);
  std::string_view module = next_field(line);
  KernelSymbol symbol;
  auto [end, error] = std::from_chars(address_text.data(),
                                      address_text.data() + address_text.size(),
                                      symbol.address, 16);
  if (address_text.empty() || error != std::errc() ||
      end != address_text.data() + address_text.size() || type.size() != 1 ||
      name.empty()) {
    return std::nullopt;
  }
  symbol.type = type[0];
  symbol.name = name;
  if (module.size() >= 2 && module.front() == '[' && module.back() == ']') {
    symbol.module = module.substr(1, module.size() - 2);
  }
  return symbol;
}

// Lower is better among symbols at one address: text before data, global
// before local, fewer leading underscores.
std::tuple<int, int, size_t> preference(const KernelSymbol& symbol) {
  char lower = static_cast<char>(std::tolower(symbol.type));
  int is_text = lower == 't' || lower == 'w' ? 0 : 1;
  int is_local = std::islower(static_cast<unsigned char>(symbol.type)) ? 1 : 0;
  size_t underscores = symbol.name.find_first_not_of('_');
  return {is_text, is_local,
          underscores == std::string_view::npos ? 0 : underscores};
}

} // namespace

Result<std::unique_ptr<Kallsyms>> Kallsyms::parse(std::string text) {
  std::unique_ptr<Kallsyms> table(new Kallsyms());
  // Views point into text_, so it is filled before parsing and never moved
  // afterwards (the object lives behind a unique_ptr).
  table->text_ = std::move(text);
  std::string_view rest = table->text_;
  size_t lines = 0;
  while (!rest.empty()) {
    size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size()
                                                         : newline + 1);
    if (line.empty()) {
      continue;
    }
    ++lines;
    if (std::optional<KernelSymbol> symbol = parse_line(line)) {
      table->has_addresses_ |= symbol->address != 0;
      table->symbols_.push_back(*symbol);
    }
  }
  if (lines > 0 && table->symbols_.empty()) {
    return make_error("no line is in kallsyms format");
  }
  // /proc/kallsyms is mostly sorted already (modules come after vmlinux),
  // so the stable sort is cheap and keeps file order among equals.
  std::stable_sort(table->symbols_.begin(), table->symbols_.end(),
                   [](const KernelSymbol& a, const KernelSymbol& b) {
                     return a.address < b.address;
                   });
  const std::vector<KernelSymbol>& symbols = table->symbols_;
  std::vector<uint64_t>& addresses = table->addresses_;
  std::vector<uint32_t>& chosen = table->address_symbols_;
  for (uint32_t i = 0; i < symbols.size(); ++i) {
    if (!addresses.empty() && addresses.back() == symbols[i].address) {
      if (preference(symbols[i]) < preference(symbols[chosen.back()])) {
        chosen.back() = i;
      }
      continue;
    }
    addresses.push_back(symbols[i].address);
    chosen.push_back(i);
  }
  return table;
}

Result<std::unique_ptr<Kallsyms>> Kallsyms::load(const std::string& path) {
  std::optional<std::string> text = read_file(path);
  if (!text) {
    return make_error("cannot read " + path);
  }
  Result<std::unique_ptr<Kallsyms>> table = parse(std::move(*text));
  if (!table) {
    return make_error(path + ": " + error_text(table.takeError()));
  }
  return table;
}

Result<const Kallsyms*> Kallsyms::system() {
  // The error is kept as text: an llvm::Error can be consumed only once.
  static const auto loaded =
      []() -> std::pair<std::unique_ptr<Kallsyms>, std::string> {
    Result<std::unique_ptr<Kallsyms>> table = load("/proc/kallsyms");
    if (!table) {
      return {nullptr, error_text(table.takeError())};
    }
    return {std::move(*table), ""};
  }();
  if (!loaded.first) {
    return make_error(loaded.second);
  }
  return loaded.first.get();
}

std::optional<KernelSymbolHit> Kallsyms::lookup(uint64_t address) const {
  // With hidden addresses every symbol sits at 0 and any answer would be
  // a confident lie.
  if (!has_addresses_) {
    return std::nullopt;
  }
  auto it = std::upper_bound(addresses_.begin(), addresses_.end(), address);
  if (it == addresses_.begin()) {
    return std::nullopt;
  }
  const KernelSymbol& symbol =
      symbols_[address_symbols_[static_cast<size_t>(it - addresses_.begin()) -
                                1]];
  return KernelSymbolHit{&symbol, address - symbol.address};
}

std::string Kallsyms::symbolize(uint64_t address,
                                bool with_offset,
                                bool with_module) const {
  std::optional<KernelSymbolHit> hit = lookup(address);
  char buffer[32];
  if (!hit) {
    std::snprintf(buffer, sizeof(buffer), "0x%llx",
                  static_cast<unsigned long long>(address));
    return buffer;
  }
  std::string text(hit->symbol->name);
  if (with_offset && hit->offset != 0) {
    std::snprintf(buffer, sizeof(buffer), "+0x%llx",
                  static_cast<unsigned long long>(hit->offset));
    text += buffer;
  }
  if (with_module && !hit->symbol->module.empty()) {
    text += " [";
    text += hit->symbol->module;
    text += "]";
  }
  return text;
}

void Kallsyms::build_name_index() const {
  // Hashes sort much faster than 100k+ names with long shared prefixes.
  std::call_once(name_index_once_, [this] {
    by_name_.resize(symbols_.size());
    for (uint32_t i = 0; i < symbols_.size(); ++i) {
      by_name_[i] = {std::hash<std::string_view>()(symbols_[i].name), i};
    }
    std::sort(by_name_.begin(), by_name_.end());
  });
}

std::vector<const KernelSymbol*> Kallsyms::find(std::string_view name,
                                                std::string_view module) const {
  build_name_index();
  uint64_t hash = std::hash<std::string_view>()(name);
  std::vector<const KernelSymbol*> found;
  for (auto it = std::lower_bound(by_name_.begin(), by_name_.end(),
                                  std::make_pair(hash, uint32_t{0}));
       it != by_name_.end() && it->first == hash; ++it) {
    const KernelSymbol& symbol = symbols_[it->second];
    if (symbol.name == name &&
        (module.empty() || symbol.module == module ||
         (module == "vmlinux" && symbol.module.empty()))) {
      found.push_back(&symbol);
    }
  }
  return found;
}

std::optional<uint64_t> Kallsyms::address_of(std::string_view name,
                                             std::string_view module) const {
  std::vector<const KernelSymbol*> found = find(name, module);
  if (found.empty()) {
    return std::nullopt;
  }
  return found.front()->address;
}

std::vector<const KernelSymbol*>
Kallsyms::match(std::string_view pattern) const {
  std::vector<const KernelSymbol*> found;
  for (const KernelSymbol& symbol : symbols_) {
    if (glob_match(pattern, symbol.name)) {
      found.push_back(&symbol);
    }
  }
  return found;
}

std::vector<std::string_view> Kallsyms::modules() const {
  std::vector<std::string_view> names;
  for (const KernelSymbol& symbol : symbols_) {
    if (!symbol.module.empty()) {
      names.push_back(symbol.module);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

namespace {

class SystemKernelSymbols : public KernelSymbolSource {
public:
  std::optional<uint64_t> address_of(std::string_view name) const override {
    Result<const Kallsyms*> kallsyms = Kallsyms::system();
    if (!kallsyms) {
      llvm::consumeError(kallsyms.takeError());
      return std::nullopt;
    }
    return (*kallsyms)->address_of(name);
  }
};

} // namespace

const KernelSymbolSource& KernelSymbolSource::system() {
  static const SystemKernelSymbols source;
  return source;
}

} // namespace sonde::symbols
