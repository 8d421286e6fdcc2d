// SPDX-License-Identifier: Apache-2.0
#include "output/map_snapshot.h"

#include "output/histogram.h"

#include <algorithm>
#include <optional>

namespace sonde::output {

namespace {

// Orders keys field by field. Integers compare as signed numbers whatever
// their type, as upstream's key sort does; strings compare bytewise.
bool key_less(const MapSnapshot& map,
              const std::string& a,
              const std::string& b) {
  for (size_t i = 0; i < map.shape.key_types.size(); ++i) {
    const types::Type& type = map.shape.key_types[i];
    const char* left = a.data() + map.key_offsets[i];
    const char* right = b.data() + map.key_offsets[i];
    if (type.is_string()) {
      int order = read_string(left, type.size())
                      .compare(read_string(right, type.size()));
      if (order != 0) {
        return order < 0;
      }
    } else if (type.is_pointer()) {
      if (read_unsigned(left) != read_unsigned(right)) {
        return read_unsigned(left) < read_unsigned(right);
      }
    } else if (read_signed(left) != read_signed(right)) {
      return read_signed(left) < read_signed(right);
    }
  }
  return false;
}

uint64_t bucket_total(const MapSnapshot::Entry& entry) {
  uint64_t total = 0;
  for (uint64_t count : entry.buckets) {
    total += count;
  }
  return total;
}

// The quantity entries sort by, or nullopt for maps sorted by key.
std::optional<Integer> sort_value(const MapSnapshot& map,
                                  const MapSnapshot::Entry& entry) {
  switch (map.shape.kind) {
  case MapValueKind::Plain:
    if (!has_integer_values(map)) {
      return std::nullopt;
    }
    return entry_integer(map, entry);
  case MapValueKind::Count:
  case MapValueKind::Sum:
  case MapValueKind::Min:
  case MapValueKind::Max:
    // Upstream compares min/max values as unsigned, which puts negative
    // minimums after positive ones; SPEC (and 0.17) sort them by value.
    return entry_integer(map, entry);
  case MapValueKind::Avg:
  case MapValueKind::Stats:
    return entry_average(map, entry);
  case MapValueKind::Hist:
  case MapValueKind::Lhist:
    return Integer::of_unsigned(bucket_total(entry));
  case MapValueKind::Tseries:
    // The key whose data is the most recent comes last.
    return Integer::of_unsigned(
        entry.series.empty() ? 0 : entry.series.back().epoch);
  }
  return std::nullopt;
}

std::string strip_parentheses(std::string text) {
  if (text.size() >= 2 && text.front() == '(' && text.back() == ')') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

} // namespace

bool has_integer_values(const MapSnapshot& map) {
  switch (map.shape.value_type.kind()) {
  case types::TypeKind::Integer:
  case types::TypeKind::Count:
  case types::TypeKind::Sum:
    return true;
  case types::TypeKind::None:
  case types::TypeKind::Bool:
  case types::TypeKind::String:
  case types::TypeKind::Pointer:
  case types::TypeKind::Record:
  case types::TypeKind::Array:
  case types::TypeKind::Tuple:
  case types::TypeKind::Buffer:
  case types::TypeKind::Stack:
  case types::TypeKind::Formatted:
    return false;
  }
  return false;
}

Integer entry_integer(const MapSnapshot& map,
                      const MapSnapshot::Entry& entry,
                      uint64_t div) {
  uint64_t bits = 0;
  if (entry.value.size() >= sizeof(bits)) {
    bits = read_unsigned(entry.value.data());
  }
  return integer_divide({bits, map.shape.value_type.is_signed()}, div);
}

Integer entry_average(const MapSnapshot& map, const MapSnapshot::Entry& entry) {
  bool is_signed = map.shape.value_type.is_signed();
  if (entry.count == 0) {
    return {0, is_signed};
  }
  if (!is_signed) {
    return Integer::of_unsigned(entry.total / entry.count);
  }
  auto total = static_cast<int64_t>(entry.total);
  // Counts beyond int64's range would need 2^63 calls; divide as unsigned
  // magnitudes anyway so nothing overflows.
  uint64_t magnitude =
      total < 0 ? ~entry.total + 1 : static_cast<uint64_t>(total);
  uint64_t quotient = magnitude / entry.count;
  return Integer::of_signed(total < 0 ? static_cast<int64_t>(~quotient + 1)
                                      : static_cast<int64_t>(quotient));
}

Integer entry_total(const MapSnapshot& map, const MapSnapshot::Entry& entry) {
  return {entry.total, map.shape.value_type.is_signed()};
}

std::vector<const MapSnapshot::Entry*> sorted_entries(const MapSnapshot& map,
                                                      uint64_t top) {
  struct Item {
    const MapSnapshot::Entry* entry;
    std::optional<Integer> value;
  };
  std::vector<Item> items;
  items.reserve(map.entries.size());
  for (const MapSnapshot::Entry& entry : map.entries) {
    items.push_back({&entry, sort_value(map, entry)});
  }
  // Keys in a map are unique, so this is a total order and a plain sort is
  // deterministic.
  std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    if (a.value && b.value) {
      if (integer_less(*a.value, *b.value)) {
        return true;
      }
      if (integer_less(*b.value, *a.value)) {
        return false;
      }
    }
    return key_less(map, a.entry->key, b.entry->key);
  });
  size_t skip = 0;
  if (top != 0 && items.size() > top) {
    skip = items.size() - top;
  }
  std::vector<const MapSnapshot::Entry*> entries;
  for (size_t i = skip; i < items.size(); ++i) {
    entries.push_back(items[i].entry);
  }
  return entries;
}

MapSnapshot::Entry zero_entry(const MapSnapshot& map) {
  MapSnapshot::Entry entry;
  entry.value.assign(std::max<size_t>(map.shape.value_type.size(), 8), '\0');
  entry.buckets.assign(bucket_count(map.shape), 0);
  return entry;
}

std::vector<const MapSnapshot::Entry*>
entries_to_print(const MapSnapshot& map,
                 const PrintOptions& options,
                 const MapSnapshot::Entry& zero) {
  if (map.shape.is_scalar()) {
    // A scalar map has one element at most.
    if (map.entries.empty()) {
      return {&zero};
    }
    return {&map.entries.front()};
  }
  return sorted_entries(map, options.top);
}

std::string key_text(const MapSnapshot& map, const MapSnapshot::Entry& entry) {
  std::string text;
  const std::vector<types::Type>& keys = map.shape.key_types;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i != 0) {
      text += ", ";
    }
    text += format_value({&keys[i], entry.key.data() + map.key_offsets[i]},
                         map.resolver);
  }
  // Upstream prints a tuple key as "(a, b)" and strips the outer
  // parentheses; a single key loses them as well when its own text is
  // wrapped in them.
  return keys.size() == 1 ? strip_parentheses(std::move(text)) : text;
}

std::string json_key_text(const MapSnapshot& map,
                          const MapSnapshot::Entry& entry) {
  std::string text = key_text(map, entry);
  for (const types::Type& type : map.shape.key_types) {
    if (type.is_stack()) {
      return text;
    }
  }
  std::erase(text, ' ');
  return text;
}

} // namespace sonde::output
