// SPDX-License-Identifier: Apache-2.0
#include "probes/perf_event.h"

#include "probes/cpus.h"
#include "probes/providers.h"

#include <bpf/libbpf.h>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <sys/syscall.h>
#include <unistd.h>

namespace sonde::probes {

Result<Attachment> attach_perf_event(bpf_program* program,
                                     perf_event_attr attr,
                                     int cpu,
                                     int pid) {
  attr.size = sizeof(attr);
  int fd = static_cast<int>(::syscall(__NR_perf_event_open, &attr, pid, cpu,
                                      /*group_fd=*/-1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) {
    return make_error("perf_event_open: " + attach_error_text(errno));
  }
  bpf_link* link = bpf_program__attach_perf_event(program, fd);
  if (link == nullptr) {
    int error = errno;
    // Until the link exists the perf event is ours to close; afterwards
    // the link owns it and bpf_link__destroy closes it.
    ::close(fd);
    return make_error(attach_error_text(error));
  }
  return Attachment(link);
}

Result<std::vector<Attachment>>
attach_perf_event_on_each_cpu(bpf_program* program,
                              const perf_event_attr& attr) {
  Result<std::vector<uint32_t>> cpus = online_cpus();
  if (!cpus) {
    return cpus.takeError();
  }
  std::vector<Attachment> attachments;
  for (uint32_t cpu : *cpus) {
    Result<Attachment> attached =
        attach_perf_event(program, attr, static_cast<int>(cpu));
    if (!attached) {
      return attached.takeError();
    }
    attachments.push_back(std::move(*attached));
  }
  return attachments;
}

} // namespace sonde::probes

namespace sonde::probes {

Result<std::vector<Attachment>> attach_perf_event_to_process(
    bpf_program* program, const perf_event_attr& attr, int pid) {
  std::vector<int> threads;
  std::error_code error;
  std::string dir = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    threads.push_back(std::atoi(entry.path().filename().c_str()));
  }
  if (threads.empty()) {
    // Not readable: the process itself is the one thread known.
    threads.push_back(pid);
  }
  std::vector<Attachment> attachments;
  for (int thread : threads) {
    Result<Attachment> attached =
        attach_perf_event(program, attr, /*cpu=*/-1, thread);
    if (!attached) {
      return attached.takeError();
    }
    attachments.push_back(std::move(*attached));
  }
  return attachments;
}

} // namespace sonde::probes
