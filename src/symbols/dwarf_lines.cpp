// SPDX-License-Identifier: Apache-2.0
// DWARF line tables: where the statements of a source line are, for
// uprobes on `BIN@FILE:LINE`.
#include "symbols/dwarf_types.h"

#include <algorithm>
#include <cstdlib>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace sonde::symbols {

namespace {

// Whether a line table's file path names `wanted`: the same path, or one
// ending with it at a '/'. An absolute `wanted` must be the whole path.
bool file_matches(std::string_view path, std::string_view wanted) {
  std::string normal =
      std::filesystem::path(path).lexically_normal().generic_string();
  std::string_view text = normal;
  if (text == wanted) {
    return true;
  }
  return !wanted.starts_with('/') && text.size() > wanted.size() &&
         text.ends_with(wanted) && text[text.size() - wanted.size() - 1] == '/';
}

// `path` from a unit's line table, made absolute with the unit's
// DW_AT_comp_dir when the compiler wrote it relative to that directory
// (`../src/f.c` for a build in build/), and normalized.
std::string full_path(Dwarf_Die* unit, const char* path) {
  std::filesystem::path file(path);
  if (file.is_relative()) {
    Dwarf_Attribute attribute;
    const char* directory = nullptr;
    if (dwarf_attr_integrate(unit, DW_AT_comp_dir, &attribute) != nullptr) {
      directory = dwarf_formstring(&attribute);
    }
    if (directory != nullptr) {
      file = std::filesystem::path(directory) / file;
    }
  }
  return file.lexically_normal().generic_string();
}

struct LineRow {
  uint64_t address;
  uint32_t line;
  uint32_t column;
};

// The path of entry `index` of a unit's file table, or empty.
std::string unit_file(Dwarf_Die* unit, Dwarf_Word index) {
  Dwarf_Files* files = nullptr;
  size_t count = 0;
  if (dwarf_getsrcfiles(unit, &files, &count) != 0 || index >= count) {
    return {};
  }
  const char* name = dwarf_filesrc(files, index, nullptr, nullptr);
  return name != nullptr ? full_path(unit, name) : "";
}

std::optional<Dwarf_Word> unsigned_value(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attribute;
  Dwarf_Word value = 0;
  if (dwarf_attr(die, name, &attribute) == nullptr ||
      dwarf_formudata(&attribute, &value) != 0) {
    return std::nullopt;
  }
  return value;
}

// The unit whose code covers `address`: through .debug_aranges, else by
// asking each unit.
bool unit_at(Dwarf* dwarf, uint64_t address, Dwarf_Die* result) {
  if (dwarf_addrdie(dwarf, address, result) != nullptr) {
    return true;
  }
  Dwarf_CU* unit = nullptr;
  uint8_t unit_type = 0;
  while (dwarf_get_units(dwarf, unit, &unit, nullptr, &unit_type, result,
                         nullptr) == 0) {
    if (dwarf_haspc(result, address) == 1) {
      return true;
    }
  }
  return false;
}

} // namespace

SourceFrames DwarfFile::source_frames(uint64_t address) {
  SourceFrames frames;
  Dwarf_Die unit;
  if (!unit_at(dwarf_, address, &unit)) {
    return frames;
  }
  std::string location;
  if (Dwarf_Line* line = dwarf_getsrc_die(&unit, address)) {
    int number = 0;
    const char* path = dwarf_linesrc(line, nullptr, nullptr);
    if (path != nullptr && dwarf_lineno(line, &number) == 0) {
      location = full_path(&unit, path) + ":" + std::to_string(number);
    }
  }
  // Scopes come innermost first; each inlined function's caller continues
  // at its call site.
  Dwarf_Die* scopes = nullptr;
  int count = dwarf_getscopes(&unit, address, &scopes);
  for (int i = 0; i < count; ++i) {
    if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine) {
      continue;
    }
    InlinedFrame frame;
    Dwarf_Attribute name;
    if (dwarf_attr_integrate(&scopes[i], DW_AT_name, &name) != nullptr) {
      if (const char* text = dwarf_formstring(&name)) {
        frame.name = text;
      }
    }
    frame.location = location;
    frames.inlined.push_back(std::move(frame));
    std::optional<Dwarf_Word> file =
        unsigned_value(&scopes[i], DW_AT_call_file);
    std::optional<Dwarf_Word> line =
        unsigned_value(&scopes[i], DW_AT_call_line);
    location.clear();
    if (file && line) {
      std::string path = unit_file(&unit, *file);
      if (!path.empty()) {
        location = path + ":" + std::to_string(*line);
      }
    }
  }
  free(scopes);
  frames.location = location;
  return frames;
}

