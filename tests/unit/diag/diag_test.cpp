// SPDX-License-Identifier: Apache-2.0
#include "diag/engine.h"
#include "diag/terminal_consumer.h"

#include <gtest/gtest.h>

namespace sonde::diag {
namespace {

TEST(FormatMessage, SubstitutesNumberedArguments) {
  EXPECT_EQ(format_message("'{0}' has no field '{1}'", {"args", "pidd"}),
            "'args' has no field 'pidd'");
  EXPECT_EQ(format_message("{1} before {0}", {"a", "b"}), "b before a");
  EXPECT_EQ(format_message("missing {2}", {"a"}), "missing ");
}

TEST(Engine, CountsErrorsButNotWarningsOrHints) {
  CaptureConsumer capture;
  DiagnosticEngine engine(capture);
  engine.build(Kind::ValueDiscarded, {0, 1}).emit();
  EXPECT_FALSE(engine.has_errors());
  engine.build(Kind::UnknownFunction, {0, 1}, {"f"})
      .hint(Kind::DidYouMean, {"g"})
      .emit();
  EXPECT_EQ(engine.error_count(), 1u);
  ASSERT_EQ(capture.diagnostics.size(), 2u);
  EXPECT_EQ(capture.diagnostics[1].attachments.size(), 1u);
}

TEST(Engine, DropsWarningsWhenDisabled) {
  CaptureConsumer capture;
  DiagnosticEngine engine(capture);
  engine.set_warnings_enabled(false);
  engine.build(Kind::ValueDiscarded, {0, 1}).emit();
  EXPECT_TRUE(capture.diagnostics.empty());
}

std::string render(const SourceBuffer& source, const Diagnostic& diagnostic) {
  std::string text;
  llvm::raw_string_ostream out(text);
  TerminalConsumer consumer(source, out, /*color=*/false);
  consumer.handle(diagnostic);
  return text;
}

TEST(TerminalConsumer, QuotesTheLineAndUnderlinesTheRange) {
  SourceBuffer source("probe.bt", "BEGIN {\n  @x = cuont();\n}\n");
  Diagnostic diagnostic{Kind::UnknownFunction, {"cuont"}, {15, 20}, true, {}};
  diagnostic.attachments.push_back({Kind::DidYouMean, {"count"}, {}, false});
  EXPECT_EQ(render(source, diagnostic),
            "probe.bt:2:8: error: unknown function 'cuont'\n"
            " 2 |   @x = cuont();\n"
            "   |        ^~~~~\n"
            "probe.bt:2:8: hint: did you mean 'count'?\n");
}

TEST(TerminalConsumer, ExpandsTabsSoTheCaretLinesUp) {
  SourceBuffer source("t.bt", "\tfoo;\n");
  Diagnostic diagnostic{Kind::UnknownBuiltin, {"foo"}, {1, 4}, true, {}};
  EXPECT_EQ(render(source, diagnostic),
            "t.bt:1:2: error: unknown identifier 'foo'\n"
            " 1 |     foo;\n"
            "   |     ^~~\n");
}

TEST(SourceBuffer, LineAndColumn) {
  SourceBuffer source("x", "ab\ncd\n\nef");
  EXPECT_EQ(source.line_column(0).line, 1u);
  EXPECT_EQ(source.line_column(4).line, 2u);
  EXPECT_EQ(source.line_column(4).column, 2u);
  EXPECT_EQ(source.line_column(7).line, 4u);
  EXPECT_EQ(source.line_text(2), "cd");
  EXPECT_EQ(source.line_text(3), "");
  EXPECT_EQ(source.line_text(9), "");
}

TEST(SourceBuffer, ImportedFilesKeepTheirNamesAndLines) {
  SourceBuffer source("main.bt", "import \"lib.bt\";\nBEGIN {}\n");
  SourceRange lib = source.add_file("lib.bt", "macro a() { 1 }\nfn f() {}");
  EXPECT_EQ(source.slice(lib), "macro a() { 1 }\nfn f() {}");
  EXPECT_EQ(source.name_at(3), "main.bt");
  EXPECT_EQ(source.name_at(lib.begin), "lib.bt");
  EXPECT_EQ(source.line_column(lib.begin).line, 1u);
  EXPECT_EQ(source.line_column(lib.begin + 16).line, 2u);
  EXPECT_EQ(source.line_column(lib.begin + 19).column, 4u);
  EXPECT_EQ(source.line_text_at(lib.begin + 19), "fn f() {}");
  EXPECT_EQ(source.line_text_at(lib.begin), "macro a() { 1 }");
  // The main script's lines are unchanged.
  EXPECT_EQ(source.line_text(2), "BEGIN {}");
  EXPECT_EQ(source.line_text(4), "");
  EXPECT_EQ(source.offset_of({2, 1}), 17u);
  // The text alone carries the files.
  SourceBuffer copy("main.bt", std::string(source.text()));
  EXPECT_EQ(copy.name_at(lib.begin + 19), "lib.bt");
  EXPECT_EQ(copy.line_column(lib.begin + 19).line, 2u);
  EXPECT_EQ(copy.line_text_at(lib.begin + 19), "fn f() {}");
  EXPECT_EQ(copy.line_text(2), "BEGIN {}");
}

TEST(TerminalConsumer, NamesTheImportedFile) {
  SourceBuffer source("main.bt", "BEGIN {}\n");
  SourceRange lib = source.add_file("lib/x.bt", "macro a() {\n  oops;\n}\n");
  Diagnostic diagnostic{Kind::UnknownBuiltin,
                        {"oops"},
                        {lib.begin + 14, lib.begin + 18},
                        true,
                        {}};
  EXPECT_EQ(render(source, diagnostic),
            "lib/x.bt:2:3: error: unknown identifier 'oops'\n"
            " 2 |   oops;\n"
            "   |   ^~~~\n");
}

} // namespace
} // namespace sonde::diag
