// SPDX-License-Identifier: Apache-2.0
#include "parse/parse.h"
#include "sema/pipeline.h"
#include "unit/probes/fixture.h"

#include <gtest/gtest.h>

namespace sonde::sema {
namespace {

using types::Type;

// Parses and analyzes a script against the tracefs fixture, keeping the
// diagnostics for inspection.
class SemaTest : public ::testing::Test {
protected:
  std::unique_ptr<CheckedProgram> analyze_text(const std::string& text) {
    capture_.diagnostics.clear();
    engine_ = std::make_unique<diag::DiagnosticEngine>(capture_);
    source_ = std::make_unique<SourceBuffer>("test.bt", text);
    program_ = parse::parse(*source_, context_, *engine_);
    EXPECT_NE(program_, nullptr);
    EXPECT_FALSE(engine_->has_errors()) << "syntax error in test input";
    return analyze(*program_, *catalog_, *engine_);
  }

  std::vector<diag::Kind> kinds() const {
    std::vector<diag::Kind> found;
    for (const diag::Diagnostic& diagnostic : capture_.diagnostics) {
      found.push_back(diagnostic.kind);
    }
    return found;
  }

  const diag::Diagnostic& first() const { return capture_.diagnostics.at(0); }
  std::string text_of(SourceRange range) const {
    return std::string(source_->slice(range));
  }

  std::unique_ptr<probes::ProbeCatalog> catalog_ =
      probes::ProbeCatalog::create(probes::testing::fixture_tracefs());
  diag::CaptureConsumer capture_;
  std::unique_ptr<diag::DiagnosticEngine> engine_;
  ast::Context context_;
  std::unique_ptr<SourceBuffer> source_;
  ast::Program* program_ = nullptr;
};

TEST_F(SemaTest, TypesBuiltinsAndTracepointArgs) {
  auto checked = analyze_text(
      "tracepoint:syscalls:sys_enter_openat { @[comm, pid] = count(); "
      "$f = args.filename; @n = args.dfd; }");
  ASSERT_NE(checked, nullptr);
  ASSERT_EQ(checked->maps.size(), 2u);
  const types::MapShape& map = checked->maps[0].shape;
  EXPECT_EQ(map.name, "@");
  EXPECT_EQ(map.kind, MapKind::Count);
  ASSERT_EQ(map.key_types.size(), 2u);
  EXPECT_EQ(map.key_types[0], Type::string(16));
  EXPECT_EQ(map.key_types[1], Type::u64());
  EXPECT_EQ(checked->maps[1].shape.value_type, Type::s64());
  const Type& filename = checked->variables.begin()->second.at("f");
  ASSERT_TRUE(filename.is_pointer());
  EXPECT_EQ(filename.address_space(), types::AddressSpace::User);
}

TEST_F(SemaTest, OneProgramPerTargetOnlyWhenArgsAreRead) {
  auto shared =
      analyze_text("tracepoint:syscalls:sys_enter_* { @ = count(); }");
  ASSERT_NE(shared, nullptr);
  ASSERT_EQ(shared->instances.size(), 1u);
  EXPECT_GT(shared->instances[0].targets.size(), 1u);

  // `filename` is at a different offset in each tracepoint.
  auto split = analyze_text("tracepoint:syscalls:sys_enter_execve, "
                            "tracepoint:syscalls:sys_enter_openat { "
                            "@[str(args.filename)] = count(); }");
  ASSERT_NE(split, nullptr);
  ASSERT_EQ(split->instances.size(), 2u);
  EXPECT_EQ(split->instances[0].args_type.field("filename")->offset, 16u);
  EXPECT_EQ(split->instances[1].args_type.field("filename")->offset, 24u);
}

TEST_F(SemaTest, ArgsFieldsMustExistInEveryTracepoint) {
  EXPECT_EQ(analyze_text("tracepoint:syscalls:sys_enter_openat, "
                         "tracepoint:syscalls:sys_enter_read "
                         "{ $f = args.filename; }"),
            nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::UnknownField});
}

TEST_F(SemaTest, UnknownTracepointSuggestsTheClosestName) {
  EXPECT_EQ(analyze_text("tracepoint:syscalls:sys_enter_opennat { }"), nullptr);
  ASSERT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::UnknownTracepoint});
  ASSERT_EQ(first().attachments.size(), 1u);
  EXPECT_EQ(first().attachments[0].kind, diag::Kind::DidYouMean);
  EXPECT_EQ(first().attachments[0].args[0], "syscalls:sys_enter_openat");
}

