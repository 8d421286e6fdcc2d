// SPDX-License-Identifier: Apache-2.0
#include "parse/parse.h"
#include "sema/pipeline.h"
#include "symbols/kallsyms.h"
#include "unit/probes/fixture.h"

#include <gtest/gtest.h>
#include <map>
#include <set>

namespace sonde::sema {
namespace {

using types::Type;

// Kernel symbols the test adds, and the names sema asked for.
class FakeKernelSymbols : public symbols::KernelSymbolSource {
public:
  std::optional<uint64_t> address_of(std::string_view name) const override {
    asked.emplace(name);
    auto found = addresses.find(std::string(name));
    if (found == addresses.end()) {
      return std::nullopt;
    }
    return found->second;
  }

  std::map<std::string, uint64_t> addresses;
  mutable std::set<std::string> asked;
};

// Parses and analyzes a script against the tracefs fixture and the fake
// kernel symbols, keeping the diagnostics for inspection.
class SemaTest : public ::testing::Test {
protected:
  std::unique_ptr<CheckedProgram> analyze_text(const std::string& text) {
    capture_.diagnostics.clear();
    engine_ = std::make_unique<diag::DiagnosticEngine>(capture_);
    source_ = std::make_unique<SourceBuffer>("test.bt", text);
    program_ = parse::parse(*source_, context_, *engine_);
    EXPECT_NE(program_, nullptr);
    EXPECT_FALSE(engine_->has_errors()) << "syntax error in test input";
    return analyze(*program_, *catalog_, kernel_symbols_, *engine_);
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
  FakeKernelSymbols kernel_symbols_;
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

TEST_F(SemaTest, KaddrIsTheAddressOfTheGivenKernelSymbol) {
  kernel_symbols_.addresses["sonde_fake_symbol"] = 0xffffffff81234560;
  auto checked = analyze_text(
      "BEGIN { printf(\"%x\\n\", kaddr(\"sonde_fake_symbol\")); }");
  ASSERT_NE(checked, nullptr);
  ASSERT_EQ(checked->constants.size(), 1u);
  EXPECT_EQ(checked->constants.begin()->second, 0xffffffff81234560);
  EXPECT_EQ(kernel_symbols_.asked, std::set<std::string>{"sonde_fake_symbol"});

  EXPECT_EQ(
      analyze_text(
          "BEGIN { printf(\"%x\\n\", kaddr(\"sonde_missing_symbol\")); }"),
      nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::UnknownKernelSymbol});
  EXPECT_EQ(text_of(first().range), "\"sonde_missing_symbol\"");
}

TEST_F(SemaTest, KernelSymbolsAreOnlyAskedForWhenAScriptNamesOne) {
  EXPECT_NE(analyze_text("BEGIN { printf(\"%s %d\\n\", comm, pid); }"),
            nullptr);
  EXPECT_TRUE(kernel_symbols_.asked.empty());
}

TEST_F(SemaTest, PercpuKaddrNeedsTheVariableInTheKernelSymbols) {
  // The variable must be per-CPU in the running kernel's BTF, and listed
  // by the kernel symbols (kallsyms lists data symbols only with
  // CONFIG_KALLSYMS_ALL): here the fake decides.
  kernel_symbols_.addresses["process_counts"] = 0x2a000;
  auto listed = analyze_text(
      "BEGIN { printf(\"%x\\n\", percpu_kaddr(\"process_counts\")); }");
  if (kinds() == std::vector<diag::Kind>{diag::Kind::NotPercpuSymbol}) {
    GTEST_SKIP() << "no per-CPU 'process_counts' in this kernel's BTF";
  }
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->percpu_shapes.size(), 1u);
  EXPECT_EQ(kernel_symbols_.asked, std::set<std::string>{"process_counts"});

  kernel_symbols_.addresses.clear();
  EXPECT_EQ(
      analyze_text(
          "BEGIN { printf(\"%x\\n\", percpu_kaddr(\"process_counts\")); }"),
      nullptr);
  EXPECT_EQ(kinds(), std::vector<diag::Kind>{diag::Kind::UnknownKernelSymbol});
}

} // namespace
} // namespace sonde::sema
