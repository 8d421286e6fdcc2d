// SPDX-License-Identifier: Apache-2.0
#include "output/tseries.h"

#include "output/json.h"

#include <algorithm>
#include <ctime>

namespace sonde::output {

namespace {

constexpr int64_t kNanosPerSecond = 1000000000;
// Columns of the chart between its bars, and so the last `*` position.
constexpr int kChartSpan = 52;

using Wide = __int128;

Wide wide(Integer value) {
  return value.is_signed ? Wide(static_cast<int64_t>(value.bits))
                         : Wide(value.bits);
}

// "HH:MM:SS" (or "YYYY-MM-DD HH:MM:SS") in local time, then `digits`
// digits of the fraction of a second.
std::string wall_time(int64_t ns, const char* format, int digits) {
  time_t seconds = static_cast<time_t>(ns / kNanosPerSecond);
  int64_t fraction = ns % kNanosPerSecond;
  struct tm local = {};
  localtime_r(&seconds, &local);
  char text[64];
  size_t length = strftime(text, sizeof(text), format, &local);
  std::string result(text, length);
  if (digits > 0) {
    std::string digits_text = std::to_string(fraction);
    digits_text.insert(0, 9 - digits_text.size(), '0');
    result += "." + digits_text.substr(0, digits);
  }
  return result;
}

// The label and the fraction digits of an interval's start.
std::pair<const char*, int> time_column(uint64_t interval_ns) {
  if (interval_ns % 1000000000 == 0) {
    return {"hh:mm:ss", 0};
  }
  if (interval_ns % 1000000 == 0) {
    return {"hh:mm:ss.ms", 3};
  }
  if (interval_ns % 1000 == 0) {
    return {"hh:mm:ss.us", 6};
  }
  return {"hh:mm:ss.ns", 9};
}

std::string
min_max_line(size_t indent, const std::string& min, const std::string& max) {
  size_t gap = kChartSpan + 1 > min.size() + max.size()
                   ? kChartSpan + 1 - min.size() - max.size()
                   : 1;
  return std::string(indent, ' ') + min + std::string(gap, ' ') + max;
}

} // namespace

uint64_t tseries_last_epoch(const MapSnapshot& map) {
  uint64_t last = 0;
  for (const MapSnapshot::Entry& entry : map.entries) {
    if (!entry.series.empty()) {
      last = std::max(last, entry.series.back().epoch);
    }
  }
  return last;
}

std::vector<TseriesRow> tseries_rows(const MapSnapshot& map,
                                     const MapSnapshot::Entry& entry,
                                     uint64_t last_epoch,
                                     uint64_t div) {
  uint64_t window = std::max<uint32_t>(map.shape.tseries.intervals, 1);
  uint64_t window_start =
      last_epoch + 1 >= window ? last_epoch + 1 - window : 0;
  std::vector<TseriesRow> rows;
  std::optional<uint64_t> first;
  for (const MapSnapshot::Entry::Point& point : entry.series) {
    if (point.epoch >= window_start && point.epoch <= last_epoch) {
      first = point.epoch;
      break;
    }
  }
  if (!first) {
    return rows;
  }
  bool is_signed = map.shape.value_type.is_signed();
  size_t next = 0;
  for (uint64_t epoch = *first; epoch <= last_epoch; ++epoch) {
    TseriesRow row;
    row.start_ns = static_cast<int64_t>(epoch * map.shape.tseries.interval_ns) +
                   map.boot_to_realtime_ns;
    while (next < entry.series.size() && entry.series[next].epoch < epoch) {
      ++next;
    }
    if (next < entry.series.size() && entry.series[next].epoch == epoch) {
      row.value = integer_divide({entry.series[next].value, is_signed}, div);
    }
    rows.push_back(row);
  }
  return rows;
}

void print_tseries_chart(const std::vector<TseriesRow>& rows,
                         uint64_t interval_ns,
                         llvm::raw_ostream& out) {
  std::optional<Integer> low;
  std::optional<Integer> high;
  for (const TseriesRow& row : rows) {
    if (!row.value) {
      continue;
    }
    if (!low || integer_less(*row.value, *low)) {
      low = row.value;
    }
    if (!high || integer_less(*high, *row.value)) {
      high = row.value;
    }
  }
  if (!low) {
    return;
  }
  Wide min = wide(*low);
  Wide max = wide(*high);
  if (min == max) {
    --min;
    ++max;
  }
  auto position = [&](Wide value) {
    return static_cast<size_t>((value - min) * kChartSpan / (max - min));
  };
  auto text = [](Wide value) {
    return value < 0 ? "-" + std::to_string(uint64_t(-value))
                     : std::to_string(uint64_t(value));
  };
  auto [label, digits] = time_column(interval_ns);
  size_t indent = (digits > 0 ? 9 + digits : 8) + 1;
  std::string rule(kChartSpan - 1, '_');
  std::string range = min_max_line(indent, text(min), text(max));

  out << range << "\n";
  std::string column = label;
  column.resize(indent, ' ');
  out << column << "|" << rule << "|\n";
  for (const TseriesRow& row : rows) {
    std::string chart(kChartSpan + 1, ' ');
    chart.front() = '|';
    chart.back() = '|';
    if (min < 0 && max > 0) {
      chart[position(0)] = '.';
    }
    if (row.value) {
      chart[position(wide(*row.value))] = '*';
    }
    out << wall_time(row.start_ns, "%H:%M:%S", digits) << " " << chart << " "
        << (row.value ? integer_text(*row.value) : "-") << "\n";
  }
  out << std::string(indent, ' ') << "v" << rule << "v\n";
  out << range << "\n";
}

std::string tseries_rows_json(const std::vector<TseriesRow>& rows) {
  std::string json = "[";
  bool first = true;
  for (const TseriesRow& row : rows) {
    if (!row.value) {
      continue;
    }
    if (!first) {
      json += ",";
    }
    first = false;
    json += "{\"interval_start\": " +
            json_string(wall_time(row.start_ns, "%Y-%m-%d %H:%M:%S", 9)) +
            ", \"value\": " + json_integer(*row.value) + "}";
  }
  return json + "]";
}

} // namespace sonde::output
