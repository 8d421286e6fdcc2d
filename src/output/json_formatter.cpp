// SPDX-License-Identifier: Apache-2.0
#include "output/json_formatter.h"

#include "output/json.h"
#include "output/map_printer.h"

#include <cstring>

namespace sonde::output {

void JsonFormatter::printf(std::string_view text) {
  text_record("printf", text);
}

void JsonFormatter::errorf(std::string_view message,
                           const SourceLocation& location) {
  located_record("errorf", message, "", location);
}

void JsonFormatter::warnf(std::string_view message,
                          const SourceLocation& location) {
  located_record("warnf", message, "", location);
}

void JsonFormatter::map(const MapSnapshot& map, const PrintOptions& options) {
  print_map_json(map, out_, options);
}

void JsonFormatter::value(const RawValue& value) {
  out_ << "{\"type\": \"value\", \"data\": "
       << format_value_json(value, resolver_) << "}\n";
}

void JsonFormatter::time(std::string_view text) { text_record("time", text); }

void JsonFormatter::cat(std::string_view text) { text_record("cat", text); }

void JsonFormatter::join(std::string_view text) { text_record("join", text); }

void JsonFormatter::syscall(std::string_view text) {
  text_record("syscall", text);
}

void JsonFormatter::attached_probes(uint64_t count) {
  out_ << "{\"type\": \"attached_probes\", \"count\": " << count
       << ", \"data\": {\"probes\": " << count << "}}\n";
}

void JsonFormatter::lost_events(uint64_t count) {
  out_ << "{\"type\": \"lost_events\", \"count\": " << count
       << ", \"data\": {\"events\": " << count << "}}\n";
}

void JsonFormatter::helper_error(const HelperError& error) {
  // Unlike text output, the message is always the errno's.
  std::string extra =
      ", \"helper\": " + json_string(error.helper) +
      ", \"retcode\": " + json_integer(Integer::of_signed(error.retcode));
  located_record("helper_error", strerror(static_cast<int>(-error.retcode)),
                 extra, error.location);
}

void JsonFormatter::runtime_error(std::string_view message,
                                  const SourceLocation& location) {
  located_record("runtime_error", message, "", location);
}

void JsonFormatter::end() {}

void JsonFormatter::text_record(std::string_view type, std::string_view text) {
  out_ << "{\"type\": \"" << type << "\", \"data\": " << json_string(text)
       << "}\n";
}

void JsonFormatter::located_record(std::string_view type,
                                   std::string_view message,
                                   const std::string& extra,
                                   const SourceLocation& location) {
  out_ << "{\"type\": \"" << type << "\", \"msg\": " << json_string(message)
       << extra << ", \"filename\": " << json_string(location.filename)
       << ", \"line\": " << json_integer(Integer::of_unsigned(location.line))
       << ", \"col\": " << json_integer(Integer::of_unsigned(location.column))
       << "}\n";
}

} // namespace sonde::output
