// SPDX-License-Identifier: Apache-2.0
#include "codegen/codegen.h"

#include "base/strings.h"
#include "codegen/emit.h"
#include "codegen/module_builder.h"
#include "codegen/probe_lowering.h"

#include <algorithm>
#include <linux/bpf.h>
#include <set>

namespace sonde::codegen {

namespace {

// The map's name in the ELF object: "@bytes" becomes "AT_bytes".
std::string bpf_map_name(const std::string& name) {
  return "AT_" + c_identifier(std::string_view(name).substr(1));
}

MapMeta describe_map(const sema::MapInfo& map) {
  MapMeta meta;
  meta.shape = map.shape;
  meta.bpf_name = bpf_map_name(map.shape.name);
  uint32_t offset = 0;
  for (const types::Type& key : map.shape.key_types) {
    meta.key_offsets.push_back(offset);
    offset += slot_size(key);
  }
  if (map.shape.has_buckets()) {
    offset += 8;
  }
  // A map without keys has the single key 0.
  meta.key_size = offset == 0 ? 8 : offset;
  switch (map.shape.kind) {
  case MapValueKind::Min:
  case MapValueKind::Max:
    meta.value_size = sizeof(MinMaxValue);
    break;
  case MapValueKind::Avg:
  case MapValueKind::Stats:
    meta.value_size = sizeof(AvgValue);
    break;
  case MapValueKind::Tseries:
    meta.value_size = sizeof(TseriesSlot) * map.shape.tseries.intervals;
    break;
  case MapValueKind::Plain:
  case MapValueKind::Count:
  case MapValueKind::Sum:
  case MapValueKind::Hist:
  case MapValueKind::Lhist:
    meta.value_size = slot_size(map.shape.value_type);
    break;
  }
  return meta;
}

PrintfMeta describe_printf(const sema::PrintfInfo& info) {
  PrintfMeta meta{info.format, {}, sizeof(EventHeader), info.source_offset};
  for (const types::Type& type : info.arg_types) {
    meta.args.push_back({type, meta.record_size});
    meta.record_size += slot_size(type);
  }
  return meta;
}

RuntimeMetadata describe(const sema::CheckedProgram& program) {
  RuntimeMetadata metadata;
  for (const sema::MapInfo& map : program.maps) {
    metadata.maps.push_back(describe_map(map));
  }
  for (const sema::PrintfInfo& info : program.printfs) {
    metadata.printfs.push_back(describe_printf(info));
  }
  for (const sema::PrintValueInfo& info : program.print_values) {
    metadata.print_values.push_back({info.type});
  }
  for (const sema::JoinInfo& info : program.joins) {
    metadata.joins.push_back(
        {info.separator, program.config.max_strlen, kJoinMaxStrings});
  }
  for (const sema::ProbeInstance& instance : program.instances) {
    metadata.programs.push_back({instance.function_name, instance.program_type,
                                 instance.targets,
                                 instance.probe->range().begin});
  }
  return metadata;
}

// The maps some builtins need: a stack trace map per stack depth the
// program records (as many entries as a hash map may have), the start
// time for `elapsed`, and the map-full counters.
void add_support_maps(ModuleBuilder& builder,
                      const sema::CheckedProgram& program,
                      const RuntimeMetadata& metadata,
                      ModuleResources& resources) {
  bool elapsed = false;
  bool exits = false;
  // Sorted, so the object does not depend on hash order.
  std::set<uint32_t> depths;
  std::set<uint32_t> build_id_depths;
  for (const auto& [expr, type] : program.expr_types) {
    if (type.is_stack()) {
      (type.stack_mode() == types::StackMode::BuildId ? build_id_depths
                                                      : depths)
          .insert(type.element_count());
    }
    if (const auto* builtin = ast::dyn_cast<ast::Builtin>(expr)) {
      elapsed = elapsed || builtin->name == "elapsed";
    }
    if (const auto* call = ast::dyn_cast<ast::Call>(expr)) {
      exits = exits || call->callee == "exit" || call->callee == "assert";
    }
  }
  for (uint32_t depth : depths) {
    resources.stack_maps[depth] =
        builder.add_map(stack_map_name(depth), BPF_MAP_TYPE_STACK_TRACE,
                        program.config.max_map_keys, 4, depth * 8);
  }
  for (uint32_t depth : build_id_depths) {
    resources.build_id_stack_maps[depth] = builder.add_map(
        stack_map_name(depth, true), BPF_MAP_TYPE_STACK_TRACE,
        program.config.max_map_keys, 4,
        depth * sizeof(struct bpf_stack_build_id), BPF_F_STACK_BUILD_ID);
  }
  if (elapsed) {
    resources.start_time =
        builder.add_map(metadata.start_time_map, BPF_MAP_TYPE_ARRAY, 1, 4, 8);
  }
  if (exits) {
    resources.exit_status =
        builder.add_map(metadata.exit_status_map, BPF_MAP_TYPE_ARRAY, 1, 4, 8);
  }
  uint32_t tseries_size = 0;
  for (const MapMeta& map : metadata.maps) {
    if (map.shape.kind == MapValueKind::Tseries) {
      tseries_size = std::max(tseries_size, map.value_size);
    }
  }
  if (tseries_size != 0) {
    resources.tseries_zero = builder.add_map(
        metadata.tseries_zero_map, BPF_MAP_TYPE_ARRAY, 1, 4, tseries_size);
  }
  if (!metadata.maps.empty()) {
    resources.map_full =
        builder.add_map(metadata.map_full_map, BPF_MAP_TYPE_PERCPU_ARRAY,
                        metadata.maps.size(), 4, 8);
  }
}

} // namespace

Result<Artifact> generate(const sema::CheckedProgram& program,
                          const Options& options,
                          std::vector<BackendDiagnostic>& diagnostics) {
  Artifact artifact;
  artifact.metadata = describe(program);
  artifact.metadata.source_name = options.source_name;
  artifact.metadata.source_text = options.source_text;
  artifact.metadata.print_maps_on_exit = program.config.print_maps_on_exit;
  artifact.metadata.show_debug_info = program.config.show_debug_info;
  artifact.metadata.time_formats = program.time_formats;
  for (const sema::HistLayout& layout : program.hist_layouts) {
    artifact.metadata.hist_layouts.push_back({layout.unit, layout.section});
  }
  artifact.metadata.max_map_keys = program.config.max_map_keys;
  artifact.metadata.str_trunc_trailer = program.config.str_trunc_trailer;
  artifact.metadata.max_cat_bytes = program.config.max_cat_bytes;
  const RuntimeMetadata& metadata = artifact.metadata;

  Result<std::unique_ptr<llvm::TargetMachine>> machine =
      create_bpf_target(options.bpf_cpu);
  if (!machine) {
    return machine.takeError();
  }
  llvm::LLVMContext context;
  ModuleBuilder builder(context, **machine, options.source_name,
                        options.source_text, program.config.license);
  SourceBuffer source(options.source_name, options.source_text);
  ModuleResources resources{program,
                            metadata,
                            {},
                            nullptr,
                            nullptr,
                            options.bpf_cpu == "v4",
                            options.possible_cpus,
                            &source,
                            {},
                            {},
                            nullptr,
                            nullptr,
                            nullptr,
                            nullptr,
                            &artifact.metadata.runtime_warnings,
                            options.pid_namespace};

  for (const MapMeta& map : metadata.maps) {
    const types::MapShape& shape = map.shape;
    bool per_cpu = shape.is_aggregation();
    uint32_t type =
        shape.lru
            ? (per_cpu ? BPF_MAP_TYPE_LRU_PERCPU_HASH : BPF_MAP_TYPE_LRU_HASH)
            : (per_cpu ? BPF_MAP_TYPE_PERCPU_HASH : BPF_MAP_TYPE_HASH);
    uint32_t entries = shape.max_entries != 0 ? shape.max_entries
                                              : program.config.max_map_keys;
    resources.maps.push_back(builder.add_map(map.bpf_name, type, entries,
                                             map.key_size, map.value_size));
  }
  resources.events = builder.add_map(metadata.events_map, BPF_MAP_TYPE_RINGBUF,
                                     options.ringbuf_size, 0, 0);
  resources.lost =
      builder.add_map(metadata.lost_map, BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4, 8);
  add_support_maps(builder, program, metadata, resources);

  for (const sema::ProbeInstance& instance : program.instances) {
    lower_probe(builder, resources, instance);
  }
  builder.finalize();

  Result<std::vector<char>> elf =
      emit_object(builder.module(), **machine, options.ir_dump, diagnostics);
  if (!elf) {
    return elf.takeError();
  }
  artifact.elf = std::move(*elf);
  return artifact;
}

} // namespace sonde::codegen
