// SPDX-License-Identifier: Apache-2.0
#include "output/histogram.h"

#include "output/json.h"

#include <algorithm>
#include <bit>

namespace sonde::output {

uint32_t hist_bucket_count(unsigned bits) { return ((65u - bits) << bits) + 1; }

uint32_t hist_bucket_index(int64_t value, unsigned bits) {
  if (value < 0) {
    return 0;
  }
  auto v = static_cast<uint64_t>(value);
  uint64_t per_power = uint64_t(1) << bits;
  if (v < per_power) {
    return static_cast<uint32_t>(v + 1);
  }
  unsigned msb = 63 - std::countl_zero(v);
  uint64_t sub_bucket = (v >> (msb - bits)) & (per_power - 1);
  return static_cast<uint32_t>(1 + ((msb - bits + 1) << bits) + sub_bucket);
}

uint32_t lhist_bucket_count(int64_t min, int64_t max, int64_t step) {
  return static_cast<uint32_t>((max - min) / step + 2);
}

uint32_t bucket_count(const types::MapShape& shape) {
  switch (shape.kind) {
  case types::MapValueKind::Hist:
    return hist_bucket_count(shape.hist.bits);
  case types::MapValueKind::Lhist: {
    const types::LhistArguments& lhist = shape.lhist;
    if (lhist.step <= 0 || lhist.max < lhist.min) {
      return 0;
    }
    return lhist_bucket_count(lhist.min, lhist.max, lhist.step);
  }
  case types::MapValueKind::Plain:
  case types::MapValueKind::Count:
  case types::MapValueKind::Sum:
  case types::MapValueKind::Min:
  case types::MapValueKind::Max:
  case types::MapValueKind::Avg:
  case types::MapValueKind::Stats:
  case types::MapValueKind::Tseries:
    return 0;
  }
  return 0;
}

uint32_t
lhist_bucket_index(int64_t value, int64_t min, int64_t max, int64_t step) {
  if (value < min) {
    return 0;
  }
  if (value > max) {
    return static_cast<uint32_t>(1 + (max - min) / step);
  }
  return static_cast<uint32_t>(1 + (value - min) / step);
}

namespace {

// The first and last non-zero bucket below `limit`, or nullopt.
std::optional<std::pair<size_t, size_t>>
nonzero_range(const std::vector<uint64_t>& buckets, size_t limit) {
  std::optional<std::pair<size_t, size_t>> range;
  for (size_t i = 0; i < limit; ++i) {
    if (buckets[i] == 0) {
      continue;
    }
    if (!range) {
      range.emplace(i, i);
    }
    range->second = i;
  }
  return range;
}

// A bound of a hist() bucket: the exclusive upper end of bucket j, which is
// also the first value of bucket j + 1.
struct HistBound {
  // Up to 2^64, so wider than 64 bits.
  unsigned __int128 value;
  std::string text;
};

HistBound hist_bound(uint32_t index, unsigned bits) {
  if (index <= (2u << bits)) {
    return {index, std::to_string(index)};
  }
  uint64_t per_power = uint64_t(1) << bits;
  uint64_t multiplier = per_power + (index & (per_power - 1));
  unsigned power = (index >> bits) - 1;
  // Bounds are written with a suffix for the largest power of 1024 below
  // them, so 2^power * multiplier reads as (2^(power % 10) * multiplier) and
  // one of K, M, G, T, P, E.
  static constexpr const char* Suffixes[] = {"", "K", "M", "G", "T", "P", "E"};
  unsigned decade = std::min(power / 10, 6u);
  unsigned __int128 scaled = static_cast<unsigned __int128>(multiplier)
                             << (power - 10 * decade);
  auto value = static_cast<unsigned __int128>(multiplier) << power;
  return {value,
          std::to_string(static_cast<uint64_t>(scaled)) + Suffixes[decade]};
}

// Converts a bound known to be below 2^64 (or exactly 2^64, for the last
// bucket's inclusive maximum once 1 is subtracted).
Integer hist_integer(unsigned __int128 value) {
  return Integer::of_unsigned(static_cast<uint64_t>(value));
}

std::string lhist_label(int64_t value, int64_t step) {
  constexpr int64_t Kilo = 1024;
  constexpr int64_t Mega = 1024 * 1024;
  if (step % Kilo != 0 || value == 0) {
    return std::to_string(value);
  }
  if (value % Mega == 0) {
    return std::to_string(value / Mega) + "M";
  }
  if (value % Kilo == 0) {
    return std::to_string(value / Kilo) + "K";
  }
  return std::to_string(value);
}

} // namespace

std::vector<HistRow>
hist_rows(const std::vector<uint64_t>& buckets, unsigned bits, uint64_t div) {
  if (div == 0) {
    div = 1;
  }
  size_t limit = std::min<size_t>(buckets.size(), hist_bucket_count(bits));
  auto range = nonzero_range(buckets, limit);
  std::vector<HistRow> rows;
  if (!range) {
    return rows;
  }
  for (size_t i = range->first; i <= range->second; ++i) {
    HistRow row;
    row.count = buckets[i] / div;
    if (i == 0) {
      row.label = "(..., 0)";
      row.max = Integer::of_signed(-1);
    } else {
      auto index = static_cast<uint32_t>(i);
      HistBound lower = hist_bound(index - 1, bits);
      HistBound upper = hist_bound(index, bits);
      row.label = index <= (2u << bits)
                      ? "[" + lower.text + "]"
                      : "[" + lower.text + ", " + upper.text + ")";
      row.min = hist_integer(lower.value);
      row.max = hist_integer(upper.value - 1);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<HistRow> lhist_rows(const std::vector<uint64_t>& buckets,
                                int64_t min,
                                int64_t max,
                                int64_t step) {
  std::vector<HistRow> rows;
  if (step <= 0 || max < min) {
    return rows;
  }
  int64_t in_range = (max - min) / step;
  size_t limit = std::min<size_t>(buckets.size(), in_range + 2);
  auto range = nonzero_range(buckets, limit);
  if (!range) {
    return rows;
  }
  for (size_t i = range->first; i <= range->second; ++i) {
    HistRow row;
    row.count = buckets[i];
    auto index = static_cast<int64_t>(i);
    if (index == 0) {
      row.label = "(..., " + lhist_label(min, step) + ")";
      row.max = Integer::of_signed(min - 1);
    } else if (index <= in_range) {
      int64_t lower = min + (index - 1) * step;
      int64_t upper = lower + step;
      row.label = step == 1 ? "[" + lhist_label(lower, step) + "]"
                            : "[" + lhist_label(lower, step) + ", " +
                                  lhist_label(upper, step) + ")";
      // Upstream stores K/M-suffixed bounds as unsigned, so a negative one
      // comes out in JSON as a wrapped 64-bit number; we keep the sign.
      row.min = Integer::of_signed(lower);
      row.max = Integer::of_signed(upper - 1);
    } else {
      // The overflow bucket starts where the last in-range bucket ends. That
      // is `max` when step divides max - min (0.17 always printed `max`
      // here; upstream prints this bound).
      int64_t lower = min + in_range * step;
      row.label = "[" + lhist_label(lower, step) + ", ...)";
      row.min = Integer::of_signed(lower);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void print_hist_rows(const std::vector<HistRow>& rows, llvm::raw_ostream& out) {
  constexpr int BarWidth = 52;
  uint64_t largest = 0;
  for (const HistRow& row : rows) {
    largest = std::max(largest, row.count);
  }
  for (const HistRow& row : rows) {
    // Single-precision arithmetic, as bpftrace computes the bar, so lengths
    // round the same way.
    int bar = 0;
    if (largest != 0) {
      bar = static_cast<int>(static_cast<float>(row.count) /
                             static_cast<float>(largest) * BarWidth);
    }
    out << row.label;
    if (row.label.size() < 16) {
      out.indent(16 - row.label.size());
    }
    std::string count = std::to_string(row.count);
    if (count.size() < 8) {
      out.indent(8 - count.size());
    }
    out << count << " |" << std::string(bar, '@');
    out.indent(BarWidth - bar);
    out << "|\n";
  }
}

void print_bcc_log2_hist(const std::vector<uint64_t>& buckets,
                         const std::string& unit,
                         llvm::raw_ostream& out) {
  // BCC's slot i >= 2 holds [2^(i-1), 2^i - 1], sonde's bucket i + 1; slot
  // 1 holds 0 and 1, sonde's buckets 1 and 2 (and 0, the negatives).
  constexpr size_t kSlots = 65;
  std::vector<uint64_t> slots(kSlots, 0);
  for (size_t i = 0; i < buckets.size(); ++i) {
    size_t slot = i <= 2 ? 1 : i - 1;
    if (slot < kSlots) {
      slots[slot] += buckets[i];
    }
  }
  size_t last = 0;
  uint64_t largest = 0;
  for (size_t i = 0; i < kSlots; ++i) {
    if (slots[i] != 0) {
      last = i;
    }
    largest = std::max(largest, slots[i]);
  }
  if (last == 0) {
    return;
  }
  bool wide = last > 32;
  int number_width = wide ? 20 : 10;
  int bar_width = wide ? 20 : 40;
  std::string label = unit;
  size_t label_width = wide ? 29 : 19;
  if (label.size() < label_width) {
    label.resize(label_width, ' ');
  }
  out << (wide ? "               " : "     ") << label
      << " : count     distribution\n";
  auto padded = [](std::string text, size_t width, bool left) {
    if (text.size() >= width) {
      return text;
    }
    std::string fill(width - text.size(), ' ');
    return left ? text + fill : fill + text;
  };
  for (size_t i = 1; i <= last; ++i) {
    uint64_t low = i == 1 ? 0 : uint64_t{1} << (i - 1);
    uint64_t high = i == 64 ? UINT64_MAX : (uint64_t{1} << i) - 1;
    auto bar = static_cast<size_t>(static_cast<unsigned __int128>(slots[i]) *
                                   static_cast<unsigned>(bar_width) / largest);
    out << padded(std::to_string(low), number_width, false) << " -> "
        << padded(std::to_string(high), number_width, true) << " : "
        << padded(std::to_string(slots[i]), 8, true) << " |"
        << padded(std::string(bar, '*'), bar_width, true) << "|\n";
  }
}

std::string hist_rows_json(const std::vector<HistRow>& rows) {
  std::string out = "[";
  bool first = true;
  for (const HistRow& row : rows) {
    if (!first) {
      out += ",";
    }
    first = false;
    out += "{";
    if (row.min) {
      out += "\"min\": " + json_integer(*row.min) + ", ";
    }
    if (row.max) {
      out += "\"max\": " + json_integer(*row.max) + ", ";
    }
    out += "\"count\": " + std::to_string(row.count) + "}";
  }
  return out + "]";
}

} // namespace sonde::output
