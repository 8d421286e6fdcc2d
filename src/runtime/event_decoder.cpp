// SPDX-License-Identifier: Apache-2.0
#include "runtime/event_decoder.h"

#include "output/printf.h"
#include "runtime/actions.h"
#include "runtime/symbolizer.h"

#include <cstring>
#include <ctime>

namespace sonde::runtime {

using codegen::EventHeader;
using codegen::EventKind;

EventDecoder::EventDecoder(const codegen::RuntimeMetadata& metadata,
                           output::Formatter& formatter,
                           output::ValueResolver* resolver,
                           EventActions& actions,
                           bool warnings)
    : metadata_(metadata), formatter_(formatter), resolver_(resolver),
      actions_(actions), warnings_(warnings) {
  for (const codegen::PrintfMeta& meta : metadata_.printfs) {
    FormatSpec spec;
    std::string bad;
    size_t offset = 0;
    // Sema checked every format: a malformed one cannot reach here.
    parse_format(meta.format, spec, bad, offset);
    printf_specs_.push_back(std::move(spec));
  }
}

std::optional<int> EventDecoder::decode(const char* data, size_t size) {
  if (size < sizeof(EventHeader)) {
    return std::nullopt;
  }
  EventHeader header;
  std::memcpy(&header, data, sizeof(header));
  auto kind = static_cast<EventKind>(header.kind);
  switch (kind) {
  case EventKind::Printf:
    print_event(header.id, data, size);
    break;
  case EventKind::MapClear:
  case EventKind::MapZero:
  case EventKind::MapPrint:
    map_event(kind, header.id, data, size);
    break;
  case EventKind::PrintValue:
    print_value(header.id, data, size);
    break;
  case EventKind::Time:
    if (header.id < metadata_.time_formats.size()) {
      timespec now;
      clock_gettime(CLOCK_REALTIME, &now);
      formatter_.time(
          format_time(metadata_.time_formats[header.id],
                      int64_t(now.tv_sec) * 1000000000 + now.tv_nsec));
    }
    break;
  case EventKind::Cat:
  case EventKind::System:
  case EventKind::Errorf:
  case EventKind::Warnf:
    action_event(kind, header.id, data, size);
    break;
  case EventKind::Join:
    if (header.id < metadata_.joins.size()) {
      formatter_.join(join_record(metadata_.joins[header.id], data, size));
    }
    break;
  case EventKind::Unwatch:
    if (size >= sizeof(EventHeader) + sizeof(uint64_t)) {
      uint64_t address;
      std::memcpy(&address, data + sizeof(EventHeader), sizeof(address));
      actions_.unwatch(address);
    }
    break;
  case EventKind::RuntimeWarning:
    runtime_warning(header.id);
    break;
  case EventKind::Exit:
    return static_cast<int>(header.id);
  }
  return std::nullopt;
}

std::optional<std::string>
EventDecoder::format_record(uint32_t id, const char* data, size_t size) {
  if (id >= metadata_.printfs.size()) {
    return std::nullopt;
  }
  const codegen::PrintfMeta& meta = metadata_.printfs[id];
  if (size < meta.record_size) {
    return std::nullopt;
  }
  printf_args_.clear();
  for (const codegen::ValueLayout& arg : meta.args) {
    printf_args_.push_back({&arg.type, data + arg.offset});
  }
  return output::format_printf(printf_specs_[id], printf_args_, resolver_);
}

void EventDecoder::print_event(uint32_t id, const char* data, size_t size) {
  if (std::optional<std::string> text = format_record(id, data, size)) {
    formatter_.printf(*text);
  }
}

void EventDecoder::print_value(uint32_t id, const char* data, size_t size) {
  if (id >= metadata_.print_values.size()) {
    return;
  }
  const types::Type& type = metadata_.print_values[id].type;
  if (size >= sizeof(EventHeader) + codegen::slot_size(type)) {
    formatter_.value({&type, data + sizeof(EventHeader)});
  }
}

// cat(), system(), errorf(), warnf(): a printf record whose text is a
// path, a command or a message.
void EventDecoder::action_event(EventKind kind,
                                uint32_t id,
                                const char* data,
                                size_t size) {
  std::optional<std::string> text = format_record(id, data, size);
  if (!text) {
    return;
  }
  switch (kind) {
  case EventKind::Cat:
    formatter_.cat(actions_.read_file(*text));
    return;
  case EventKind::System:
    formatter_.syscall(actions_.run_command(*text));
    return;
  case EventKind::Errorf:
  case EventKind::Warnf: {
    output::SourceLocation location =
        location_at(metadata_.printfs[id].source_offset);
    if (kind == EventKind::Errorf) {
      formatter_.errorf(*text, location);
    } else if (warnings_) {
      formatter_.warnf(*text, location);
    }
    return;
  }
  default:
    return;
  }
}

void EventDecoder::map_event(EventKind kind,
                             uint32_t index,
                             const char* data,
                             size_t size) {
  if (index >= metadata_.maps.size() ||
      size < sizeof(EventHeader) + sizeof(codegen::MapOperation)) {
    return;
  }
  codegen::MapOperation operation;
  std::memcpy(&operation, data + sizeof(EventHeader), sizeof(operation));
  const codegen::MapMeta& meta = metadata_.maps[index];
  switch (kind) {
  case EventKind::MapClear:
    actions_.clear_map(meta);
    return;
  case EventKind::MapZero:
    actions_.zero_map(meta);
    return;
  case EventKind::MapPrint: {
    output::PrintOptions options;
    options.top = operation.top;
    options.div = operation.div == 0 ? uint64_t(1) : operation.div;
    if (operation.layout != 0 &&
        operation.layout <= metadata_.hist_layouts.size()) {
      const codegen::HistLayoutMeta& layout =
          metadata_.hist_layouts[operation.layout - 1];
      options.bcc_layout = true;
      options.bcc_unit = layout.unit;
      options.bcc_section = layout.section;
    }
    formatter_.map(actions_.read_map(meta), options);
    return;
  }
  default:
    return;
  }
}

// A run-time warning, printed the first time its site reports it.
void EventDecoder::runtime_warning(uint32_t id) {
  if (id >= metadata_.runtime_warnings.size() || !warnings_) {
    return;
  }
  warned_sites_.resize(metadata_.runtime_warnings.size());
  if (warned_sites_[id]) {
    return;
  }
  warned_sites_[id] = true;
  const codegen::RuntimeWarningMeta& warning = metadata_.runtime_warnings[id];
  using Kind = codegen::RuntimeWarningMeta::Kind;
  const char* text = "";
  switch (warning.kind) {
  case Kind::DivisionByZero:
    text = "division by zero: 1 is used as the result";
    break;
  case Kind::ModuloByZero:
    text = "modulo by zero: 1 is used as the result";
    break;
  }
  formatter_.warnf(text, location_at(warning.source_offset));
}

// The script location at `offset`, as errorf/warnf print it.
output::SourceLocation EventDecoder::location_at(uint32_t offset) {
  if (!source_) {
    source_.emplace(metadata_.source_name, metadata_.source_text);
  }
  LineColumn at = source_->line_column(offset);
  output::SourceLocation location;
  // The file that holds the offset: the script or an imported one.
  location.filename = source_->name_at(offset);
  location.line = at.line;
  location.column = at.column;
  location.text = location.filename + ":" + std::to_string(at.line) + ":" +
                  std::to_string(at.column);
  return location;
}

} // namespace sonde::runtime
