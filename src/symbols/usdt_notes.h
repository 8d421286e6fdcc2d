// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// USDT (SystemTap SDT) probes: the `.note.stapsdt` notes that <sys/sdt.h>
// leaves in a binary, one per probe site.
//
// Each note records the probe's provider and name, the address of its
// `nop`, the address of `_.stapsdt.base` at link time, the address of its
// semaphore (0 when unguarded) and an argument string such as
// `-4@%edi 8@-8(%rbp) -4@$5`. Everything a uprobe needs is turned into file
// offsets here: the probe site becomes the uprobe offset and the semaphore
// the kernel's reference-counter offset (`ref_ctr_offset`), which makes the
// kernel increment the semaphore while the probe is attached. Argument
// strings are decoded for x86_64 into UsdtArg records from which codegen
// reads each argument out of `struct pt_regs`.
namespace sonde::symbols {

// An x86_64 register as a USDT argument names it.
struct UsdtRegister {
  // As written, without '%': "edi", "r8", "ah".
  std::string name;
  // The struct pt_regs field that holds it: "di", "r8", "ax", "ip".
  std::string pt_regs_name;
  // Byte offset of that field in the x86_64 struct pt_regs.
  uint16_t pt_regs_offset = 0;
  // The field's index when pt_regs is viewed as an array of u64
  // (pt_regs_offset / 8).
  uint8_t pt_regs_index = 0;
  // How many bytes of the register the name covers: 8 (rdi), 4 (edi),
  // 2 (di) or 1 (dil, ah).
  uint8_t width = 8;
  // Bits to shift the u64 right before truncating: 8 for ah/bh/ch/dh.
  uint8_t shift = 0;
};

// Where an argument's value is.
enum class UsdtArgKind {
  // An immediate (`-4@$5`): the value is `constant`.
  Constant,
  // A register (`-4@%edi`): the value is `base` itself.
  Register,
  // Memory at `base + offset [+ index * scale]` (`8@-8(%rbp)`,
  // `4@(%rbx,%rcx,4)`), or at the absolute address `offset` when there is
  // no base register.
  Memory,
  // Memory at the address of the global `symbol` plus `offset`
  // (`4@counter+8(%rip)`). The link-time address is in `symbol_address`
  // when the symbol was found; the runtime address adds the object's load
  // bias.
  Symbol,
};

// One decoded argument.
struct UsdtArg {
  // The spec as written, e.g. "8@-8(%rbp)".
  std::string spec;
  // Size of the value in bytes: 1, 2, 4 or 8.
  uint8_t size = 8;
  bool is_signed = false;
  UsdtArgKind kind = UsdtArgKind::Constant;
  // The immediate for Constant.
  int64_t constant = 0;
  // The displacement for Memory and Symbol.
  int64_t offset = 0;
  // The register for Register, the base register for Memory (may be
  // absent for an absolute address).
  std::optional<UsdtRegister> base;
  // The index register of a scaled-index operand, and its scale (1, 2, 4,
  // 8).
  std::optional<UsdtRegister> index;
  uint8_t scale = 1;
  // The global for Symbol.
  std::string symbol;
  std::optional<uint64_t> symbol_address;
};

// Decodes one x86_64 argument spec: "[-]SIZE@OPERAND" where OPERAND is an
// AT&T immediate, register or memory operand. A spec without "SIZE@" (old
// notes) is an unsigned 8-byte value. Fails with a message naming the spec
// on anything else.
Result<UsdtArg> parse_usdt_arg_x86_64(std::string_view spec);
// Decodes a whole argument string (specs separated by spaces).
Result<std::vector<UsdtArg>> parse_usdt_args_x86_64(std::string_view specs);

// The x86_64 register named `name` (without '%'), or nullopt. Accepts the
// 64/32/16/8-bit names of the 16 general registers and rip/eip.
std::optional<UsdtRegister> x86_64_register(std::string_view name);

// One probe site.
struct UsdtProbe {
  // The object the note was read from.
  std::string path;
  std::string provider;
  std::string name;
  // Link-time address of the probe's nop, corrected for prelinking: when
  // the object's `.stapsdt.base` section is not where the note says, every
  // address moves by the difference, as SystemTap and libbpf do.
  uint64_t address = 0;
  // The `_.stapsdt.base` address the note recorded (before correction).
  uint64_t base_address = 0;
  // Link-time address of the semaphore (corrected likewise); 0 when the
  // probe has none.
  uint64_t semaphore_address = 0;
  // The uprobe offset: file offset of `address`.
  uint64_t offset = 0;
  // The uprobe ref_ctr_offset: file offset of the semaphore, through the
  // section that holds it (usually .probes) or its PT_LOAD segment; 0 when
  // the probe has no semaphore.
  uint64_t semaphore_offset = 0;
  // The raw argument string.
  std::string arguments;
  // The decoded arguments (complete unless `error` mentions them).
  std::vector<UsdtArg> args;
  // Empty when the probe is fully usable; otherwise why not (an address
  // outside the loadable segments, an argument spec that cannot be
  // decoded). Such probes are still listed.
  std::string error;
};

// The USDT probes of one ELF file, in note order (one entry per site, so a
// probe inlined in several places appears several times). Fails when the
// file cannot be read or is not ELF; a file without notes has no probes.
// Malformed notes are skipped.
Result<std::vector<UsdtProbe>> read_usdt_probes(const std::string& path);

// read_usdt_probes, cached per path and checked against the file's stamp
// (device, inode, size, mtime).
Result<std::shared_ptr<const std::vector<UsdtProbe>>>
usdt_probes(const std::string& path);

// The probes of a running process: its executable and every ELF object it
// has mapped (shared libraries, dlopen()ed plugins), each object once.
// Probe paths are ones this process can open for the same file (through
// /proc/PID/root when the target lives in another mount namespace). Fails
// when the process's maps cannot be read; unreadable objects are skipped.
Result<std::vector<UsdtProbe>> usdt_probes_of_process(int pid);

} // namespace sonde::symbols
