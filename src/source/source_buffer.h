// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sonde {

// A half-open range [begin, end) of byte offsets into one SourceBuffer.
// It is a small value: line and column are computed only when rendering.
struct SourceRange {
  uint32_t begin = 0;
  uint32_t end = 0;

  static SourceRange join(SourceRange first, SourceRange last) {
    return {first.begin, last.end};
  }
};

// A 1-based line and column.
struct LineColumn {
  uint32_t line = 1;
  uint32_t column = 1;
};

// The text of one script (a file, `-e` text or stdin) and its line table.
// Ranges into it stay valid for its lifetime. Files the script imports are
// appended to the same buffer (add_file), so one SourceRange locates text
// in any of them; each file keeps its own name and line numbers.
class SourceBuffer {
public:
  SourceBuffer(std::string name, std::string text);

  // The main script's name.
  const std::string& name() const { return files_.front().name; }
  // The text of every file: the main script, then each imported file as
  // "\0NAME\0TEXT". A SourceBuffer made from this text has the same files.
  std::string_view text() const { return text_; }
  std::string_view slice(SourceRange range) const;

  // Appends an imported file; returns the range of its text.
  SourceRange add_file(std::string name, std::string_view text);
  // The name of the file that holds `offset`.
  const std::string& name_at(uint32_t offset) const;
  // The range of the main script's text.
  SourceRange main_range() const {
    return {files_.front().begin, files_.front().end};
  }

  // Line and column within the file that holds `offset`.
  LineColumn line_column(uint32_t offset) const;
  // The offset of a 1-based line and column of the main script, clamped
  // to its text.
  uint32_t offset_of(LineColumn at) const;
  // The text of a 1-based line of the main script, without its newline.
  std::string_view line_text(uint32_t line) const;
  // The text of the line that holds `offset`, without its newline.
  std::string_view line_text_at(uint32_t offset) const;

private:
  struct File {
    std::string name;
    uint32_t begin;
    uint32_t end;
    uint32_t first_line; // Index into line_starts_.
  };
  const File& file_at(uint32_t offset) const;
  void index_file(std::string name, uint32_t begin, uint32_t end);

  std::string text_;
  std::vector<File> files_;
  std::vector<uint32_t> line_starts_;
};

} // namespace sonde