Result<std::vector<uint64_t>> DwarfFile::line_addresses(std::string_view file,
                                                        uint32_t line,
                                                        uint32_t column) {
  std::string wanted =
      std::filesystem::path(file).lexically_normal().generic_string();
  // The statements of every matching file, by file.
  std::map<std::string, std::vector<LineRow>> rows;
  Dwarf_CU* unit = nullptr;
  Dwarf_Die unit_die;
  uint8_t unit_type = 0;
  while (dwarf_get_units(dwarf_, unit, &unit, nullptr, &unit_type, &unit_die,
                         nullptr) == 0) {
    // Split units keep their line table in the skeleton.
    if (unit_type != DW_UT_compile && unit_type != DW_UT_partial &&
        unit_type != DW_UT_skeleton) {
      continue;
    }
    Dwarf_Lines* lines = nullptr;
    size_t count = 0;
    if (dwarf_getsrclines(&unit_die, &lines, &count) != 0) {
      continue;
    }
    for (size_t i = 0; i < count; ++i) {
      Dwarf_Line* row = dwarf_onesrcline(lines, i);
      bool statement = false;
      bool end = false;
      const char* path =
          row != nullptr ? dwarf_linesrc(row, nullptr, nullptr) : nullptr;
      if (path == nullptr || dwarf_linebeginstatement(row, &statement) != 0 ||
          dwarf_lineendsequence(row, &end) != 0 || !statement || end) {
        continue;
      }
      std::string source = full_path(&unit_die, path);
      if (!file_matches(source, wanted)) {
        continue;
      }
      int number = 0;
      int col = 0;
      Dwarf_Addr address = 0;
      if (dwarf_lineno(row, &number) != 0 ||
          dwarf_lineaddr(row, &address) != 0) {
        continue;
      }
      dwarf_linecol(row, &col);
      rows[source].push_back({address, static_cast<uint32_t>(number),
                              static_cast<uint32_t>(std::max(col, 0))});
    }
  }
  if (rows.empty()) {
    return make_error("no source file '" + std::string(file) +
                      "' in the DWARF of " + path_);
  }
  if (rows.size() > 1) {
    std::string names;
    for (const auto& [name, unused] : rows) {
      names += (names.empty() ? "" : ", ") + name;
    }
    return make_error("'" + std::string(file) +
                      "' names several source files (" + names +
                      "): give more of its path");
  }
  const auto& [name, statements] = *rows.begin();
  std::set<uint64_t> addresses;
  std::set<uint32_t> lines_with_code;
  for (const LineRow& row : statements) {
    lines_with_code.insert(row.line);
    if (row.line == line && (column == 0 || row.column == column)) {
      addresses.insert(row.address);
    }
  }
  if (!addresses.empty()) {
    return std::vector<uint64_t>(addresses.begin(), addresses.end());
  }
  std::string where = std::string(file) + ":" + std::to_string(line) +
                      (column != 0 ? ":" + std::to_string(column) : "");
  if (column != 0 && lines_with_code.count(line) != 0) {
    std::set<uint32_t> starts;
    for (const LineRow& row : statements) {
      if (row.line == line) {
        starts.insert(row.column);
      }
    }
    std::string columns;
    for (uint32_t start : starts) {
      columns += (columns.empty() ? "" : ", ") + std::to_string(start);
    }
    return make_error("no statement starts at " + where +
                      " (statements of line " + std::to_string(line) +
                      " start at columns " + columns + ")");
  }
  // The nearest lines with code on each side, to show where a probe can go.
  std::string nearest;
  auto after = lines_with_code.upper_bound(line);
  if (after != lines_with_code.begin()) {
    nearest = "line " + std::to_string(*std::prev(after));
  }
  if (after != lines_with_code.end()) {
    nearest +=
        (nearest.empty() ? "line " : " and line ") + std::to_string(*after);
  }
  return make_error("no statement at " + where + " in " + name +
                    (nearest.empty() ? "" : " (the nearest: " + nearest + ")"));
}

} // namespace sonde::symbols
