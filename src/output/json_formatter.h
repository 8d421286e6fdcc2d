// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/formatter.h"

namespace sonde::output {

// `-f json`: NDJSON, one object per line on `out`, for program output and
// for the messages text output sends to stderr. Records:
//   {"type": "printf", "data": "text"} (also time, cat, join, syscall)
//   {"type": "value", "data": VALUE}
//   {"type": "map"|"stats"|"hist", "data": {"@name": ...}} (map_printer.h)
//   {"type": "attached_probes", "count": N, "data": {"probes": N}}
//   {"type": "lost_events", "count": N, "data": {"events": N}}
//   {"type": "errorf"|"warnf", "msg": M, "filename": F, "line": L, "col": C}
//   {"type": "helper_error", "msg": M, "helper": H, "retcode": R,
//    "filename": F, "line": L, "col": C}
//   {"type": "runtime_error", "msg": M, "filename": F, "line": L, "col": C}
// 0.17 differs: no "count" in attached_probes/lost_events, ", " between
// histogram array elements, and two empty lines at end().
class JsonFormatter : public Formatter {
public:
  explicit JsonFormatter(llvm::raw_ostream& out) : out_(out) {}

  void printf(std::string_view text) override;
  void errorf(std::string_view message,
              const SourceLocation& location) override;
  void warnf(std::string_view message, const SourceLocation& location) override;
  void map(const MapSnapshot& map, const PrintOptions& options) override;
  void value(const RawValue& value) override;
  void time(std::string_view text) override;
  void cat(std::string_view text) override;
  void join(std::string_view text) override;
  void syscall(std::string_view text) override;
  void attached_probes(uint64_t count) override;
  void lost_events(uint64_t count) override;
  void helper_error(const HelperError& error) override;
  void runtime_error(std::string_view message,
                     const SourceLocation& location) override;
  // Writes nothing.
  void end() override;

private:
  // {"type": TYPE, "data": "text"}
  void text_record(std::string_view type, std::string_view text);
  // {"type": TYPE, "msg": MESSAGE, <extra>, "filename": .., "line": ..,
  // "col": ..}
  void located_record(std::string_view type,
                      std::string_view message,
                      const std::string& extra,
                      const SourceLocation& location);

  llvm::raw_ostream& out_;
};

} // namespace sonde::output
