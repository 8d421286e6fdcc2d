// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Bit flags named as the kernel names them in trace output: printf's %gr
// prints GFP flags ("GFP_KERNEL|__GFP_ZERO"). The names and masks are the
// running kernel's own table, which its tracepoints print with
// __print_flags (kmem:kmalloc's gfp_flags); the runtime reads it from the
// event's format file, so it follows the kernel's configuration and
// version.
namespace sonde::output {

// One entry of a __print_flags table: `name` stands for every bit of
// `mask`.
struct FlagName {
  uint64_t mask = 0;
  std::string name;
};

// The table of the first `__print_flags(REC->FIELD, "|", { MASK, "NAME" },
// ...)` in the text of a tracefs format file; each MASK is a C constant
// expression of integers, casts, parentheses, `~`, `<<`, `&` and `|`.
// Entries whose mask cannot be evaluated, and zero masks, are left out;
// empty when the field has no such table.
std::vector<FlagName> parse_print_flags(std::string_view format_text,
                                        std::string_view field);

// `flags` named as the kernel's %pGg does: each table entry whose bits are
// all set, in table order, takes those bits, names are joined by '|', and
// bits no entry names follow in hex ("GFP_KERNEL|0x4000000"). 0 is "none",
// as trace output shows it.
std::string flags_text(uint64_t flags, const std::vector<FlagName>& names);

} // namespace sonde::output
