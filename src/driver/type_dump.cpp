// SPDX-License-Identifier: Apache-2.0
#include "driver/type_dump.h"

namespace sonde::driver {

void print_types(const sema::CheckedProgram& program,
                 const SourceBuffer& source,
                 llvm::raw_ostream& out) {
  for (const sema::ProbeInstance& instance : program.instances) {
    LineColumn at = source.line_column(instance.probe->range().begin);
    out << "program " << instance.function_name << " <" << at.line << ":"
        << at.column << "> section " << instance.section_name << "\n";
    for (const probes::AttachTarget& target : instance.targets) {
      out << "  target " << target.full_name << "\n";
    }
  }
  for (const sema::MapInfo& info : program.maps) {
    const types::MapShape& map = info.shape;
    out << "map " << map.name << "[";
    for (size_t i = 0; i < map.key_types.size(); ++i) {
      out << (i ? ", " : "") << map.key_types[i].name();
    }
    out << "]: " << map.value_type.name() << "\n";
  }
  for (const ast::Probe* probe : program.program->probes) {
    auto found = program.variables.find(probe);
    if (found == program.variables.end()) {
      continue;
    }
    for (const auto& [name, type] : found->second) {
      LineColumn at = source.line_column(probe->range().begin);
      out << "variable $" << name << " <probe " << at.line << ":" << at.column
          << ">: " << type.name() << "\n";
    }
  }
}

} // namespace sonde::driver
