// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "probes/probe_type.h"
#include "types/map_shape.h"
#include "types/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// The boundary between the compiler and the runtime: a BPF ELF object plus
// everything the runtime needs to attach its programs and decode what they
// send. The runtime never sees the AST or sema; with an artifact it can run
// a script compiled elsewhere.
namespace sonde::codegen {

// The header of every record a program writes to the event ring buffer.
enum class EventKind : uint32_t {
  Printf = 1,
  Exit = 2,
  // clear(@m), zero(@m), print(@m[, top[, div]]): `id` is the map's index;
  // MapOperation follows the header.
  MapClear = 3,
  MapZero = 4,
  MapPrint = 5,
  // print(value): `id` indexes print_values; the value follows the header.
  PrintValue = 6,
  // time(fmt): `id` indexes time_formats.
  Time = 7,
  // cat(), system(), errorf(), warnf(): laid out like printf; `id` indexes
  // printfs.
  Cat = 8,
  System = 9,
  Errorf = 10,
  Warnf = 11,
  // join(): `id` indexes joins; a JoinRecord follows the header.
  Join = 12,
  // unwatch(addr): `id` is unused; the u64 address follows the header.
  Unwatch = 13,
  // A run-time condition the script should know about (division by zero):
  // `id` indexes runtime_warnings. The runtime prints each one once.
  RuntimeWarning = 14,
};

struct EventHeader {
  uint32_t kind; // EventKind
  uint32_t id;   // printf: index into printfs; exit: the exit code.
};

// A value stored at `offset` bytes into a record, key or map value.
struct ValueLayout {
  types::Type type;
  uint32_t offset = 0;
};

// The arguments of a map operation event, after its header.
struct MapOperation {
  uint64_t top;
  uint64_t div;
  // print(@m, "unit"[, "section"]): 1 + the index into hist_layouts; 0
  // for bpftrace's layout.
  uint64_t layout;
};

// Per-CPU values of min() and max(): `set` tells a CPU that never saw a
// value from one that saw 0.
struct MinMaxValue {
  int64_t value;
  uint64_t set;
};

// Per-CPU values of avg() and stats().
struct AvgValue {
  uint64_t count;
  int64_t total;
};

// One interval of a tseries() map: each CPU's value holds
// `shape.tseries.intervals` of them, interval e in slot e % intervals.
struct TseriesSlot {
  uint64_t epoch; // boot-time ns / interval_ns
  int64_t value;  // the last value, the sum (sum, avg), the min or the max
  uint64_t count; // values seen in the interval; 0: the slot is unused
  uint64_t time;  // boot-time ns of the last value, to find the last CPU
};

struct PrintfMeta {
  std::string format;
  // Arguments follow the EventHeader, each 8-byte aligned.
  std::vector<ValueLayout> args;
  uint32_t record_size = 0;
  // Where the call is in the script (errorf/warnf print it).
  uint32_t source_offset = 0;
};

using types::MapValueKind;

// A map as the BPF object holds it: the shape sema decided, and its layout.
struct MapMeta {
  types::MapShape shape;
  std::string bpf_name; // The map's name in the ELF object.
  // Where each of shape.key_types starts in the key, each 8-byte aligned.
  // A map without keys has one u64 key 0; a hist() or lhist() key ends
  // with the u64 bucket index.
  std::vector<uint32_t> key_offsets;
  uint32_t key_size = 0;
  // One value (per CPU for aggregations): a slot of value_type, or
  // MinMaxValue, AvgValue, or shape.tseries.intervals TseriesSlots.
  uint32_t value_size = 0;

  ValueLayout key_field(size_t index) const {
    return {shape.key_types.at(index), key_offsets.at(index)};
  }
};

// join(arr[, sep]): the record holds a u64 count of strings read, then
// `max_strings` slots of `string_size` bytes, each NUL-terminated (the
// reading stops at the array's first NULL pointer).
struct JoinMeta {
  std::string separator;
  uint32_t string_size = 0;
  uint32_t max_strings = 0;
  uint32_t record_size() const {
    return sizeof(EventHeader) + 8 + string_size * max_strings;
  }
};

// The most strings join() reads from one array, as in bpftrace.
inline constexpr uint32_t kJoinMaxStrings = 16;

// print(@hist, "unit"[, "section"]): BCC's log2 histogram layout.
struct HistLayoutMeta {
  std::string unit;
  std::string section;
};

struct PrintValueMeta {
  types::Type type;
};

// What the upper half of the pid recorded with a user address (ustack,
// usym, func) says in user-space probes: which program recorded it, and
// whether the address is the probed instruction itself (`func`). The
// runtime uses it when the process has exited and its maps are gone: the
// program's targets name the probed files. The lower half is the pid.
struct SymbolTag {
  // Index into RuntimeMetadata::programs.
  uint32_t program = 0;
  bool probe_address = false;

