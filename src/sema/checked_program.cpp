// SPDX-License-Identifier: Apache-2.0
#include "sema/checked_program.h"

#include "base/check.h"

namespace sonde::sema {

const types::Type& CheckedProgram::type_of(const ast::Expr* expr) const {
  auto found = expr_types.find(expr);
  SONDE_CHECK(found != expr_types.end(), "expression has no type");
  return found->second;
}

uint32_t CheckedProgram::map_index(const std::string& name) const {
  for (uint32_t i = 0; i < maps.size(); ++i) {
    if (maps[i].shape.name == name) {
      return i;
    }
  }
  SONDE_CHECK(false, "unknown map");
}

const MapInfo& CheckedProgram::map(const std::string& name) const {
  return maps[map_index(name)];
}

} // namespace sonde::sema
