// SPDX-License-Identifier: Apache-2.0
#include "runtime/map_reader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cstring>

namespace sonde::runtime {

namespace {
int possible_cpus() {
  static int cpus = libbpf_num_possible_cpus();
  return cpus > 0 ? cpus : 1;
}
} // namespace

output::MapSnapshot read_map(int map_fd, const codegen::MapMeta& meta) {
  output::MapSnapshot snapshot;
  snapshot.name = meta.name;
  for (const codegen::ValueLayout& field : meta.key_fields) {
    snapshot.key_types.push_back(field.type);
    snapshot.key_offsets.push_back(field.offset);
  }
  snapshot.value_type = meta.value_type;
  snapshot.kind = meta.value_kind;

  // Per-CPU maps return one 8-byte aligned value per possible CPU.
  size_t value_stride = (meta.value_size + 7) & ~size_t(7);
  size_t cpus = meta.per_cpu ? possible_cpus() : 1;
  std::string key(meta.key_size, '\0');
  std::string next(meta.key_size, '\0');
  std::string values(value_stride * cpus, '\0');
  const void* previous = nullptr;
  while (bpf_map_get_next_key(map_fd, previous, next.data()) == 0) {
    key = next;
    previous = key.data();
    if (bpf_map_lookup_elem(map_fd, key.data(), values.data()) != 0) {
      // Deleted between the two calls.
      continue;
    }
    std::string value(meta.value_size, '\0');
    if (meta.per_cpu) {
      uint64_t total = 0;
      for (size_t cpu = 0; cpu < cpus; ++cpu) {
        uint64_t part;
        std::memcpy(&part, values.data() + cpu * value_stride, sizeof(part));
        total += part;
      }
      std::memcpy(value.data(), &total, sizeof(total));
    } else {
      value.assign(values.data(), meta.value_size);
    }
    snapshot.entries.push_back({key, std::move(value)});
  }
  return snapshot;
}

uint64_t read_percpu_counter(int map_fd) {
  std::vector<uint64_t> values(possible_cpus());
  uint32_t key = 0;
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
