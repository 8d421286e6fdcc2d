// SPDX-License-Identifier: Apache-2.0
// task_from_pid(pid): the kernel's task with a pid, for stdlib's comm(pid)
// and for reading any other task's fields.
#include "sema/type_checker.h"

namespace sonde::sema {

Type TypeChecker::check_task_from_pid(const ast::Call& call,
                                      const std::vector<Type>& args) {
  if (check_integer_function(call, args, Type::u64()).is_none()) {
    return Type::none();
  }
  if (!all_providers(
          [](const probes::ProbeType& type, const probes::AttachTarget&) {
            return probes::calls_kfuncs(type.program_type());
          })) {
    error(diag::Kind::KfuncProbe, call.callee_range,
          {call.callee, "bpf_task_from_pid", current_kind()});
    return Type::none();
  }
  std::optional<Type> task = lookup_named_type("struct task_struct");
  if (!task) {
    error(diag::Kind::KfuncNeedsBtf, call.callee_range,
          {call.callee, "struct task_struct"});
    return Type::none();
  }
  // 0 when no task has the pid.
  return Type::pointer(*task, types::AddressSpace::Kernel);
}

} // namespace sonde::sema
