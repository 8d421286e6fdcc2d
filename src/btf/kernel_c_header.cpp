// SPDX-License-Identifier: Apache-2.0
// vmlinux types as C through libbpf's btf_dump, which already knows how to
// order definitions, name anonymous types and write bitfields, packing and
// function pointers; sonde only picks the types.
#include "btf/kernel_c_header.h"

#include "btf/kernel_types.h"

#include <bpf/btf.h>
#include <cstdarg>
#include <cstdio>
#include <linux/btf.h>

namespace sonde::btf {

namespace {

// Appends printf output to a string.
void append_formatted(std::string& out, const char* format, va_list args) {
  va_list copy;
  va_copy(copy, args);
  const int size = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (size <= 0) {
    return;
  }
  const size_t old_size = out.size();
  out.resize(old_size + static_cast<size_t>(size) + 1);
  std::vsnprintf(out.data() + old_size, static_cast<size_t>(size) + 1, format,
                 args);
  out.resize(old_size + static_cast<size_t>(size));
}

// Output of a btf_dump that is either kept or thrown away.
struct Capture {
  std::string text;
  bool keep = false;
};

void capture(void* context, const char* format, va_list args) {
  auto* out = static_cast<Capture*>(context);
  if (out->keep) {
    append_formatted(out->text, format, args);
  }
}

// Writes the types a record's members use (and those of its anonymous
// members, which btf_dump writes inline), so a later dump of the record
// writes only the record.
void dump_member_types(struct ::btf_dump* dump,
                       const struct ::btf* btf,
                       uint32_t id,
                       int depth) {
  const btf_type* type = btf__type_by_id(btf, id);
  if (type == nullptr || depth > 32 ||
      (!btf_is_struct(type) && !btf_is_union(type))) {
    return;
  }
  const btf_member* members = btf_members(type);
  for (uint16_t i = 0; i < btf_vlen(type); ++i) {
    const btf_type* member = btf__type_by_id(btf, members[i].type);
    if (member != nullptr && member->name_off == 0 &&
        (btf_is_struct(member) || btf_is_union(member))) {
      dump_member_types(dump, btf, members[i].type, depth + 1);
    } else {
      btf_dump__dump_type(dump, members[i].type);
    }
  }
}

} // namespace

KernelCHeader::KernelCHeader(KernelTypes& kernel) : kernel_(kernel) {}

KernelCHeader::~KernelCHeader() {
  if (dump_ != nullptr) {
    btf_dump__free(dump_);
  }
}

void KernelCHeader::print(void* context, const char* format, va_list args) {
  append_formatted(static_cast<KernelCHeader*>(context)->text_, format, args);
}

bool KernelCHeader::add_id(uint32_t id) {
  if (id == 0) {
    return false;
  }
  if (dump_ == nullptr) {
    const struct ::btf* btf = kernel_.vmlinux_btf();
    if (btf == nullptr) {
      return false;
    }
    struct ::btf_dump* dump =
        btf_dump__new(btf, &KernelCHeader::print, this, nullptr);
    if (dump == nullptr) {
      return false;
    }
    dump_ = dump;
  }
  return btf_dump__dump_type(dump_, id) == 0;
}

bool KernelCHeader::add_type(std::string_view name) {
  return add_id(kernel_.vmlinux_c_type(name));
}

bool KernelCHeader::add_enumerator(std::string_view enumerator) {
  return add_id(kernel_.vmlinux_enum_of(enumerator));
}

std::string kernel_type_definition(KernelTypes& kernel, std::string_view name) {
  const uint32_t id = kernel.vmlinux_c_type(name);
  const struct ::btf* btf = kernel.vmlinux_btf();
  if (id == 0 || btf == nullptr || btf_is_typedef(btf__type_by_id(btf, id))) {
    return {};
  }
  Capture out;
  struct ::btf_dump* dump = btf_dump__new(btf, &capture, &out, nullptr);
  if (dump == nullptr) {
    return {};
  }
  dump_member_types(dump, btf, id, 0);
  out.keep = true;
  btf_dump__dump_type(dump, id);
  btf_dump__free(dump);
  return out.text;
}

} // namespace sonde::btf
