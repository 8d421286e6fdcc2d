// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "types/types.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Access to the kernel's tracefs: which tracepoints exist, their ids and the
// layout of their records. Everything is read lazily and only as far as a
// question needs: checking one exact tracepoint is a single access(2), the
// full event list is read only for wildcards and "did you mean" hints, and a
// format file is parsed once per event.
namespace sonde::probes {

// One field of a tracepoint record as the format file declares it.
struct FormatField {
  // The declaration as written, e.g. "const char * filename"; `-lv` prints
  // it the way bpftrace does.
  std::string declaration;
  std::string name;
  // Byte offset in the record, i.e. in the BPF program's context.
  uint32_t offset = 0;
  uint32_t size = 0;
  bool is_signed = false;
};

// A parsed `events/<category>/<event>/format` file.
struct EventFormat {
  // Every field a script can see (the common_* header is left out, as
  // bpftrace does), in record order.
  std::vector<FormatField> fields;
  // The record scripts read as `args`, named "tracepoint:<cat>:<event> args".
  // Field types:
  //  - integers by the `size:` column; signed if the `signed:` column says
  //    so or the C type is a signed spelling ("int", "long", "s32"...).
  //    Syscall tracepoints store every argument as 8 unsigned bytes, so
  //    `int dfd` reads as int64 and AT_FDCWD prints as -100, as in bpftrace;
  //  - `char name[N]` is string[N];
  //  - `__data_loc char[] name` is string[64] with Field::data_loc set (the
  //    4-byte field holds length << 16 | offset of the bytes);
  //  - pointers point to the C element type (char is int8; void and structs
  //    are none), in the user address space for the `syscalls` category and
  //    the kernel one otherwise;
  //  - other fixed arrays (`__u8 saddr[4]`) read as their element 0, an
  //    integer of the element size, until the type model has arrays.
  types::Type args;
  // Fields `args` leaves out, as "name: reason" (flexible arrays, structs
  // by value, non-char __data_loc and __rel_loc arrays). Sema uses these to
  // explain an unknown field instead of only saying it does not exist.
  std::vector<std::string> unsupported;
};

// One tracefs mount. Not thread-safe: sema and the runtime use it from one
// thread.
class Tracefs {
public:
  // Reads tracefs mounted at `root`, the directory holding `events/`.
  // Tests pass tests/data/tracefs.
  explicit Tracefs(std::string root);

  // The system's tracefs, located on first use and shared afterwards:
  // /sys/kernel/tracing, else /sys/kernel/debug/tracing; when neither has
  // `events/`, tracefs is mounted on /sys/kernel/tracing. The error (also
  // cached) says what was tried and why mounting failed.
  static Result<Tracefs*> system();

  const std::string& root() const { return root_; }

  // Whether events/<category>/<event> exists. One access(2), no listing.
  bool has_event(std::string_view category, std::string_view event) const;
  bool has_category(std::string_view category) const;

  // Every event as "category:event", from `available_events` (read once),
  // or by walking events/ when that file cannot be read. Sorted.
  const std::vector<std::string>& events() const;
  // The categories in events/, sorted.
  std::vector<std::string> categories() const;
  // The event names of one category, from its directory, sorted; empty
  // when the category does not exist.
  std::vector<std::string> category_events(std::string_view category) const;

  // The parsed format of one event, cached; the pointer lives as long as
  // this Tracefs. Fails when the file cannot be read or parsed.
  Result<const EventFormat*> event_format(std::string_view category,
                                          std::string_view event) const;
  // Shorthand for event_format(...)->args.
  Result<types::Type> format(std::string_view category,
                             std::string_view event) const;
  // The tracepoint id from events/<category>/<event>/id.
  Result<uint32_t> id(std::string_view category, std::string_view event) const;

  // Parses the text of a format file; exposed for tests.
  static Result<EventFormat> parse_format(std::string_view text,
                                          std::string_view category,
                                          std::string_view event);

private:
  std::string event_dir(std::string_view category,
                        std::string_view event) const;

  std::string root_;
  mutable std::optional<std::vector<std::string>> events_;
  mutable std::map<std::string, std::unique_ptr<EventFormat>, std::less<>>
      formats_;
};

// Whether a category or event name is safe to use as a path component:
// non-empty, no '/', not "." or "..". Attach points come from users.
bool valid_tracefs_name(std::string_view name);

} // namespace sonde::probes
