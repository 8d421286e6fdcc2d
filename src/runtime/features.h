// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace sonde::runtime {

// Whether the kernel accepts BPF v4 instructions (signed division, sign
// extension). Probed once by loading a three-instruction program; cached.
bool kernel_has_bpf_v4();

// How many CPUs the kernel may bring online (per-CPU map values).
uint32_t possible_cpus();

} // namespace sonde::runtime
