// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

namespace sonde::driver {

// Opens /dev/null on whichever of descriptors 0, 1 and 2 is closed, so that
// a file sonde opens later (a BPF map, an output file) never takes the
// place of stdout or stderr.
void open_standard_descriptors();

// Why this process cannot load and attach BPF programs: it is not root
// and lacks CAP_BPF with CAP_PERFMON (or CAP_SYS_ADMIN). The text says
// what is needed; nullopt when tracing is allowed.
std::optional<std::string> missing_tracing_privileges();

} // namespace sonde::driver
