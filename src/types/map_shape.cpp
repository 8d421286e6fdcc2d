// SPDX-License-Identifier: Apache-2.0
#include "types/map_shape.h"

namespace sonde::types {

const char* map_kind_name(MapValueKind kind) {
  switch (kind) {
#define MAP_KIND(Enum, Name)                                                   \
  case MapValueKind::Enum:                                                     \
    return Name;
#include "types/map_kinds.def"
  }
  return "?";
}

bool MapShape::has_buckets() const {
  switch (kind) {
  case MapValueKind::Hist:
  case MapValueKind::Lhist:
    return true;
  case MapValueKind::Plain:
  case MapValueKind::Count:
  case MapValueKind::Sum:
  case MapValueKind::Min:
  case MapValueKind::Max:
  case MapValueKind::Avg:
  case MapValueKind::Stats:
  case MapValueKind::Tseries:
    return false;
  }
  return false;
}

} // namespace sonde::types
