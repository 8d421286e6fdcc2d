// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codegen/artifact.h"
#include "output/flag_names.h"
#include "output/resolver.h"
#include "symbols/proc_maps.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

struct bpf_object;

namespace sonde::runtime {

// The runtime's ValueResolver: stacks from the loaded object's stack trace
// maps, kernel symbols from /proc/kallsyms (read once), user symbols from
// each process's /proc/PID/maps (read on the first address of that pid and
// kept for the run) and the ELF files it maps (cached per path and inode by
// symbols::ElfFile), or from /tmp/perf-PID.map for JIT-compiled code.
// A process that exited before its addresses are printed cannot be read;
// its frames print as addresses.
class Symbolizer : public output::ValueResolver {
public:
  // `object` must stay loaded while the symbolizer is used.
  Symbolizer(bpf_object* object, const codegen::RuntimeMetadata& metadata);
  ~Symbolizer() override;

  std::vector<uint64_t> stack(const types::Type& type,
                              const char* data) override;
  std::vector<output::BuildIdFrame> build_id_stack(const types::Type& type,
                                                   const char* data) override;
  output::ResolvedSymbol kernel_symbol(uint64_t address) override;
  // Through the process's maps; when they are gone (the process exited),
  // through the files its probe names (see codegen::SymbolTag).
  output::ResolvedSymbol user_symbol(uint64_t address,
                                     uint64_t process) override;
  // From the DWARF of the object the address falls in, when the program
  // sets show_debug_info.
  output::UserSourceFrame
  user_source(uint64_t address, uint64_t process, bool return_address) override;
  // Reads now the maps of every running process that maps one of
  // `files`, so that their addresses still resolve if they exit before
  // their events are printed (bpftrace's per-pid symbol cache).
  void preload(const std::vector<std::string>& files);
  std::string timestamp(uint64_t format_id, uint64_t boot_ns) override;
  std::string username(uint64_t uid) override;
  std::string cgroup_path(uint64_t id) override;
  std::string gfp_flags(uint64_t flags) override;
  std::string_view truncation_trailer() override;

private:
  // One line of a perf map: [start, start + size) is `name`.
  struct JitSymbol {
    uint64_t start;
    uint64_t size;
    std::string name;
  };
  struct Process {
    std::optional<symbols::ProcessMaps> maps;
    // /tmp/perf-PID.map, sorted by start; empty when there is none.
    std::vector<JitSymbol> jit;
  };
  Process& process(uint32_t pid);
  // Whether the maps read for `pid` place `address` in a symbol.
  bool maps_resolve(uint32_t pid, uint64_t address);
  // The symbol of `address` in the files of the program a tagged value
  // came from, for a process whose maps are gone.
  output::ResolvedSymbol probed_file_symbol(uint64_t address, uint64_t process);
  // The probed file of a tagged value that holds `address`, and the
  // address's link-time value in it; none when its place is unknown.
  std::pair<std::shared_ptr<const symbols::ElfFile>, std::optional<uint64_t>>
  probed_file_at(uint64_t address, uint64_t process);
  // Learns where a file is loaded in a process from the address of a
  // probed instruction (a `func` value, or the first frame of a stack
  // taken at a uprobe's entry), when one probe target of the program
  // fits it. Returns the symbol of that instruction.
  std::optional<output::ResolvedSymbol>
  learn_bias(uint32_t pid, uint32_t program, uint64_t address);
  int stack_map_fd(uint32_t depth, bool build_id);

  bpf_object* object_;
  const codegen::RuntimeMetadata& metadata_;
  std::map<std::pair<uint32_t, bool>, int> stack_fds_;
  std::unordered_map<uint32_t, std::unique_ptr<Process>> processes_;
  std::unordered_map<uint64_t, std::string> usernames_;
  std::unordered_map<uint64_t, std::string> cgroup_paths_;
  // The kernel's GFP flag names (kmem:kmalloc's format), read on the first
  // %gr.
  std::optional<std::vector<output::FlagName>> gfp_names_;
  // Load biases learned by learn_bias(), by (pid, file).
  std::map<std::pair<uint32_t, std::string>, uint64_t> biases_;
  // Objects whose DWARF could not be read, not tried again.
  std::unordered_map<std::string, bool> without_dwarf_;
  // CLOCK_REALTIME minus CLOCK_BOOTTIME, in nanoseconds, taken once.
  std::optional<int64_t> boot_offset_;
};

// strftime() with `%f` (microseconds of `nanoseconds`), as bpftrace adds.
std::string format_time(const std::string& format, int64_t epoch_nanoseconds);

} // namespace sonde::runtime