TEST_F(SemaTest, UnknownProviderSuggestsAProvider) {
  EXPECT_EQ(analyze_text("tracepiont:syscalls:sys_enter_openat { }"), nullptr);
  ASSERT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::UnknownProbeType});
  EXPECT_EQ(first().attachments.at(0).args[0], "tracepoint");
}

TEST_F(SemaTest, UnknownFieldSuggestsTheClosestField) {
  EXPECT_EQ(analyze_text(
                "tracepoint:syscalls:sys_enter_openat { $x = args.filenme; }"),
            nullptr);
  ASSERT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::UnknownField});
  EXPECT_EQ(text_of(first().range), "filenme");
  EXPECT_EQ(first().attachments.at(0).args[0], "filename");
}

TEST_F(SemaTest, ArgsOutsideATracepointIsAnError) {
  EXPECT_EQ(analyze_text("BEGIN { $x = args.foo; }"), nullptr);
  EXPECT_EQ(kinds(),
            std::vector<diag::Kind>{diag::Kind::ArgsOutsideTracepoint});
}

TEST_F(SemaTest, UndefinedVariable) {
  EXPECT_EQ(analyze_text("BEGIN { printf(\"%d\\n\", $nope); }"), nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::UndefinedVariable});
  EXPECT_EQ(text_of(first().range), "$nope");
}

TEST_F(SemaTest, UnknownFunctionAndBuiltinGetHints) {
  EXPECT_EQ(analyze_text("BEGIN { printt(\"x\"); $a = pidd; }"), nullptr);
  ASSERT_EQ(kinds(), (std::vector<diag::Kind>{diag::Kind::UnknownFunction,
                                              diag::Kind::UnknownBuiltin}));
  EXPECT_EQ(capture_.diagnostics[0].attachments.at(0).args[0], "printf");
  EXPECT_EQ(capture_.diagnostics[1].attachments.at(0).args[0], "pid");
}

TEST_F(SemaTest, PrintfArgumentsAreChecked) {
  EXPECT_EQ(analyze_text("BEGIN { printf(\"%d %d\\n\", 1); }"), nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::FormatArgumentCount});
  EXPECT_EQ(analyze_text("BEGIN { printf(\"%d\\n\", comm); }"), nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::FormatArgumentType});
  EXPECT_EQ(analyze_text("BEGIN { printf(\"%y\\n\", 1); }"), nullptr);
  EXPECT_EQ(kinds(),
            std::vector<diag::Kind>{diag::Kind::FormatUnknownConversion});
}

TEST_F(SemaTest, MapTypesMustAgree) {
  EXPECT_EQ(analyze_text("BEGIN { @x = 1; @x = comm; }"), nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::MapTypeMismatch});
  EXPECT_EQ(first().attachments.at(0).kind, diag::Kind::PreviousUse);
  EXPECT_EQ(analyze_text("BEGIN { @y[1] = 1; @y[comm] = 2; }"), nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::MapKeyMismatch});
}

TEST_F(SemaTest, MapsMayBeReadBeforeTheirAssignment) {
  auto checked = analyze_text("interval:s:1 { printf(\"%d\\n\", @total); } "
                              "BEGIN { @total = @total + 1; }");
  ASSERT_NE(checked, nullptr);
  EXPECT_EQ(checked->maps.at(0).shape.value_type, Type::s64());
}

TEST_F(SemaTest, AggregationsOnlyAsMapValues) {
  EXPECT_EQ(analyze_text("BEGIN { $c = count(); }"), nullptr);
  EXPECT_EQ(kinds(),
            std::vector<diag::Kind>{diag::Kind::AggregationNotAssigned});
}

TEST_F(SemaTest, StringsCompareOnlyForEquality) {
  EXPECT_NE(analyze_text("BEGIN { if (comm == \"bash\") { exit(); } }"),
            nullptr);
  EXPECT_EQ(analyze_text("BEGIN { if (comm < \"bash\") { exit(); } }"),
            nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::StringCompareOnly});
}

TEST_F(SemaTest, DiscardedValueWarns) {
  EXPECT_NE(analyze_text("BEGIN { 1 + 2; }"), nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::ValueDiscarded});
}

} // namespace
} // namespace sonde::sema
