// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/format_spec.h"
#include "codegen/artifact.h"
#include "output/formatter.h"
#include "source/source_buffer.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Turns the records the BPF programs send into output: one record in, its
// printf, print(), time(), join()... out through a Formatter, or an action
// the session carries out. The records come from the kernel, and the
// decoder checks each against the layout the compiler gave it: a record
// that is shorter than its layout or names an unknown id is dropped.
namespace sonde::runtime {

// What a record asks of the session beyond printing: reading and changing
// maps, running commands, reading files, removing watchpoints.
class EventActions {
public:
  virtual ~EventActions() = default;

  virtual output::MapSnapshot read_map(const codegen::MapMeta& map) = 0;
  virtual void clear_map(const codegen::MapMeta& map) = 0;
  virtual void zero_map(const codegen::MapMeta& map) = 0;
  // system(): runs the command and returns its output.
  virtual std::string run_command(const std::string& command) = 0;
  // cat(): the file's first bytes, or the error text.
  virtual std::string read_file(const std::string& path) = 0;
  virtual void unwatch(uint64_t address) = 0;
};

class EventDecoder {
public:
  // `resolver` (may be null) symbolizes stacks and addresses; `warnings`
  // is false under --no-warnings. All must outlive the decoder.
  EventDecoder(const codegen::RuntimeMetadata& metadata,
               output::Formatter& formatter,
               output::ValueResolver* resolver,
               EventActions& actions,
               bool warnings);

  // Prints or carries out one record (header included). Returns the exit
  // status when the record is exit()'s.
  std::optional<int> decode(const char* data, size_t size);

private:
  void print_event(uint32_t id, const char* data, size_t size);
  void print_value(uint32_t id, const char* data, size_t size);
  void action_event(codegen::EventKind kind,
                    uint32_t id,
                    const char* data,
                    size_t size);
  void map_event(codegen::EventKind kind,
                 uint32_t index,
                 const char* data,
                 size_t size);
  void runtime_warning(uint32_t id);
  // The printf record `id` as text, or nullopt when `size` is too short.
  std::optional<std::string>
  format_record(uint32_t id, const char* data, size_t size);
  output::SourceLocation location_at(uint32_t offset);

  const codegen::RuntimeMetadata& metadata_;
  output::Formatter& formatter_;
  output::ValueResolver* resolver_;
  EventActions& actions_;
  bool warnings_;
  std::vector<FormatSpec> printf_specs_;
  // One vector for every record: no allocation per event once it grew.
  std::vector<output::RawValue> printf_args_;
  // The script, indexed by line on first use (errorf/warnf).
  std::optional<SourceBuffer> source_;
  // Run-time warning sites already reported, by id.
  std::vector<bool> warned_sites_;
};

} // namespace sonde::runtime
