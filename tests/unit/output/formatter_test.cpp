// SPDX-License-Identifier: Apache-2.0
#include "output/formatter.h"
#include "output/json_formatter.h"
#include "output/text_formatter.h"
#include "unit/output/snapshot_builder.h"

#include <cerrno>
#include <gtest/gtest.h>

namespace sonde::output {
namespace {

using namespace testing;
using types::Type;

// A formatter writing into strings.
struct Captured {
  explicit Captured(OutputFormat format)
      : out_stream(out), err_stream(err),
        formatter(make_formatter(format, out_stream, err_stream)) {}
  std::string out;
  std::string err;
  llvm::raw_string_ostream out_stream;
  llvm::raw_string_ostream err_stream;
  std::unique_ptr<Formatter> formatter;
};

SourceLocation location() {
  SourceLocation loc;
  loc.filename = "stdin";
  loc.line = 1;
  loc.column = 37;
  loc.text = "stdin:1:37-38";
  loc.context = {"begin { $tmp = ((struct foo*) 0)->a; }",
                 "                                    ~"};
  return loc;
}

TEST(TextFormatter, MessagesGoToStderr) {
  Captured text(OutputFormat::Text);
  text.formatter->attached_probes(1);
  text.formatter->attached_probes(3);
  text.formatter->lost_events(12);
  EXPECT_EQ(text.out, "");
  EXPECT_EQ(text.err, "Attached 1 probe\nAttached 3 probes\nLost 12 events\n");
}

TEST(TextFormatter, ProgramOutputGoesToStdout) {
  Captured text(OutputFormat::Text);
  text.formatter->printf("hi 5");
  text.formatter->time("04\n");
  text.formatter->cat("12.5 30.1\n");
  text.formatter->join("/bin/echo A");
  text.formatter->syscall("a b c\n");
  Type s64 = Type::s64();
  std::string five = bytes_of(5);
  text.formatter->value({&s64, five.data()});
  text.formatter->end();
  EXPECT_EQ(text.out, "hi 504\n12.5 30.1\n/bin/echo A\na b c\n\n5\n\n\n");
  EXPECT_EQ(text.err, "");
}

TEST(TextFormatter, MapsAfterEnd) {
  Captured text(OutputFormat::Text);
  MapSnapshot count = make_map("@c", MapValueKind::Count, {}, Type::count());
  add_int(count, {}, 2);
  MapSnapshot sum = make_map("@s", MapValueKind::Sum, {}, Type::sum(true));
  add_int(sum, {}, 7);
  text.formatter->end();
  text.formatter->map(count, {});
  text.formatter->map(sum, {});
  EXPECT_EQ(text.out, "\n\n@c: 2\n@s: 7\n");
}

TEST(TextFormatter, ErrorfAndWarnfLogWithTheLocation) {
  Captured text(OutputFormat::Text);
  text.formatter->errorf("bad value 3\n", location());
  text.formatter->warnf("careful", location());
  EXPECT_EQ(text.err, "stdin:1:37-38: ERROR: bad value 3\n"
                      "stdin:1:37-38: WARNING: careful\n");
}

TEST(TextFormatter, HelperErrorsQuoteTheSource) {
  Captured text(OutputFormat::Text);
  text.formatter->helper_error({"probe_read", -EFAULT, location()});
  EXPECT_EQ(text.err, "stdin:1:37-38: WARNING: Bad address\n"
                      "Additional Info - helper: probe_read, retcode: -14\n"
                      "begin { $tmp = ((struct foo*) 0)->a; }\n"
                      "                                    ~\n");
}

TEST(HelperErrorMessage, HintsForMapHelpers) {
  EXPECT_EQ(helper_error_message({"map_delete_elem", -ENOENT, {}}),
            "Can't delete map element because it does not exist.");
  EXPECT_EQ(helper_error_message({"map_lookup_elem", 0, {}}),
            "Can't lookup map element because it does not exist.");
  EXPECT_EQ(helper_error_message({"map_update_elem", -E2BIG, {}}).substr(0, 40),
            "Map full; can't update element. Try incr");
  EXPECT_EQ(helper_error_message({"map_update_elem", -ENOMEM, {}}),
            "Cannot allocate memory");
}

// Upstream's runtime tests (json-output): printf, syscall, join, value,
// attached probes; 0.17 had no "count" in attached_probes/lost_events.
TEST(JsonFormatter, TextRecords) {
  Captured json(OutputFormat::Json);
  json.formatter->printf("test 5");
  json.formatter->syscall("a b c\n");
  json.formatter->join("/bin/echo,'A'");
  json.formatter->time("04\n");
  json.formatter->cat("1.0 2.0\n");
  EXPECT_EQ(json.out, R"({"type": "printf", "data": "test 5"}
{"type": "syscall", "data": "a b c\n"}
{"type": "join", "data": "/bin/echo,'A'"}
{"type": "time", "data": "04\n"}
{"type": "cat", "data": "1.0 2.0\n"}
)");
}

TEST(JsonFormatter, CountsAndEnd) {
  Captured json(OutputFormat::Json);
  json.formatter->attached_probes(1);
  json.formatter->lost_events(3);
  json.formatter->end();
  EXPECT_EQ(json.out,
            R"({"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "lost_events", "count": 3, "data": {"events": 3}}
)");
  EXPECT_EQ(json.err, "");
}

// Checked against bpftrace 0.17: print($v), print("str") with -f json.
TEST(JsonFormatter, Values) {
  Captured json(OutputFormat::Json);
  Type s64 = Type::s64();
  Type str = Type::string(8);
  std::string five = bytes_of(5);
  std::string text = padded("str", 8);
  json.formatter->value({&s64, five.data()});
  json.formatter->value({&str, text.data()});
  EXPECT_EQ(json.out, R"({"type": "value", "data": 5}
{"type": "value", "data": "str"}
)");
}

// Upstream's runtime test helper_error: the JSON message is the errno's.
TEST(JsonFormatter, HelperAndRuntimeErrors) {
  Captured json(OutputFormat::Json);
  json.formatter->helper_error({"probe_read", -EFAULT, location()});
  json.formatter->helper_error({"map_lookup_elem", -ENOENT, location()});
  json.formatter->runtime_error("divide by zero", location());
  EXPECT_EQ(
      json.out,
      R"({"type": "helper_error", "msg": "Bad address", "helper": "probe_read", "retcode": -14, "filename": "stdin", "line": 1, "col": 37}
{"type": "helper_error", "msg": "No such file or directory", "helper": "map_lookup_elem", "retcode": -2, "filename": "stdin", "line": 1, "col": 37}
{"type": "runtime_error", "msg": "divide by zero", "filename": "stdin", "line": 1, "col": 37}
)");
}

TEST(JsonFormatter, ErrorfAndWarnf) {
  Captured json(OutputFormat::Json);
  json.formatter->errorf("bad \"x\"", location());
  json.formatter->warnf("w", location());
  EXPECT_EQ(
      json.out,
      R"({"type": "errorf", "msg": "bad \"x\"", "filename": "stdin", "line": 1, "col": 37}
{"type": "warnf", "msg": "w", "filename": "stdin", "line": 1, "col": 37}
)");
}

TEST(JsonFormatter, MapsUseThePrinter) {
  Captured json(OutputFormat::Json);
  MapSnapshot map =
      make_map("@", MapValueKind::Count, {Type::string(16)}, Type::count());
  add_int(map, {"bpftrace"}, 5);
  json.formatter->map(map, {});
  json.formatter->map(make_map("@empty", MapValueKind::Count,
                               {Type::string(16)}, Type::count()),
                      {});
  EXPECT_EQ(json.out, R"({"type": "map", "data": {"@": {"bpftrace": 5}}}
)");
}

} // namespace
} // namespace sonde::output
