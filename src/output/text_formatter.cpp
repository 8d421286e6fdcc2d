// SPDX-License-Identifier: Apache-2.0
#include "output/text_formatter.h"

#include "output/map_printer.h"

namespace sonde::output {

void TextFormatter::printf(std::string_view text) { out_ << text; }

void TextFormatter::errorf(std::string_view message,
                           const SourceLocation& location) {
  log("ERROR", message, location, /*quote_source=*/false);
}

void TextFormatter::warnf(std::string_view message,
                          const SourceLocation& location) {
  log("WARNING", message, location, /*quote_source=*/false);
}

void TextFormatter::map(const MapSnapshot& map, const PrintOptions& options) {
  print_map_text(map, out_, options);
}

void TextFormatter::value(const RawValue& value) {
  out_ << format_value(value, resolver_) << "\n";
}

void TextFormatter::time(std::string_view text) { out_ << text; }

void TextFormatter::cat(std::string_view text) { out_ << text; }

void TextFormatter::join(std::string_view text) { out_ << text << "\n"; }

void TextFormatter::syscall(std::string_view text) { out_ << text << "\n"; }

void TextFormatter::attached_probes(uint64_t count) {
  err_ << "Attached " << count << (count == 1 ? " probe\n" : " probes\n");
}

void TextFormatter::lost_events(uint64_t count) {
  err_ << "Lost " << count << " events\n";
}

void TextFormatter::helper_error(const HelperError& error) {
  std::string message = helper_error_message(error) +
                        "\nAdditional Info - helper: " + error.helper +
                        ", retcode: " + std::to_string(error.retcode);
  log("WARNING", message, error.location, /*quote_source=*/true);
}

void TextFormatter::runtime_error(std::string_view message,
                                  const SourceLocation& location) {
  log("WARNING", message, location, /*quote_source=*/true);
}

void TextFormatter::end() { out_ << "\n\n"; }

void TextFormatter::log(std::string_view kind,
                        std::string_view message,
                        const SourceLocation& location,
                        bool quote_source) {
  // bpftrace's log drops one trailing newline so `errorf("x\n")` does not
  // leave an empty line.
  if (!message.empty() && message.back() == '\n') {
    message.remove_suffix(1);
  }
  if (!location.text.empty()) {
    err_ << location.text << ": ";
  }
  err_ << kind << ": " << message << "\n";
  if (quote_source) {
    for (const std::string& line : location.context) {
      err_ << line << "\n";
    }
  }
}

} // namespace sonde::output
