// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct btf_dump;

// Kernel types written back as C, from vmlinux BTF through libbpf's
// btf_dump: the header that lets a script's C definitions use kernel types
// they do not define (`struct P { uint32_t a; struct task_struct *t; }`),
// and the text of `sonde -lv 'struct NAME'`.
namespace sonde::btf {

class KernelTypes;

// A C header of vmlinux types, grown one type at a time. Each type comes
// with what its definition needs (types held by value defined first,
// pointed-to records left to C's implicit declaration), and no type is
// written twice, so the text stays one valid header. Types only a module
// has are not written. Owns its btf_dump; `kernel` must outlive it.
class KernelCHeader {
public:
  explicit KernelCHeader(KernelTypes& kernel);
  ~KernelCHeader();
  KernelCHeader(const KernelCHeader&) = delete;
  KernelCHeader& operator=(const KernelCHeader&) = delete;

  // Appends the type C calls `name`: "struct x", "union x", "enum x" or
  // a typedef. False when vmlinux BTF has no such type (or no BTF).
  bool add_type(std::string_view name);
  // Appends the enum that defines the constant `enumerator`.
  bool add_enumerator(std::string_view enumerator);

  // Everything appended so far.
  const std::string& text() const { return text_; }

private:
  bool add_id(uint32_t id);
  static void print(void* context, const char* format, va_list args);

  KernelTypes& kernel_;
  struct ::btf_dump* dump_ = nullptr;
  std::string text_;
};

// The C definition of one vmlinux struct, union or enum ("struct
// css_task_iter"), alone: the types it uses are not written. Tab-indented,
// ending with "};\n\n", as bpftrace's `-lv 'struct NAME'` prints it. Empty
// when vmlinux BTF has no such type.
std::string kernel_type_definition(KernelTypes& kernel, std::string_view name);

} // namespace sonde::btf
