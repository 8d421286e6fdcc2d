// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/formatter.h"

namespace sonde::output {

// bpftrace's default output. Program output (printf, print, time, cat, join,
// system, maps) goes to `out` as produced; join() and system() output get a
// newline after them. Messages bpftrace prints itself go to `err`:
// `Attached N probe(s)` (0.17 printed `Attaching N probes...` on stdout),
// `Lost N events`, and errors as `LOCATION: ERROR: msg` / `LOCATION:
// WARNING: msg` followed by any quoted source lines.
class TextFormatter : public Formatter {
public:
  TextFormatter(llvm::raw_ostream& out, llvm::raw_ostream& err)
      : out_(out), err_(err) {}

  void printf(std::string_view text) override;
  void errorf(std::string_view message,
              const SourceLocation& location) override;
  void warnf(std::string_view message, const SourceLocation& location) override;
  void map(const MapSnapshot& map, const PrintOptions& options) override;
  // The value's text and a newline.
  void value(const RawValue& value) override;
  void time(std::string_view text) override;
  void cat(std::string_view text) override;
  void join(std::string_view text) override;
  void syscall(std::string_view text) override;
  void attached_probes(uint64_t count) override;
  void lost_events(uint64_t count) override;
  // `LOCATION: WARNING: MSG`, then `Additional Info - helper: NAME,
  // retcode: N`, then the quoted source.
  void helper_error(const HelperError& error) override;
  void runtime_error(std::string_view message,
                     const SourceLocation& location) override;
  // Two newlines, whether or not any map follows.
  void end() override;

private:
  // One message line (`LOCATION: KIND: message`, one trailing newline of
  // `message` dropped) and the quoted source lines.
  void log(std::string_view kind,
           std::string_view message,
           const SourceLocation& location,
           bool quote_source);

  llvm::raw_ostream& out_;
  llvm::raw_ostream& err_;
};

} // namespace sonde::output
