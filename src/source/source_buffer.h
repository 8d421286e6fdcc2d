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
// Ranges into it stay valid for its lifetime.
class SourceBuffer {
public:
  SourceBuffer(std::string name, std::string text);

  const std::string& name() const { return name_; }
  std::string_view text() const { return text_; }
  std::string_view slice(SourceRange range) const;

  LineColumn line_column(uint32_t offset) const;
  // The offset of a 1-based line and column, clamped to the text.
  uint32_t offset_of(LineColumn at) const;
  // The text of a 1-based line, without its newline.
  std::string_view line_text(uint32_t line) const;

private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

} // namespace sonde
