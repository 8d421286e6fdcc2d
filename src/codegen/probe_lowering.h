// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codegen/artifact.h"
#include "codegen/module_builder.h"
#include "sema/checked_program.h"

#include <map>
#include <optional>
#include <utility>

namespace sonde::codegen {

// The module-wide objects a probe function refers to.
struct ModuleResources {
  const sema::CheckedProgram& program;
  const RuntimeMetadata& metadata;
  // Map globals, parallel to metadata.maps.
  std::vector<llvm::GlobalVariable*> maps;
  llvm::GlobalVariable* events = nullptr;
  llvm::GlobalVariable* lost = nullptr;
  // Whether signed division may be emitted as BPF v4 `sdiv`.
  bool has_signed_division = false;
  uint32_t possible_cpus = 1;
  const SourceBuffer* source = nullptr;
  // Stack trace maps by depth (frames), for kstack/ustack.
  std::map<uint32_t, llvm::GlobalVariable*> stack_maps;
  // The same for build-id user stacks (ustack(build_id)).
  std::map<uint32_t, llvm::GlobalVariable*> build_id_stack_maps;
  // See RuntimeMetadata::start_time_map and map_full_map.
  llvm::GlobalVariable* start_time = nullptr;
  llvm::GlobalVariable* exit_status = nullptr;
  llvm::GlobalVariable* map_full = nullptr;
  // See RuntimeMetadata::tseries_zero_map; null without tseries() maps.
  llvm::GlobalVariable* tseries_zero = nullptr;
  // RuntimeMetadata::runtime_warnings, which lowering appends to as it
  // finds the sites (the rest of the metadata is fixed before lowering).
  std::vector<RuntimeWarningMeta>* runtime_warnings = nullptr;
  // See Options::pid_namespace.
  std::optional<std::pair<uint64_t, uint64_t>> pid_namespace;
};

// Lowers one probe instance (a probe body for a group of targets) into one
// BPF function. Values are i64 for integers and pointers, a pointer to a
// zero-padded stack buffer for strings, and the context pointer for `args`.
void lower_probe(ModuleBuilder& builder,
                 const ModuleResources& resources,
                 const sema::ProbeInstance& instance);

} // namespace sonde::codegen
