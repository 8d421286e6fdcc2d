// SPDX-License-Identifier: Apache-2.0
// The read_config pass: the script's `config = { ... }` block and the
// BPFTRACE_<KEY> environment variables (which win) become ProgramConfig.
#include "base/strings.h"
#include "sema/pipeline.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>

namespace sonde::sema {

namespace {

enum class ValueKind : uint8_t { Integer, Bool, Text };

struct KeyInfo {
  const char* name;
  ValueKind kind;
  // Whether sonde acts on the key; the others are accepted and warned
  // about.
  bool honoured;
};

constexpr KeyInfo kKeys[] = {
    {"max_map_keys", ValueKind::Integer, true},
    {"max_strlen", ValueKind::Integer, true},
    {"on_stack_limit", ValueKind::Integer, true},
    {"print_maps_on_exit", ValueKind::Bool, true},
    {"license", ValueKind::Text, true},
    {"missing_probes", ValueKind::Text, true},
    {"stack_mode", ValueKind::Text, true},
    {"cache_user_symbols", ValueKind::Text, false},
    {"cpp_demangle", ValueKind::Bool, false},
    {"lazy_symbolication", ValueKind::Bool, false},
    {"log_size", ValueKind::Integer, false},
    {"max_bpf_progs", ValueKind::Integer, false},
    {"max_cat_bytes", ValueKind::Integer, true},
    {"max_probes", ValueKind::Integer, false},
    {"perf_rb_pages", ValueKind::Integer, false},
    {"str_trunc_trailer", ValueKind::Text, true},
    {"use_blazesym", ValueKind::Bool, false},
    {"show_debug_info", ValueKind::Bool, true},
    {"unstable_tseries", ValueKind::Text, true},
    {"unstable_dw_ustack", ValueKind::Text, false},
    {"unstable_typeinfo", ValueKind::Text, true},
    {"unstable_import_statement", ValueKind::Text, true},
};

// Old spellings that bpftrace answers with the new name.
constexpr std::pair<const char*, const char*> kRenamed[] = {
    {"strlen", "max_strlen"},
    {"no_cpp_demangle", "cpp_demangle"},
    {"cat_bytes_max", "max_cat_bytes"},
    {"map_keys_max", "max_map_keys"},
};

constexpr const char* kDeprecated[] = {
    "symbol_source",   "max_type_res_iterations", "unstable_addr",
    "unstable_import", "unstable_macro",          "unstable_map_decl"};

// The licenses bpftrace accepts: the GPL-compatible ones the kernel lets
// use every helper sonde calls.
constexpr const char* kLicenses[] = {
    "GPL",          "GPL v2",       "GPL and additional rights",
    "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};

// Large strings live in a scratch map; a bound keeps a printf of a few of
// them within what the kernel allocates for one map element and event.
constexpr uint64_t kMaxStrlen = 32768;
// The BPF stack is 512 bytes; half of it may hold values.
constexpr uint64_t kMaxOnStackLimit = 256;

std::string normalise_key(std::string key) {
  for (char& c : key) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (key.starts_with("bpftrace_")) {
    key = key.substr(9);
  }
  return key;
}

std::optional<Unstable> unstable_level(const std::string& text) {
  if (text == "enable") {
    return Unstable::Enable;
  }
  if (text == "warn") {
    return Unstable::Warn;
  }
  if (text == "error") {
    return Unstable::Error;
  }
  return std::nullopt;
}

const KeyInfo* find_key(const std::string& name) {
  for (const KeyInfo& key : kKeys) {
    if (name == key.name) {
      return &key;
    }
  }
  return nullptr;
}

class ConfigReader {
public:
  ConfigReader(diag::DiagnosticEngine& diag, ProgramConfig& config)
      : diag_(diag), config_(config) {}

  void read_block(const ast::Config& block) {
    for (const ast::ConfigEntry& entry : block.entries) {
      read_entry(entry);
    }
  }

  // BPFTRACE_<KEY>=value (and SONDE_<KEY>) override the block.
  void read_environment() {
    for (const KeyInfo& key : kKeys) {
      std::string upper = key.name;
      for (char& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      for (const std::string& variable :
           {"SONDE_" + upper, "BPFTRACE_" + upper}) {
        if (const char* value = std::getenv(variable.c_str())) {
          if (!apply(key, value, std::nullopt, std::nullopt)) {
            diag_
                .build_unlocated(diag::Kind::ConfigEnvironmentInvalid,
                                 {variable, value})
                .emit();
          }
          break;
        }
      }
    }
  }

private:
  void read_entry(const ast::ConfigEntry& entry) {
    std::string name = normalise_key(entry.key);
    for (const auto& [old_name, new_name] : kRenamed) {
      if (name == old_name) {
        diag_
            .build(diag::Kind::ConfigKeyRenamed, entry.key_range,
                   {entry.key, new_name})
            .emit();
        return;
      }
    }
    for (const char* deprecated : kDeprecated) {
      if (name == deprecated) {
        diag_
            .build(diag::Kind::ConfigKeyDeprecated, entry.key_range,
                   {entry.key})
            .emit();
        return;
      }
    }
    const KeyInfo* key = find_key(name);
    if (key == nullptr) {
      std::vector<std::string> names;
      for (const KeyInfo& known : kKeys) {
        names.push_back(known.name);
      }
      auto report = diag_.build(diag::Kind::ConfigKeyUnknown, entry.key_range,
                                {entry.key});
      if (auto close = closest_match(name, names)) {
        report.hint(diag::Kind::DidYouMean, {*close});
      }
      report.emit();
      return;
    }
    std::string text;
    std::optional<uint64_t> number;
    if (const auto* literal = ast::dyn_cast<ast::IntLiteral>(entry.value)) {
      number = literal->value;
      text = std::to_string(literal->value);
    } else if (const auto* string =
                   ast::dyn_cast<ast::StringLiteral>(entry.value)) {
      text = string->value;
    } else if (const auto* boolean =
                   ast::dyn_cast<ast::BoolLiteral>(entry.value)) {
      text = boolean->value ? "true" : "false";
    } else if (const auto* ident = ast::dyn_cast<ast::Builtin>(entry.value)) {
      text = ident->name;
    }
    if (!apply(*key, text, number, entry.value->range())) {
      return;
    }
    if (!key->honoured) {
      diag_.build(diag::Kind::ConfigKeyIgnored, entry.key_range, {entry.key})
          .emit();
    }
  }

  // Sets one key; reports (at `range` when it comes from the script) and
  // returns false when the value does not suit it.
  bool apply(const KeyInfo& key,
             const std::string& text,
             std::optional<uint64_t> number,
             std::optional<SourceRange> range) {
    auto invalid = [&](const char* expected) {
      if (range) {
        diag_
            .build(diag::Kind::ConfigValueInvalid, *range,
                   {key.name, expected, text})
            .emit();
        return false;
      }
      return false;
    };
    std::string name = key.name;
    if (key.kind == ValueKind::Integer) {
      if (!number) {
        char* end = nullptr;
        uint64_t parsed = std::strtoull(text.c_str(), &end, 0);
        if (text.empty() || *end != '\0') {
          return invalid("an integer");
        }
        number = parsed;
      }
      if (name == "max_map_keys") {
        if (*number == 0 || *number > (1u << 24)) {
          return invalid("an integer from 1 to 16777216");
        }
        config_.max_map_keys = static_cast<uint32_t>(*number);
      } else if (name == "max_strlen") {
        if (*number == 0 || *number > kMaxStrlen) {
          return invalid("an integer from 1 to 32768");
        }
        config_.max_strlen = static_cast<uint32_t>(*number);
      } else if (name == "on_stack_limit") {
        if (*number > kMaxOnStackLimit) {
          return invalid("an integer from 0 to 256");
        }
        config_.on_stack_limit = static_cast<uint32_t>(*number);
      } else if (name == "max_cat_bytes") {
        config_.max_cat_bytes = *number;
      }
      return true;
    }
    if (key.kind == ValueKind::Bool) {
      bool value;
      if (text == "true" || text == "1") {
        value = true;
      } else if (text == "false" || text == "0") {
        value = false;
      } else {
        return invalid("true or false");
      }
      if (name == "print_maps_on_exit") {
        config_.print_maps_on_exit = value;
      } else if (name == "show_debug_info") {
        config_.show_debug_info = value;
      }
      return true;
    }
    if (name == "unstable_typeinfo" || name == "unstable_import_statement" ||
        name == "unstable_tseries") {
      std::optional<Unstable> level = unstable_level(text);
      if (!level) {
        return invalid("enable, warn or error");
      }
      (name == "unstable_typeinfo"  ? config_.unstable_typeinfo
       : name == "unstable_tseries" ? config_.unstable_tseries
                                    : config_.unstable_import_statement) =
          *level;
    } else if (name == "license") {
      if (std::find(std::begin(kLicenses), std::end(kLicenses), text) ==
          std::end(kLicenses)) {
        return invalid("a GPL-compatible license ('GPL', 'GPL v2', 'GPL and "
                       "additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL' or "
                       "'Dual MPL/GPL')");
      }
      config_.license = text;
    } else if (name == "str_trunc_trailer") {
      config_.str_trunc_trailer = text;
    } else if (name == "missing_probes") {
      if (text != "error" && text != "warn" && text != "ignore") {
        return invalid("error, warn or ignore");
      }
      config_.missing_probes = text;
    } else if (name == "stack_mode") {
      if (text == "bpftrace") {
        config_.stack_mode = types::StackMode::Bpftrace;
      } else if (text == "perf") {
        config_.stack_mode = types::StackMode::Perf;
      } else if (text == "raw") {
        config_.stack_mode = types::StackMode::Raw;
      } else if (text == "build_id") {
        config_.stack_mode = types::StackMode::BuildId;
      } else {
        return invalid("bpftrace, perf, raw or build_id");
      }
    }
    return true;
  }

  diag::DiagnosticEngine& diag_;
  ProgramConfig& config_;
};

} // namespace

bool read_config(const ast::Program& program,
                 diag::DiagnosticEngine& diag,
                 ProgramConfig& config) {
  unsigned errors = diag.error_count();
  ConfigReader reader(diag, config);
  for (const ast::Config* block : program.configs) {
    reader.read_block(*block);
  }
  reader.read_environment();
  return diag.error_count() == errors;
}

} // namespace sonde::sema
