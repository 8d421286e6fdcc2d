// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace sonde::runtime {

// Whether the kernel accepts BPF v4 instructions (signed division, sign
// extension). Probed once by loading a three-instruction program; cached.
bool kernel_has_bpf_v4();

} // namespace sonde::runtime
