// SPDX-License-Identifier: Apache-2.0
#include "source/source_buffer.h"

#include <algorithm>

namespace sonde {

SourceBuffer::SourceBuffer(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') {
      line_starts_.push_back(i + 1);
    }
  }
}

std::string_view SourceBuffer::slice(SourceRange range) const {
  uint32_t begin = std::min<uint32_t>(range.begin, text_.size());
  uint32_t end = std::clamp<uint32_t>(range.end, begin, text_.size());
  return std::string_view(text_).substr(begin, end - begin);
}

LineColumn SourceBuffer::line_column(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, text_.size());
  auto after =
      std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t line = after - line_starts_.begin();
  return {line, offset - line_starts_[line - 1] + 1};
}

uint32_t SourceBuffer::offset_of(LineColumn at) const {
  if (at.line == 0 || at.line > line_starts_.size()) {
    return text_.size();
  }
  uint32_t line_start = line_starts_[at.line - 1];
  uint32_t column = at.column == 0 ? 0 : at.column - 1;
  return std::min<uint32_t>(line_start + column, text_.size());
}

std::string_view SourceBuffer::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) {
    return {};
  }
  uint32_t begin = line_starts_[line - 1];
  uint32_t end =
      line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  return std::string_view(text_).substr(begin, end - begin);
}

} // namespace sonde
