// SPDX-License-Identifier: Apache-2.0
// Per-CPU kernel variables, for percpu_kaddr(): vmlinux BTF lists them as
// VARs of the ".data..percpu" DATASEC (pahole encodes only those).
#include "btf/kernel_types.h"

#include <bpf/btf.h>
#include <cstring>

namespace sonde::btf {

std::optional<std::string>
KernelTypes::percpu_variable_shape(std::string_view name) {
  if (!loaded()) {
    return std::nullopt;
  }
  const struct ::btf* vmlinux = sources_[0].btf;
  int32_t section =
      btf__find_by_name_kind(vmlinux, ".data..percpu", BTF_KIND_DATASEC);
  if (section <= 0) {
    return std::nullopt;
  }
  const btf_type* datasec = btf__type_by_id(vmlinux, section);
  const btf_var_secinfo* entries = btf_var_secinfos(datasec);
  for (uint16_t i = 0; i < btf_vlen(datasec); ++i) {
    const btf_type* var = btf__type_by_id(vmlinux, entries[i].type);
    if (var == nullptr || !btf_is_var(var) ||
        name != btf__name_by_offset(vmlinux, var->name_off)) {
      continue;
    }
    // The kinds libbpf compares when binding a typed ksym (it follows
    // pointers and arrays, and stops at the first struct, int or enum).
    std::string shape;
    uint32_t id = var->type;
    while (true) {
      const btf_type* type = btf__type_by_id(vmlinux, id);
      if (type == nullptr) {
        return std::nullopt;
      }
      if (btf_is_mod(type) || btf_is_typedef(type)) {
        id = type->type;
      } else if (btf_is_ptr(type)) {
        shape += 'P';
        id = type->type;
        if (id == 0) {
          return shape + 'V';
        }
      } else if (btf_is_array(type)) {
        shape += 'A';
        id = btf_array(type)->type;
      } else if (btf_is_struct(type)) {
        return shape + 'S';
      } else if (btf_is_union(type)) {
        return shape + 'U';
      } else if (btf_is_int(type)) {
        return shape + 'I';
      } else if (btf_is_any_enum(type)) {
        return shape + 'E';
      } else {
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

} // namespace sonde::btf
