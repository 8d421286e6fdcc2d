// SPDX-License-Identifier: Apache-2.0
// nsecs(MODE) and pid/tid in a pid namespace; bare nsecs, pid and tid are
// their default modes.
#include "codegen/lowering.h"

#include <optional>
#include <sys/stat.h>
#include <time.h>

namespace sonde::codegen {

namespace {

// The initial pid namespace's inode number (PROC_PID_INIT_INO).
constexpr uint64_t kInitPidNamespaceInode = 0xeffffffc;

struct NamespaceId {
  uint64_t device;
  uint64_t inode;
};

// sonde's pid namespace, when it is not the initial one.
std::optional<NamespaceId> child_pid_namespace() {
  struct stat info;
  if (stat("/proc/self/ns/pid", &info) != 0 ||
      info.st_ino == kInitPidNamespaceInode) {
    return std::nullopt;
  }
  return NamespaceId{static_cast<uint64_t>(info.st_dev),
                     static_cast<uint64_t>(info.st_ino)};
}

int64_t nanoseconds(clockid_t clock) {
  timespec now;
  clock_gettime(clock, &now);
  return int64_t(now.tv_sec) * 1000000000 + now.tv_nsec;
}

} // namespace

llvm::Value* ProbeLowering::variable_with_mode(const ast::Call& node,
                                               sema::BuiltinFunction function) {
  uint64_t mode = program_.constants.at(&node);
  if (function == sema::BuiltinFunction::NsecsOf) {
    return clock_nanoseconds(static_cast<sema::ClockMode>(mode));
  }
  return pid_in(static_cast<sema::PidNamespace>(mode),
                /*thread=*/function == sema::BuiltinFunction::TidOf);
}

llvm::Value* ProbeLowering::clock_nanoseconds(sema::ClockMode mode) {
  switch (mode) {
  case sema::ClockMode::Boot:
    return helper(BPF_FUNC_ktime_get_boot_ns);
  case sema::ClockMode::Monotonic:
    return helper(BPF_FUNC_ktime_get_ns);
  case sema::ClockMode::Tai:
    return helper(BPF_FUNC_ktime_get_tai_ns);
  case sema::ClockMode::SwTai: {
    // TAI without the helper (kernels before 6.1): the monotonic clock
    // plus TAI's offset from it, taken now, as the program is built.
    int64_t offset = nanoseconds(CLOCK_TAI) - nanoseconds(CLOCK_MONOTONIC);
    return ir_.CreateAdd(helper(BPF_FUNC_ktime_get_ns),
                         ir_.getInt64(static_cast<uint64_t>(offset)));
  }
  }
  return nullptr;
}

llvm::Value* ProbeLowering::pid_in(sema::PidNamespace space, bool thread) {
  std::optional<NamespaceId> child = space == sema::PidNamespace::Current
                                         ? child_pid_namespace()
                                         : std::nullopt;
  if (!child) {
    llvm::Value* ids = helper(BPF_FUNC_get_current_pid_tgid);
    return thread ? ir_.CreateAnd(ids, 0xffffffff) : ir_.CreateLShr(ids, 32);
  }
  // struct bpf_pidns_info { u32 pid; u32 tgid; }, zero when the task is
  // not in sonde's namespace.
  llvm::Value* info = memory_slot(8, "pidns");
  ir_.CreateStore(ir_.getInt64(0), info);
  builder_.call_helper(ir_, BPF_FUNC_get_ns_current_pid_tgid,
                       {ir_.getInt64(child->device), ir_.getInt64(child->inode),
                        info, ir_.getInt64(8)});
  llvm::Value* field =
      ir_.CreateConstInBoundsGEP1_32(ir_.getInt8Ty(), info, thread ? 0 : 4);
  return ir_.CreateZExt(ir_.CreateLoad(ir_.getInt32Ty(), field),
                        ir_.getInt64Ty());
}

} // namespace sonde::codegen
