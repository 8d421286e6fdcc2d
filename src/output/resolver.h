// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types/types.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Values that BPF records raw and user space turns into text: stacks (ids
// into a stack trace map), kernel and user addresses (symbols), timestamps,
// user and cgroup ids. The output layer formats them (values.h) but cannot
// look them up: the runtime implements ValueResolver with the loaded maps,
// /proc/kallsyms and the traced processes' ELF files; tests use a fake.
namespace sonde::output {

// The symbol an address falls in.
struct ResolvedSymbol {
  // False when no symbol contains the address; the rest is then empty.
  bool found = false;
  // Demangled for C++ and Rust.
  std::string name;
  uint64_t offset = 0;
  // User addresses: the object's path as the process maps it ("" when the
  // address is not in a file mapping).
  std::string module;
};

// Where a user address is in its program's source, for stacks printed
// with `show_debug_info`.
struct UserSourceFrame {
  // The functions inlined at the address, innermost first: name and
  // "FILE:LINE".
  std::vector<std::pair<std::string, std::string>> inlined;
  // "FILE:LINE" in the function the address's symbol names (the call site
  // of the outermost inlined function); empty when unknown.
  std::string location;
};

// One frame of a build-id stack (struct bpf_stack_build_id): the build id
// of the object and the offset in its file, or only the address when the
// kernel could not read the build id.
struct BuildIdFrame {
  bool has_build_id = false;
  // The 20 bytes the kernel stores (a shorter id is padded with zeros).
  std::vector<uint8_t> build_id;
  // The file offset with a build id, else the address.
  uint64_t offset_or_ip = 0;
};

// Lookups for formatting. Implementations may cache; calls come from one
// thread.
class ValueResolver {
public:
  virtual ~ValueResolver();

  // The return addresses of the stack value `data` of stack type `type`,
  // innermost first; empty when the kernel recorded none (the stack id is
  // negative or no longer in the stack map).
  virtual std::vector<uint64_t> stack(const types::Type& type,
                                      const char* data) = 0;
  // The frames of a build-id stack (StackMode::BuildId), innermost first.
  virtual std::vector<BuildIdFrame> build_id_stack(const types::Type& type,
                                                   const char* data) = 0;
  virtual ResolvedSymbol kernel_symbol(uint64_t address) = 0;
  // `process` is the word recorded with a user address: the pid in its
  // low 32 bits, and above them what the runtime needs to resolve the
  // address after the process exited (codegen::SymbolTag); it is passed
  // through as recorded.
  virtual ResolvedSymbol user_symbol(uint64_t address, uint64_t process) = 0;
  // The source location of a user stack frame when the program asked for
  // debug information (`show_debug_info`); `return_address` when the
  // address follows a call (every frame but the first), so the line is
  // the call's. Empty by default and when not asked for.
  virtual UserSourceFrame
  user_source(uint64_t address, uint64_t process, bool return_address);
  // strftime(): the boot-time nanoseconds `boot_ns` as wall-clock time in
  // the format registered as `format_id`, with `%f` for microseconds.
  virtual std::string timestamp(uint64_t format_id, uint64_t boot_ns) = 0;
  // The user name of `uid`; the number when /etc/passwd does not name it.
  virtual std::string username(uint64_t uid) = 0;
  // The path of cgroup `id` under the cgroup2 mount.
  virtual std::string cgroup_path(uint64_t id) = 0;
  // printf's %gr: GFP flags named by the running kernel's table
  // (flag_names.h). By default, without a kernel at hand, the value in hex.
  virtual std::string gfp_flags(uint64_t flags);
  // What follows a string that fills its whole buffer, with no NUL: it was
  // cut short (str_trunc_trailer). ".." by default.
  virtual std::string_view truncation_trailer();
};

} // namespace sonde::output
