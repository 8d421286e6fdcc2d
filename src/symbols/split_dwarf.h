// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Split DWARF (`-gsplit-dwarf`): the object keeps small skeleton units and
// its line table; the types and functions live in one .dwo file per
// compilation unit, or in a DWARF package (.dwp) that `dwp`/`llvm-dwp`
// made from them. libdw finds a .dwo through the skeleton's comp_dir but,
// before elfutils 0.191, cannot read a package, so each unit of a package
// is cut out here as a small ELF image in memory that libdw reads like the
// .dwo file it came from.
namespace sonde::symbols {

// One section of a unit image: its name (".debug_info.dwo") and bytes.
struct DwoSection {
  std::string name;
  std::string_view bytes;
};

// A relocatable ELF file with these sections and nothing else, for
// `machine` (EM_X86_64, ...). Exposed for tests.
std::string make_dwo_image(uint16_t machine,
                           const std::vector<DwoSection>& sections);

// Every compilation unit of the package at `path` (DWARF 5 `.debug_cu_index`
// or the GNU version 2 index of DWARF 4 packages), each as an ELF image:
// the unit's contributions to each indexed section and the whole
// .debug_str.dwo. Fails when the file cannot be read or has no valid
// index.
Result<std::vector<std::string>> dwp_unit_images(const std::string& path);

// A file descriptor holding `image` (a memfd), for dwarf_begin(); -1 with
// errno set on failure. The caller closes it.
int image_descriptor(const std::string& image);

} // namespace sonde::symbols
