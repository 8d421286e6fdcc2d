// SPDX-License-Identifier: Apache-2.0
#include "output/map_printer.h"

#include "output/histogram.h"
#include "output/json.h"
#include "output/tseries.h"

#include <algorithm>

namespace sonde::output {

namespace {

// Runs `fn` on the value bytes padded to value_type's size, so a short
// buffer from the runtime is never read past its end.
template <typename Fn>
std::string
with_value(const MapSnapshot& map, const MapSnapshot::Entry& entry, Fn fn) {
  const types::Type& type = map.shape.value_type;
  if (entry.value.size() >= type.size()) {
    return fn(RawValue{&type, entry.value.data()});
  }
  std::string padded = entry.value;
  padded.resize(type.size(), '\0');
  return fn(RawValue{&type, padded.data()});
}

// The rows of a hist() or lhist() entry; none for other maps.
std::vector<HistRow>
rows_of(const MapSnapshot& map, const MapSnapshot::Entry& entry, uint64_t div) {
  const types::MapShape& shape = map.shape;
  switch (shape.kind) {
  case MapValueKind::Hist:
    return hist_rows(entry.buckets, shape.hist.bits, div);
  case MapValueKind::Lhist:
    // div has no effect on linear histograms.
    return lhist_rows(entry.buckets, shape.lhist.min, shape.lhist.max,
                      shape.lhist.step);
  case MapValueKind::Plain:
  case MapValueKind::Count:
  case MapValueKind::Sum:
  case MapValueKind::Min:
  case MapValueKind::Max:
  case MapValueKind::Avg:
  case MapValueKind::Stats:
  case MapValueKind::Tseries:
    break;
  }
  return {};
}

// The "type" member of a map's JSON object.
const char* json_type(const MapSnapshot& map) {
  switch (map.shape.kind) {
  case MapValueKind::Hist:
  case MapValueKind::Lhist:
    return "hist";
  case MapValueKind::Avg:
  case MapValueKind::Stats:
    return "stats";
  case MapValueKind::Tseries:
    return "tseries";
  case MapValueKind::Plain:
  case MapValueKind::Count:
  case MapValueKind::Sum:
  case MapValueKind::Min:
  case MapValueKind::Max:
    break;
  }
  return "map";
}

} // namespace

std::string value_text(const MapSnapshot& map,
                       const MapSnapshot::Entry& entry,
                       uint64_t div) {
  switch (map.shape.kind) {
  case MapValueKind::Plain:
    if (has_integer_values(map)) {
      return div == 1 ? integer_text(map.shape.value_type,
                                     entry_integer(map, entry, div))
                      : integer_text(entry_integer(map, entry, div));
    }
    return with_value(map, entry, [&](const RawValue& value) {
      return format_value(value, map.resolver);
    });
  case MapValueKind::Count:
  case MapValueKind::Sum:
  case MapValueKind::Min:
  case MapValueKind::Max:
    return integer_text(entry_integer(map, entry, div));
  case MapValueKind::Avg:
    return integer_text(integer_divide(entry_average(map, entry), div));
  case MapValueKind::Stats:
    // Only the average is divided, as upstream does.
    return "{ .count = " + std::to_string(entry.count) + ", .average = " +
           integer_text(integer_divide(entry_average(map, entry), div)) +
           ", .total = " + integer_text(entry_total(map, entry)) + " }";
  case MapValueKind::Hist:
  case MapValueKind::Lhist:
  case MapValueKind::Tseries:
    break;
  }
  return "";
}

std::string value_json(const MapSnapshot& map,
                       const MapSnapshot::Entry& entry,
                       uint64_t div) {
  switch (map.shape.kind) {
  case MapValueKind::Plain:
    if (has_integer_values(map)) {
      return div == 1 ? json_integer(map.shape.value_type,
                                     entry_integer(map, entry, div))
                      : json_integer(entry_integer(map, entry, div));
    }
    return with_value(map, entry, [&](const RawValue& value) {
      return format_value_json(value, map.resolver);
    });
  case MapValueKind::Count:
  case MapValueKind::Sum:
  case MapValueKind::Min:
  case MapValueKind::Max:
    return json_integer(entry_integer(map, entry, div));
  case MapValueKind::Avg:
    return json_integer(integer_divide(entry_average(map, entry), div));
  case MapValueKind::Stats:
    return "{\"count\": " + json_integer(Integer::of_unsigned(entry.count)) +
           ", \"average\": " +
           json_integer(integer_divide(entry_average(map, entry), div)) +
           ", \"total\": " + json_integer(entry_total(map, entry)) + "}";
  case MapValueKind::Hist:
  case MapValueKind::Lhist:
    return hist_rows_json(rows_of(map, entry, div));
  case MapValueKind::Tseries:
    return tseries_rows_json(
        tseries_rows(map, entry, tseries_last_epoch(map), div));
  }
  return "null";
}

void print_map_text(const MapSnapshot& map,
                    llvm::raw_ostream& out,
                    const PrintOptions& options) {
  MapSnapshot::Entry zero = zero_entry(map);
  if (options.bcc_layout && map.shape.kind == MapValueKind::Hist) {
    // BCC prints the sections of a keyed histogram in key order.
    std::vector<const MapSnapshot::Entry*> entries =
        entries_to_print(map, options, zero);
    std::vector<std::pair<std::string, const MapSnapshot::Entry*>> sections;
    for (const MapSnapshot::Entry* entry : entries) {
      sections.emplace_back(
          map.shape.is_scalar() ? std::string() : key_text(map, *entry), entry);
    }
    std::stable_sort(
        sections.begin(), sections.end(),
        [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, entry] : sections) {
      if (!map.shape.is_scalar()) {
        out << "\n"
            << (options.bcc_section.empty() ? "key" : options.bcc_section)
            << " = " << key << "\n";
      }
      print_bcc_log2_hist(entry->buckets, options.bcc_unit, out);
    }
    return;
  }
  for (const MapSnapshot::Entry* entry : entries_to_print(map, options, zero)) {
    out << map.shape.name;
    if (!map.shape.is_scalar()) {
      out << "[" << key_text(map, *entry) << "]";
    }
    // Histograms and time series print a chart below the key, the others
    // their value after it.
    switch (map.shape.kind) {
    case MapValueKind::Hist:
    case MapValueKind::Lhist:
      out << ":\n";
      print_hist_rows(rows_of(map, *entry, options.div), out);
      out << "\n";
      break;
    case MapValueKind::Tseries:
      out << ":\n";
      print_tseries_chart(
          tseries_rows(map, *entry, tseries_last_epoch(map), options.div),
          map.shape.tseries.interval_ns, out);
      out << "\n";
      break;
    case MapValueKind::Plain:
    case MapValueKind::Count:
    case MapValueKind::Sum:
    case MapValueKind::Min:
    case MapValueKind::Max:
    case MapValueKind::Avg:
    case MapValueKind::Stats:
      out << ": " << value_text(map, *entry, options.div) << "\n";
      break;
    }
  }
}

void print_map_json(const MapSnapshot& map,
                    llvm::raw_ostream& out,
                    const PrintOptions& options) {
  MapSnapshot::Entry zero = zero_entry(map);
  std::vector<const MapSnapshot::Entry*> entries =
      entries_to_print(map, options, zero);
  // Upstream still prints `{}` for an empty keyed avg/stats map (and nothing
  // for other maps); SPEC has every empty keyed map print nothing.
  if (entries.empty()) {
    return;
  }
  out << "{\"type\": \"" << json_type(map) << "\", \"data\": {"
      << json_string(map.shape.name) << ": ";
  if (map.shape.is_scalar()) {
    out << value_json(map, *entries.front(), options.div);
  } else {
    out << "{";
    bool first = true;
    for (const MapSnapshot::Entry* entry : entries) {
      if (!first) {
        out << ", ";
      }
      first = false;
      out << json_string(json_key_text(map, *entry)) << ": "
          << value_json(map, *entry, options.div);
    }
    out << "}";
  }
  out << "}}\n";
}

} // namespace sonde::output
