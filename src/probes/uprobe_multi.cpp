// SPDX-License-Identifier: Apache-2.0
#include "probes/uprobe_multi.h"

#include "probes/kernel_features.h"
#include "probes/providers.h"

#include <array>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>

namespace sonde::probes {

namespace {

// BPF_TRACE_UPROBE_MULTI and BPF_F_UPROBE_MULTI_RETURN (Linux 6.6).
constexpr int kTraceUprobeMulti = 48;
constexpr uint32_t kUprobeMultiReturn = 1;

} // namespace

bool uses_uprobe_multi(const std::vector<AttachTarget>& targets) {
  return targets.size() > 1 &&
         kernel_feature(KernelFeature::UprobeMulti).available;
}

void prepare_uprobe_multi(bpf_program* program,
                          const std::vector<AttachTarget>& targets) {
  if (uses_uprobe_multi(targets)) {
    bpf_program__set_expected_attach_type(
        program, static_cast<bpf_attach_type>(kTraceUprobeMulti));
  }
}

Result<Attachment>
attach_uprobe_multi_link(bpf_program* program,
                         const std::vector<const AttachTarget*>& sites,
                         bool return_probe) {
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> ref_ctr_offsets;
  bool semaphores = false;
  for (const AttachTarget* site : sites) {
    offsets.push_back(site->file_offset);
    ref_ctr_offsets.push_back(site->semaphore_offset);
    semaphores = semaphores || site->semaphore_offset != 0;
  }
  const std::string& path = sites.front()->target.at(0);
  // union bpf_attr's link_create: prog_fd, target_fd, attach_type, flags,
  // then uprobe_multi's path, offsets, ref_ctr_offsets, cookies (u64
  // each), cnt, flags and pid (u32 each).
  std::array<uint64_t, 16> attr{};
  auto* words = reinterpret_cast<uint32_t*>(attr.data());
  words[0] = static_cast<uint32_t>(bpf_program__fd(program));
  words[2] = kTraceUprobeMulti;
  attr[2] = reinterpret_cast<uintptr_t>(path.c_str());
  attr[3] = reinterpret_cast<uintptr_t>(offsets.data());
  attr[4] =
      semaphores ? reinterpret_cast<uintptr_t>(ref_ctr_offsets.data()) : 0;
  words[12] = static_cast<uint32_t>(offsets.size());
  words[13] = return_probe ? kUprobeMultiReturn : 0;
  words[14] =
      sites.front()->pid > 0 ? static_cast<uint32_t>(sites.front()->pid) : 0;
  long fd = syscall(__NR_bpf, BPF_LINK_CREATE, attr.data(), sizeof(attr));
  if (fd < 0) {
    return make_error(attach_error_text(errno));
  }
  return Attachment::from_link_fd(static_cast<int>(fd));
}

} // namespace sonde::probes
