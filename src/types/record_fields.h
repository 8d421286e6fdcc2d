// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types/types.h"

namespace sonde::types {

// The field of tuple `from` that goes into field `index` of tuple `to`:
// the one of the same name in records (in any order), the one at the same
// position in plain tuples; null when a record has no field of that name.
inline const Field* field_for(const Type& from, const Type& to, size_t index) {
  const Field& wanted = to.fields()[index];
  if (!to.is_named_tuple()) {
    return index < from.fields().size() ? &from.fields()[index] : nullptr;
  }
  for (const Field& field : from.fields()) {
    if (field.name == wanted.name) {
      return &field;
    }
  }
  return nullptr;
}

} // namespace sonde::types
