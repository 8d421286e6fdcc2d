// SPDX-License-Identifier: Apache-2.0
#include "runtime/map_reader.h"

#include "output/histogram.h"
#include "runtime/features.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cstring>
#include <ctime>
#include <map>

namespace sonde::runtime {

namespace {

using codegen::MapMeta;
using types::MapValueKind;

// Every key of a map, read before any is changed.
std::vector<std::string> all_keys(int map_fd, uint32_t key_size) {
  std::vector<std::string> keys;
  std::string key(key_size, '\0');
  std::string next(key_size, '\0');
  const void* previous = nullptr;
  while (bpf_map_get_next_key(map_fd, previous, next.data()) == 0) {
    keys.push_back(next);
    key = next;
    previous = key.data();
  }
  return keys;
}

template <typename T> T read_at(const char* data) {
  T value;
  std::memcpy(&value, data, sizeof(value));
  return value;
}

// Merges one entry's per-CPU values into the snapshot entry.
void merge_cpu_values(const MapMeta& meta,
                      const std::string& values,
                      size_t stride,
                      output::MapSnapshot::Entry& entry) {
  const types::MapShape& shape = meta.shape;
  if (!shape.is_aggregation()) {
    entry.value.assign(values.data(), meta.value_size);
    return;
  }
  uint64_t sum = 0;
  // min() and max() keep the extreme value of the CPUs that have one.
  bool extreme_kind = false;
  bool any = false;
  int64_t extreme = 0;
  size_t cpus = possible_cpus();
  for (size_t cpu = 0; cpu < cpus; ++cpu) {
    const char* value = values.data() + cpu * stride;
    switch (shape.kind) {
    case MapValueKind::Min:
    case MapValueKind::Max: {
      extreme_kind = true;
      auto slot = read_at<codegen::MinMaxValue>(value);
      if (slot.set == 0) {
        break;
      }
      bool is_signed = shape.value_type.is_signed();
      bool better =
          shape.kind == MapValueKind::Min
              ? (is_signed ? slot.value < extreme
                           : uint64_t(slot.value) < uint64_t(extreme))
              : (is_signed ? slot.value > extreme
                           : uint64_t(slot.value) > uint64_t(extreme));
      if (!any || better) {
        extreme = slot.value;
      }
      any = true;
      break;
    }
    case MapValueKind::Avg:
    case MapValueKind::Stats: {
      auto slot = read_at<codegen::AvgValue>(value);
      entry.count += slot.count;
      entry.total += static_cast<uint64_t>(slot.total);
      break;
    }
    case MapValueKind::Tseries:
      break;
    case MapValueKind::Plain:
    case MapValueKind::Count:
    case MapValueKind::Sum:
    case MapValueKind::Hist:
    case MapValueKind::Lhist:
      sum += read_at<uint64_t>(value);
      break;
    }
  }
  entry.value.assign(8, '\0');
  uint64_t merged = extreme_kind ? static_cast<uint64_t>(extreme) : sum;
  std::memcpy(entry.value.data(), &merged, sizeof(merged));
}

// Merges every CPU's intervals of one tseries() key by epoch: the last
// value written (by time), the sum, the average, the min or the max.
std::vector<output::MapSnapshot::Entry::Point>
merge_tseries(const MapMeta& meta, const std::string& values, size_t stride) {
  using Aggregation = types::TseriesAggregation;
  struct Merged {
    int64_t value = 0;
    uint64_t count = 0;
    uint64_t time = 0;
  };
  const types::TseriesArguments& tseries = meta.shape.tseries;
  bool is_signed = meta.shape.value_type.is_signed();
  std::map<uint64_t, Merged> by_epoch;
  for (size_t cpu = 0; cpu < possible_cpus(); ++cpu) {
    for (uint32_t i = 0; i < tseries.intervals; ++i) {
      auto slot = read_at<codegen::TseriesSlot>(
          values.data() + cpu * stride + i * sizeof(codegen::TseriesSlot));
      if (slot.count == 0) {
        continue;
      }
      auto [merged, added] = by_epoch.try_emplace(slot.epoch);
      Merged& into = merged->second;
      if (added) {
        into = {slot.value, slot.count, slot.time};
        continue;
      }
      switch (tseries.aggregation) {
      case Aggregation::Last:
        if (slot.time > into.time) {
          into.value = slot.value;
        }
        break;
      case Aggregation::Avg:
      case Aggregation::Sum:
        into.value =
            static_cast<int64_t>(uint64_t(into.value) + uint64_t(slot.value));
        break;
      case Aggregation::Min:
      case Aggregation::Max: {
        bool less = is_signed ? slot.value < into.value
                              : uint64_t(slot.value) < uint64_t(into.value);
        bool greater = is_signed ? slot.value > into.value
                                 : uint64_t(slot.value) > uint64_t(into.value);
        if (tseries.aggregation == Aggregation::Min ? less : greater) {
          into.value = slot.value;
        }
        break;
      }
      }
      into.count += slot.count;
      into.time = std::max(into.time, slot.time);
    }
  }
  std::vector<output::MapSnapshot::Entry::Point> series;
  for (const auto& [epoch, merged] : by_epoch) {
    uint64_t value = static_cast<uint64_t>(merged.value);
    if (tseries.aggregation == Aggregation::Avg) {
      // Integer average truncated toward zero, like avg().
      value = is_signed ? static_cast<uint64_t>(
                              merged.value / static_cast<int64_t>(merged.count))
                        : value / merged.count;
    }
    series.push_back({epoch, value});
  }
  return series;
}

// Wall-clock ns minus boot-time ns, now.
int64_t boot_to_realtime_ns() {
  timespec real;
  timespec boot;
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  return (int64_t(real.tv_sec) - int64_t(boot.tv_sec)) * 1000000000 +
         (int64_t(real.tv_nsec) - int64_t(boot.tv_nsec));
}

} // namespace

output::MapSnapshot read_map(int map_fd, const MapMeta& meta) {
  const types::MapShape& shape = meta.shape;
  output::MapSnapshot snapshot;
  snapshot.shape = shape;
  snapshot.key_offsets = meta.key_offsets;
  if (shape.kind == MapValueKind::Tseries) {
    snapshot.boot_to_realtime_ns = boot_to_realtime_ns();
  }

  // Per-CPU maps return one 8-byte aligned value per possible CPU.
  size_t stride = (meta.value_size + 7) & ~size_t(7);
  std::string values(stride * (shape.is_aggregation() ? possible_cpus() : 1),
                     '\0');
  // Histogram entries are (key, bucket) pairs, gathered per key.
  std::map<std::string, size_t> histogram_rows;
  uint32_t user_key_size = shape.has_buckets() ? meta.key_size - 8 : 0;
  for (const std::string& key : all_keys(map_fd, meta.key_size)) {
    if (bpf_map_lookup_elem(map_fd, key.data(), values.data()) != 0) {
      continue; // Deleted since the keys were read.
    }
    output::MapSnapshot::Entry entry;
    merge_cpu_values(meta, values, stride, entry);
    if (shape.kind == MapValueKind::Tseries) {
      entry.series = merge_tseries(meta, values, stride);
    }
    if (!shape.has_buckets()) {
      entry.key = key;
      snapshot.entries.push_back(std::move(entry));
      continue;
    }
    std::string user_key = key.substr(0, user_key_size);
    uint64_t bucket = read_at<uint64_t>(key.data() + user_key_size);
    auto [row, added] =
        histogram_rows.emplace(user_key, snapshot.entries.size());
    if (added) {
      output::MapSnapshot::Entry fresh;
      fresh.key = user_key;
      fresh.buckets.assign(output::bucket_count(shape), 0);
      snapshot.entries.push_back(std::move(fresh));
    }
    std::vector<uint64_t>& buckets = snapshot.entries[row->second].buckets;
    if (bucket < buckets.size()) {
      buckets[bucket] += read_at<uint64_t>(entry.value.data());
    }
  }
  return snapshot;
}

void clear_map(int map_fd, const MapMeta& meta) {
  for (const std::string& key : all_keys(map_fd, meta.key_size)) {
    bpf_map_delete_elem(map_fd, key.data());
  }
}

void zero_map(int map_fd, const MapMeta& meta) {
  size_t stride = (meta.value_size + 7) & ~size_t(7);
  std::string zeros(
      stride * (meta.shape.is_aggregation() ? possible_cpus() : 1), '\0');
  for (const std::string& key : all_keys(map_fd, meta.key_size)) {
    bpf_map_update_elem(map_fd, key.data(), zeros.data(), BPF_EXIST);
  }
}

uint64_t read_percpu_counter(int map_fd, uint32_t index) {
  std::vector<uint64_t> values(possible_cpus());
  uint32_t key = index;
  if (bpf_map_lookup_elem(map_fd, &key, values.data()) != 0) {
    return 0;
  }
  uint64_t total = 0;
  for (uint64_t value : values) {
    total += value;
  }
  return total;
}

} // namespace sonde::runtime
