// SPDX-License-Identifier: Apache-2.0
#include "source/source_buffer.h"

#include <algorithm>

namespace sonde {

SourceBuffer::SourceBuffer(std::string name, std::string text)
    : text_(std::move(text)) {
  // Text from another SourceBuffer may hold imported files already, each
  // as "\0NAME\0TEXT" (see add_file): index them again.
  size_t end = std::min(text_.find('\0'), text_.size());
  index_file(std::move(name), 0, static_cast<uint32_t>(end));
  while (end < text_.size()) {
    size_t name_end = std::min(text_.find('\0', end + 1), text_.size());
    size_t file_end = std::min(text_.find('\0', name_end + 1), text_.size());
    index_file(text_.substr(end + 1, name_end - end - 1),
               static_cast<uint32_t>(std::min(name_end + 1, text_.size())),
               static_cast<uint32_t>(file_end));
    end = file_end;
  }
}

SourceRange SourceBuffer::add_file(std::string name, std::string_view text) {
  // The NULs keep a lexer's look-ahead from running into the next file,
  // and let the text alone carry the file names (codegen and the runtime
  // rebuild a SourceBuffer from it).
  text_ += '\0';
  text_ += name;
  text_ += '\0';
  const uint32_t begin = static_cast<uint32_t>(text_.size());
  text_ += text;
  const uint32_t end = static_cast<uint32_t>(text_.size());
  index_file(std::move(name), begin, end);
  return {begin, end};
}

void SourceBuffer::index_file(std::string name, uint32_t begin, uint32_t end) {
  files_.push_back({std::move(name), begin, end,
                    static_cast<uint32_t>(line_starts_.size())});
  line_starts_.push_back(begin);
  for (uint32_t i = begin; i < end; ++i) {
    if (text_[i] == '\n') {
      line_starts_.push_back(i + 1);
    }
  }
}

const SourceBuffer::File& SourceBuffer::file_at(uint32_t offset) const {
  auto after = std::upper_bound(
      files_.begin(), files_.end(), offset,
      [](uint32_t value, const File& file) { return value < file.begin; });
  return after == files_.begin() ? files_.front() : *(after - 1);
}

const std::string& SourceBuffer::name_at(uint32_t offset) const {
  return file_at(offset).name;
}

std::string_view SourceBuffer::slice(SourceRange range) const {
  uint32_t begin = std::min<uint32_t>(range.begin, text_.size());
  uint32_t end = std::clamp<uint32_t>(range.end, begin, text_.size());
  return std::string_view(text_).substr(begin, end - begin);
}

LineColumn SourceBuffer::line_column(uint32_t offset) const {
  const File& file = file_at(offset);
  offset = std::clamp<uint32_t>(offset, file.begin, file.end);
  auto after =
      std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t index = after - line_starts_.begin();
  return {index - file.first_line, offset - line_starts_[index - 1] + 1};
}

uint32_t SourceBuffer::offset_of(LineColumn at) const {
  const File& main = files_.front();
  uint32_t main_lines =
      files_.size() > 1 ? files_[1].first_line : line_starts_.size();
  if (at.line == 0 || at.line > main_lines) {
    return main.end;
  }
  uint32_t line_start = line_starts_[at.line - 1];
  uint32_t column = at.column == 0 ? 0 : at.column - 1;
  return std::min<uint32_t>(line_start + column, main.end);
}

std::string_view SourceBuffer::line_text(uint32_t line) const {
  uint32_t main_lines =
      files_.size() > 1 ? files_[1].first_line : line_starts_.size();
  if (line == 0 || line > main_lines) {
    return {};
  }
  return line_text_at(line_starts_[line - 1]);
}

std::string_view SourceBuffer::line_text_at(uint32_t offset) const {
  const File& file = file_at(offset);
  offset = std::clamp<uint32_t>(offset, file.begin, file.end);
  auto after =
      std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t begin = *(after - 1);
  uint32_t end = after != line_starts_.end() && *after - 1 < file.end
                     ? *after - 1
                     : file.end;
  return std::string_view(text_).substr(begin, end - begin);
}

} // namespace sonde
