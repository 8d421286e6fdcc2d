// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/map_snapshot.h"
#include "output/values.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// What the runtime calls to print anything: one Formatter per run, chosen by
// `-f text|json`. The runtime decides *when* to print (e.g. -q suppresses
// attached_probes, print_maps_on_exit=false skips the maps after end());
// the formatter decides *how* and *where*.
namespace sonde::output {

enum class OutputFormat : uint8_t { Text, Json };

// Where a script message (errorf, warnf) or a runtime error comes from.
struct SourceLocation {
  // As JSON output names the file: "stdin" for -e, else the script's path.
  std::string filename;
  uint64_t line = 0;
  uint64_t column = 0;
  // How text output names the location, e.g. "script.bt:3:5-17"; text output
  // writes no location when it is empty.
  std::string text;
  // Source lines text output quotes after a runtime error's message (the
  // line and its `~~~` underline), without newlines. errorf/warnf do not
  // quote the source.
  std::vector<std::string> context;
};

// A BPF helper that failed at run time (reported with -k).
struct HelperError {
  // The helper's name without `bpf_`: "probe_read", "map_update_elem".
  std::string helper;
  // The helper's return value, a negative errno.
  int64_t retcode = 0;
  SourceLocation location;
};

// The message text output gives for a helper error: a hint for a full map
// (map_update_elem, -E2BIG), a missing element (map_delete_elem, -ENOENT;
// map_lookup_elem whatever the code), else strerror(-retcode). JSON output
// always uses strerror(-retcode).
std::string helper_error_message(const HelperError& error);

// Prints program output and runtime messages in one format. Calls must come
// from one thread. Streams are borrowed and must outlive the formatter;
// nothing is flushed here.
class Formatter {
public:
  virtual ~Formatter();

  // printf() output, already formatted (output/printf.h).
  virtual void printf(std::string_view text) = 0;
  // errorf()/warnf() output, already formatted; `location` is the call.
  virtual void errorf(std::string_view message,
                      const SourceLocation& location) = 0;
  virtual void warnf(std::string_view message,
                     const SourceLocation& location) = 0;
  // print(@map[, top[, div]]) and the maps printed at exit.
  virtual void map(const MapSnapshot& map, const PrintOptions& options) = 0;
  // print(value) of anything but a map.
  virtual void value(const RawValue& value) = 0;
  // time(), cat(), join() and system() output, already produced.
  virtual void time(std::string_view text) = 0;
  virtual void cat(std::string_view text) = 0;
  virtual void join(std::string_view text) = 0;
  virtual void syscall(std::string_view text) = 0;
  // "Attached N probes" once every probe is attached.
  virtual void attached_probes(uint64_t count) = 0;
  // Events the ring buffer dropped since the last report.
  virtual void lost_events(uint64_t count) = 0;
  virtual void helper_error(const HelperError& error) = 0;
  // Any other runtime failure a probe reports.
  virtual void runtime_error(std::string_view message,
                             const SourceLocation& location) = 0;
  // The event loop is over; the maps printed at exit come next.
  virtual void end() = 0;

  // Where value() looks up stacks and formatted values; not owned, may be
  // null (they then print unresolved).
  void set_resolver(ValueResolver* resolver) { resolver_ = resolver; }

protected:
  ValueResolver* resolver_ = nullptr;
};

// A TextFormatter or JsonFormatter writing program output to `out` and, for
// text, messages bpftrace prints itself (Attached, Lost, errors) to `err`.
std::unique_ptr<Formatter> make_formatter(OutputFormat format,
                                          llvm::raw_ostream& out,
                                          llvm::raw_ostream& err);

} // namespace sonde::output