  uint64_t bits() const {
    return (uint64_t{program + 1} << 32) |
           (probe_address ? uint64_t{1} << 63 : 0);
  }
  // The tag of a recorded pid word, or none when it has no tag.
  static std::optional<SymbolTag> of(uint64_t word) {
    uint32_t program = static_cast<uint32_t>((word >> 32) & 0x7fffffff);
    if (program == 0) {
      return std::nullopt;
    }
    return SymbolTag{program - 1, (word >> 63) != 0};
  }
};

struct ProgramMeta {
  std::string function_name;
  probes::ProgramType program_type;
  std::vector<probes::AttachTarget> targets;
  // Where the probe was written, for load and verifier errors.
  uint32_t source_offset = 0;
};

// What a RuntimeWarning event reports, and where in the script.
struct RuntimeWarningMeta {
  enum class Kind : uint8_t { DivisionByZero, ModuloByZero };
  Kind kind = Kind::DivisionByZero;
  uint32_t source_offset = 0;
};

struct RuntimeMetadata {
  // The script, so load-time errors can quote the line they come from.
  std::string source_name;
  std::string source_text;
  std::vector<ProgramMeta> programs;
  std::vector<MapMeta> maps;
  std::vector<PrintfMeta> printfs;
  std::vector<PrintValueMeta> print_values;
  std::vector<JoinMeta> joins;
  std::vector<RuntimeWarningMeta> runtime_warnings;
  std::vector<HistLayoutMeta> hist_layouts;
  // The event ring buffer, and a per-CPU counter of records it dropped.
  // `config = { print_maps_on_exit = false }` leaves maps unprinted.
  bool print_maps_on_exit = true;
  // `config = { show_debug_info = true }`: user stack frames show their
  // source line and the functions inlined there.
  bool show_debug_info = false;
  std::string events_map = "events";
  std::string lost_map = "lost_events";
  // time() and strftime() formats, by id.
  std::vector<std::string> time_formats;
  // A one-entry array the runtime fills with CLOCK_BOOTTIME nanoseconds
  // before BEGIN runs; `elapsed` counts from it.
  std::string start_time_map = "start_time";
  // A one-entry array where exit() also writes (1 << 32 | code): the
  // runtime reads it when the ring buffer was too full to take the exit
  // record. Absent when the program never calls exit() or assert().
  std::string exit_status_map = "exit_status";
  // A per-CPU array of u64 with one counter per map (by index into
  // `maps`): the updates that failed because the map was full.
  std::string map_full_map = "map_full";
  // A one-entry array of zeros as big as the largest tseries() value: a
  // key's first value is copied from it (too big for the BPF stack).
  std::string tseries_zero_map = "tseries_zero";
  // The entry limit of hash maps (max_map_keys).
  uint32_t max_map_keys = 0;
  // Printed after a string that fills its buffer (str_trunc_trailer), and
  // the most bytes cat() prints (max_cat_bytes).
  std::string str_trunc_trailer = "..";
  uint64_t max_cat_bytes = 10240;
};

// The stack trace map that holds stacks of `depth` frames; kernel and user
// stacks of one depth share it. Build-id stacks have their own maps, whose
// frames are struct bpf_stack_build_id (BPF_F_STACK_BUILD_ID).
inline std::string stack_map_name(uint32_t depth, bool build_id = false) {
  return (build_id ? "stack_bid_" : "stack_") + std::to_string(depth);
}

struct Artifact {
  std::vector<char> elf;
  RuntimeMetadata metadata;
};

// Sizes of values in records, keys and map values: 8-byte aligned.
inline uint32_t slot_size(const types::Type& type) {
  return (type.size() + 7) & ~7u;
}

} // namespace sonde::codegen
