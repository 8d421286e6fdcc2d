// SPDX-License-Identifier: Apache-2.0
#include "runtime/features.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

namespace sonde::runtime {

namespace {
bool probe_bpf_v4() {
  // r0 = 1; r0 s/= 1 (BPF_DIV with offset 1 is v4's sdiv); exit.
  const bpf_insn program[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1},
      {BPF_ALU64 | BPF_DIV | BPF_K, BPF_REG_0, 0, 1, 1},
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", program,
                         3, nullptr);
  if (fd < 0) {
    return false;
  }
  close(fd);
  return true;
}
} // namespace

uint32_t possible_cpus() {
  static const int cpus = libbpf_num_possible_cpus();
  return cpus > 0 ? cpus : 1;
}

bool kernel_has_bpf_v4() {
  static const bool has_v4 = probe_bpf_v4();
  return has_v4;
}

} // namespace sonde::runtime
