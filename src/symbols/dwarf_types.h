// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "types/types.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct Dwarf;
typedef struct Dwarf Dwarf;

// DWARF debug information of user-space programs, read with libdw: the
// parameters of a function typed in sonde's type model, for `args` in
// uprobes. A file is opened only when a script reads `args` in a uprobe on
// it, and each is read once per process (DwarfFile::open caches it).
//
// Conversion rules (DWARF -> types::Type) follow KernelTypes':
//  - typedefs, const, volatile, restrict and atomic are looked through;
//  - integers (and bool, char, enums) keep size and signedness; other
//    sizes and floating-point types become arrays of u8 of their size;
//  - pointers and references point into the User address space; void *
//    and function pointers point to `none`; a pointee struct or union is
//    an incomplete record completed by DwarfFile::complete() when a script
//    looks inside, so `struct node *next` can refer to itself;
//  - structs, unions and classes held by value (parameters, members) are
//    complete; anonymous members and C++ base classes are flattened into
//    the fields; bitfields are placed by types::place_field;
//  - arrays of char, signed char or unsigned char spelled as such are
//    strings of their length; other arrays are Type::array.
namespace sonde::symbols {

// How a parameter reaches the function at entry on x86-64 (System V ABI).
enum class ParameterPassing : uint8_t {
  // In one or two general-purpose registers, in argument order: rdi, rsi,
  // rdx, rcx, r8, r9. This is where arg0..arg5 read.
  Registers,
  // In SSE registers (float, double, structs of them), which a uprobe's
  // pt_regs does not hold.
  FloatRegisters,
  // A struct of up to 16 bytes split between a general-purpose and an SSE
  // register.
  Mixed,
  // In the caller's stack frame: structs bigger than 16 bytes, long
  // double, and whatever finds no register left.
  Stack,
  // A C++ object with a non-trivial copy or destructor: the register holds
  // the address of a temporary copy.
  Reference,
};

// The general-purpose argument registers in order.
inline constexpr unsigned kArgumentRegisterCount = 6;

struct DwarfParameter {
  // Empty for an unnamed parameter.
  std::string name;
  // The type as C spells it ("const char *", "struct point *").
  std::string c_type;
  types::Type type;
  ParameterPassing passing = ParameterPassing::Registers;
  // Registers: the first register's index (0 = rdi) and how many.
  uint8_t first_register = 0;
  uint8_t register_count = 0;
  // Stack: where it is from the stack pointer at function entry (the
  // return address is at 0).
  uint32_t stack_offset = 0;
};

// A function inlined at an address, with where it is in the source.
struct InlinedFrame {
  std::string name;
  // "FILE:LINE"; empty when the line table does not say.
  std::string location;
};

// Where an address is in the source: the functions inlined there,
// innermost first, each at its own line, and the location in the function
// the ELF symbol names (the call site of the outermost inlined function,
// or the address's own line when nothing is inlined there).
struct SourceFrames {
  std::vector<InlinedFrame> inlined;
  std::string location;
};

struct DwarfFunction {
  std::string name;
  std::vector<DwarfParameter> parameters;
  // Declared with `...`.
  bool variadic = false;
  // The function returns a struct in memory: rdi holds the caller's buffer
  // and the parameters start at rsi.
  bool returns_in_memory = false;
};

// The ABI placement of parameters of the given types, classified by
// `classes` (one per parameter) -- the register allocation pure and
// testable without DWARF. Each parameter's `passing` must be set to the
// class it asks for (Registers with register_count 1 or 2, Mixed,
// FloatRegisters, Stack, Reference) and its type's size known; this
// assigns registers in order and moves to the Stack what no longer fits,
// with stack offsets.
void assign_registers(std::vector<DwarfParameter>& parameters,
                      bool returns_in_memory);

// One file's DWARF. Not thread-safe.
class DwarfFile {
public:
  // The shared reading of `path`'s DWARF (or of its separate debug file
  // `debug_file` when not empty and `path` has none). Fails when neither
  // has any.
  static Result<std::shared_ptr<DwarfFile>>
  open(const std::string& path, const std::string& debug_file = {});

  ~DwarfFile();
  DwarfFile(const DwarfFile&) = delete;
  DwarfFile& operator=(const DwarfFile&) = delete;

  const std::string& path() const { return path_; }

  // The function named `name` (its DWARF name or linkage name), preferring
  // the definition whose entry is at link-time address `address` (0: any).
  // Fails when no compilation unit defines it.
  Result<DwarfFunction> function(std::string_view name, uint64_t address = 0);

  // The link-time addresses where statements of source line `line` begin
  // (column `column` only, when not 0), in the one source file whose path
  // is `file` or ends with "/" + `file`, sorted. Fails, saying why, when
  // no file matches, when several do (naming them, so more of the path
  // can be given), or when the line has no statement (naming the nearest
  // lines that have one). Implemented in dwarf_lines.cpp.
  Result<std::vector<uint64_t>>
  line_addresses(std::string_view file, uint32_t line, uint32_t column = 0);

  // The source frames at link-time address `address`. Empty when no
  // compilation unit covers it. Implemented in dwarf_lines.cpp.
  SourceFrames source_frames(uint64_t address);

  // Whether `record` is an incomplete record a DwarfFile made.
  static bool owns(const types::Type& record);
  // `record` with its fields when it is an incomplete record a DwarfFile
  // made; otherwise `record` unchanged.
  static types::Type complete(const types::Type& record);

  // Construction goes through open(); public for make_shared.
  struct Private {};
  DwarfFile(Private, std::string path, int fd, Dwarf* dwarf);

private:
  friend class DwarfConverter;
  // The split units a skeleton unit of this file points to but libdw did
  // not find: the units of its .dwp package, each read as a .dwo file
  // (split_dwarf.h). Loaded on first need.
  const std::vector<std::shared_ptr<DwarfFile>>& split_files();

  std::string path_;
  int fd_ = -1;
  Dwarf* dwarf_ = nullptr;
  // Complete records by DIE offset.
  std::unordered_map<uint64_t, types::Type> records_;
  bool split_loaded_ = false;
  std::vector<std::shared_ptr<DwarfFile>> split_files_;
};

} // namespace sonde::symbols
