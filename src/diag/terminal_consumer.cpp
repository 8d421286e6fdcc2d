// SPDX-License-Identifier: Apache-2.0
#include "diag/terminal_consumer.h"

#include "llvm/Support/Format.h"

#include <algorithm>

namespace sonde::diag {

namespace {
const char* severity_word(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  case Severity::Hint:
    return "hint";
  }
  return "error";
}

llvm::raw_ostream::Colors severity_color(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return llvm::raw_ostream::RED;
  case Severity::Warning:
    return llvm::raw_ostream::MAGENTA;
  case Severity::Note:
    return llvm::raw_ostream::CYAN;
  case Severity::Hint:
    return llvm::raw_ostream::GREEN;
  }
  return llvm::raw_ostream::RED;
}

// Display width of line[0, offset) with tabs expanded to 4 columns.
size_t display_column(std::string_view line, size_t offset) {
  size_t column = 0;
  for (size_t i = 0; i < offset && i < line.size(); ++i) {
    column += line[i] == '\t' ? 4 : 1;
  }
  return column;
}
} // namespace

TerminalConsumer::TerminalConsumer(const SourceBuffer& source,
                                   llvm::raw_ostream& out,
                                   bool color)
    : source_(source), out_(out), color_(color) {}

void TerminalConsumer::handle(const Diagnostic& diagnostic) {
  render(severity_of(diagnostic.kind), diagnostic.message(),
         diagnostic.has_range ? &diagnostic.range : nullptr);
  for (const Attachment& attachment : diagnostic.attachments) {
    const SourceRange* range =
        attachment.has_range ? &attachment.range : &diagnostic.range;
    if (!attachment.has_range && !diagnostic.has_range) {
      range = nullptr;
    }
    render(severity_of(attachment.kind),
           format_message(format_of(attachment.kind), attachment.args), range);
    // A hint at the main location repeats no excerpt.
  }
}

void TerminalConsumer::render(Severity severity,
                              const std::string& message,
                              const SourceRange* range) {
  if (color_) {
    out_.changeColor(llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true);
  }
  if (range != nullptr) {
    LineColumn at = source_.line_column(range->begin);
    out_ << source_.name_at(range->begin) << ":" << at.line << ":" << at.column
         << ": ";
  } else {
    out_ << "sonde: ";
  }
  if (color_) {
    out_.changeColor(severity_color(severity), /*Bold=*/true);
  }
  out_ << severity_word(severity) << ": ";
  if (color_) {
    out_.changeColor(llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true);
  }
  out_ << message;
  if (color_) {
    out_.resetColor();
  }
  out_ << "\n";
  bool excerpt = range != nullptr &&
                 (severity == Severity::Error ||
                  severity == Severity::Warning || severity == Severity::Note);
  if (excerpt) {
    render_excerpt(*range);
  }
}

void TerminalConsumer::render_excerpt(SourceRange range) {
  LineColumn begin = source_.line_column(range.begin);
  std::string_view line = source_.line_text_at(range.begin);
  std::string number = std::to_string(begin.line);
  std::string gutter(number.size(), ' ');

  out_ << " " << number << " | ";
  for (char c : line) {
    if (c == '\t') {
      out_ << "    ";
    } else {
      out_ << c;
    }
  }
  out_ << "\n";

  size_t start = begin.column - 1;
  // A range that runs past the end of its first line is underlined to the
  // end of that line.
  size_t stop = std::max<size_t>(
      start + 1,
      std::min<size_t>(range.end - range.begin + start, line.size()));
  size_t caret_column = display_column(line, start);
  size_t caret_end = std::max(caret_column + 1, display_column(line, stop));
  out_ << " " << gutter << " | " << std::string(caret_column, ' ');
  if (color_) {
    out_.changeColor(llvm::raw_ostream::GREEN, /*Bold=*/true);
  }
  out_ << "^" << std::string(caret_end - caret_column - 1, '~');
  if (color_) {
    out_.resetColor();
  }
  out_ << "\n";
}

} // namespace sonde::diag
