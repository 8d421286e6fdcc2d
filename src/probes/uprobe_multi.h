// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "probes/probe_type.h"

#include <vector>

// Attaching one program to many user-space sites at once. Where the kernel
// has BPF_TRACE_UPROBE_MULTI links (Linux 6.6), a program that runs for
// several uprobe or USDT sites is loaded for that attach type and attached
// with one link per file and process instead of one perf event per site,
// as bpftrace does; elsewhere each site is attached alone. The libbpf this
// builds with predates uprobe_multi, so the link is made with the bpf()
// system call.
namespace sonde::probes {

// Whether a program with these targets (uprobes, uretprobes or USDT
// sites) is attached through uprobe_multi links: more than one target and
// a kernel that has them.
bool uses_uprobe_multi(const std::vector<AttachTarget>& targets);

// Sets the uprobe_multi attach type on a program that uses_uprobe_multi(),
// before its object is loaded.
void prepare_uprobe_multi(bpf_program* program,
                          const std::vector<AttachTarget>& targets);

// Attaches a loaded program to every target: one link per (file, pid)
// with the sites' offsets and USDT semaphores when uses_uprobe_multi(),
// else `attach_one` per target. `return_probe` makes uretprobe links.
// Nothing stays attached after a failure.
template <typename AttachOne>
Result<std::vector<Attachment>>
attach_uprobe_sites(bpf_program* program,
                    const std::vector<AttachTarget>& targets,
                    bool return_probe,
                    AttachOne attach_one);

// One uprobe_multi link for `sites` (same file and pid). Exposed for the
// template above.
Result<Attachment>
attach_uprobe_multi_link(bpf_program* program,
                         const std::vector<const AttachTarget*>& sites,
                         bool return_probe);

template <typename AttachOne>
Result<std::vector<Attachment>>
attach_uprobe_sites(bpf_program* program,
                    const std::vector<AttachTarget>& targets,
                    bool return_probe,
                    AttachOne attach_one) {
  std::vector<Attachment> all;
  if (!uses_uprobe_multi(targets)) {
    for (const AttachTarget& target : targets) {
      Result<std::vector<Attachment>> attached = attach_one(target);
      if (!attached) {
        return make_error("attaching '" + target.full_name +
                          "' failed: " + error_text(attached.takeError()));
      }
      for (Attachment& attachment : *attached) {
        all.push_back(std::move(attachment));
      }
    }
    return all;
  }
  // Groups keep the order of first appearance.
  std::vector<std::vector<const AttachTarget*>> groups;
  for (const AttachTarget& target : targets) {
    auto group = groups.begin();
    for (; group != groups.end(); ++group) {
      if (group->front()->target.at(0) == target.target.at(0) &&
          group->front()->pid == target.pid) {
        break;
      }
    }
    if (group == groups.end()) {
      groups.emplace_back();
      group = std::prev(groups.end());
    }
    group->push_back(&target);
  }
  for (const std::vector<const AttachTarget*>& group : groups) {
    Result<Attachment> link =
        attach_uprobe_multi_link(program, group, return_probe);
    if (!link) {
      return make_error("attaching '" + group.front()->full_name +
                        "' failed: " + error_text(link.takeError()));
    }
    all.push_back(std::move(*link));
  }
  return all;
}

} // namespace sonde::probes
