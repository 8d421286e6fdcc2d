// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "btf/types.h"
#include "output/map_snapshot.h"
#include "probes/probe_type.h"

#include <cstdint>
#include <string>
#include <vector>

// The boundary between the compiler and the runtime: a BPF ELF object plus
// everything the runtime needs to attach its programs and decode what they
// send. The runtime never sees the AST or sema; with an artifact it can run
// a script compiled elsewhere.
namespace sonde::codegen {

// The header of every record a program writes to the event ring buffer.
enum class EventKind : uint32_t { Printf = 1, Exit = 2 };

struct EventHeader {
  uint32_t kind; // EventKind
  uint32_t id;   // printf: index into printfs; exit: the exit code.
};

// A value stored at `offset` bytes into a record, key or map value.
struct ValueLayout {
  types::Type type;
  uint32_t offset = 0;
};

struct PrintfMeta {
  std::string format;
  // Arguments follow the EventHeader, each 8-byte aligned.
  std::vector<ValueLayout> args;
  uint32_t record_size = 0;
};

// How a map's values aggregate, shared with the output formatters.
using MapValueKind = output::MapValueKind;

struct MapMeta {
  std::string name;     // As written in the script: "@bytes", "@".
  std::string bpf_name; // The map's name in the ELF object.
  MapValueKind value_kind = MapValueKind::Plain;
  bool per_cpu = false;
  // Key fields; empty for a map without keys, which has one u64 key 0.
  std::vector<ValueLayout> key_fields;
  uint32_t key_size = 0;
  types::Type value_type;
  uint32_t value_size = 0;
};

struct ProgramMeta {
  std::string function_name;
  probes::ProgramType program_type;
  std::vector<probes::AttachTarget> targets;
  // Where the probe was written, for load and verifier errors.
  uint32_t source_offset = 0;
};

struct RuntimeMetadata {
  // The script, so load-time errors can quote the line they come from.
  std::string source_name;
  std::string source_text;
  std::vector<ProgramMeta> programs;
  std::vector<MapMeta> maps;
  std::vector<PrintfMeta> printfs;
  // The event ring buffer, and a per-CPU counter of records it dropped.
  std::string events_map = "events";
  std::string lost_map = "lost_events";
};

struct Artifact {
  std::vector<char> elf;
  RuntimeMetadata metadata;
};

// Sizes of values in records, keys and map values: 8-byte aligned.
inline uint32_t slot_size(const types::Type& type) {
  return (type.size() + 7) & ~7u;
}

} // namespace sonde::codegen
