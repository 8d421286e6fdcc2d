// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"
#include "types/types.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// C definitions written in a script (`struct foo { ... };`, typedefs, enums)
// and the headers it includes (`#include <linux/ip.h>`), parsed with
// libclang into sonde's type model. libclang is loaded with dlopen on the
// first call, so scripts without C definitions neither need it installed
// nor pay for its start-up.
namespace sonde::btf {

// Everything the parsed text and its headers define, converted eagerly
// (headers a script includes define a few hundred types at most).
//
// Conversion follows KernelTypes' rules where they apply: records are
// complete, with anonymous members flattened and records held by value
// converted fully; a pointer to a record points to an incomplete record
// (btf_id kRecordId) completed by name through complete(), which is how
// `struct foo *next` can refer to itself; pointers point into the Kernel
// address space; char arrays spelled as char are strings; enums are
// integers (a named enum's carry its constants, types::Type::enumeration);
// bitfields are placed by types::place_field. Anonymous records
// are named by their typedef, else as clang spells them ("struct
// s::(unnamed at definitions.h:5:3)", lines counted in the parsed text).
struct CDefinitions {
  // The btf_id of incomplete records that stand for a record defined
  // here; KernelTypes::complete leaves them alone.
  static constexpr uint32_t kRecordId = types::kRecordByName;

  // "struct foo" / "union foo" (or an anonymous record's name) -> the
  // complete record.
  std::map<std::string, types::Type, std::less<>> records;
  // Typedef name -> the type it names (a record comes complete).
  std::map<std::string, types::Type, std::less<>> typedefs;
  // "enum foo" -> the integer type enum foo is.
  std::map<std::string, types::Type, std::less<>> enums;
  // An enumerator: its value and type, the 8-byte enumeration of its
  // enum, or int64 for an anonymous enum's.
  struct EnumConstant {
    int64_t value = 0;
    types::Type type;
  };
  // Every enumerator, named or anonymous enum alike.
  std::map<std::string, EnumConstant, std::less<>> enum_constants;
  // A `#define NAME value` the script uses as an identifier, whose value
  // clang evaluates to an integer or a string literal.
  struct Define {
    bool is_string = false;
    // Integers: the value and whether C gives it an unsigned type.
    int64_t number = 0;
    bool is_unsigned = false;
    std::string text;
  };
  std::map<std::string, Define, std::less<>> defines;

  // The type named "struct foo", "union foo", "enum foo" or a typedef
  // name; nullptr when the text does not define it.
  const types::Type* find(std::string_view name) const;
  // `record` with its fields when it is incomplete and defined here;
  // otherwise `record` unchanged.
  types::Type complete(const types::Type& record) const;
};

class KernelTypes;

// The directories clang searches for `#include <...>` after the -I ones.
extern const char* const kSystemIncludeDirs[3];

// How a script's C definitions are parsed, besides their text.
struct CParseOptions {
  // `-I DIR`: searched first, in order.
  std::vector<std::string> include_dirs;
  // `--include FILE`: included before the text, in order, as clang's
  // `-include` does (the current directory first, then the include path).
  std::vector<std::string> includes;
  // The kernel's types. When its vmlinux BTF loads, BPFTRACE_HAVE_BTF is
  // defined, and types, typedefs and enumerators the text uses without
  // defining them are taken from BTF: their C (btf_dump) is included
  // first, and the text parsed again. Null: neither.
  KernelTypes* kernel = nullptr;
  // Identifiers the script uses; those the text or its headers #define
  // (object-like macros whose expansion clang evaluates to an integer or
  // a string) come back in CDefinitions::defines.
  std::vector<std::string> identifiers;
};

// The file name of the kernel types header in clang's messages.
inline constexpr const char* kKernelTypesHeader = "/sonde/vmlinux.h";

// Parses `text` as C (gnu11, x86-64) with the -I directories, then the
// system's include paths (kSystemIncludeDirs). Fails when libclang-19
// cannot be loaded, or with every error clang reports, one per line:
// "LINE:COL: error: MESSAGE" for the text itself (lines count from 1 at
// the start of `text`, for the caller to map back to the script),
// "FILE:LINE:COL: error: MESSAGE" inside a header. Warnings are ignored.
Result<CDefinitions> parse_c_definitions(std::string_view text,
                                         const CParseOptions& options = {});

} // namespace sonde::btf
