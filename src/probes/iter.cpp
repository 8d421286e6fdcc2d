// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/kernel_features.h"
#include "probes/providers.h"
#include "probes/timer_period.h"

#include <algorithm>
#include <bpf/libbpf.h>

namespace sonde::probes {

namespace {

// The iterators sonde runs (libbpf binds the program to the kernel's
// `bpf_iter_<name>` when loading). Their context, `ctx` in a script, is
// `struct bpf_iter__<name>`: the meta pointer followed by the object
// iterated (the task for all three), which is null on the last,
// end-of-iteration call.
constexpr const char* kIterators[] = {"task", "task_file", "task_vma"};

// BPF iterators: `iter:NAME`. The runtime attaches the program, creates the
// iterator, reads it to the end (which runs the program once per object)
// and then ends the trace, so an iter probe cannot be mixed with other
// probes. The context's fields (`ctx.task`) are typed from kernel BTF by
// sema; pinning (`iter:NAME:PIN`) is not supported yet.
class IterProbe : public ProbeType {
public:
  ProbeKind kind() const override { return ProbeKind::Iter; }

  ExpandResult expand(const std::vector<std::string>& parts,
                      const ExpandContext&) const override {
    if (parts.size() == 3) {
      return invalid_attach_point("pinning an iterator is not supported yet");
    }
    if (parts.size() != 2 || parts[1].empty()) {
      return invalid_attach_point("expected iter:NAME (task, task_file, "
                                  "task_vma)");
    }
    const std::string& name = parts[1];
    std::vector<std::string> known(std::begin(kIterators),
                                   std::end(kIterators));
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return ExpandError{ExpandError::Reason::NotFound,
                         "no iterator '" + name +
                             "' (sonde runs task, task_file and task_vma)",
                         closest_match(name, known)};
    }
    return std::vector<AttachTarget>{
        AttachTarget{ProbeKind::Iter, "iter:" + name, {name}, 0}};
  }

  Result<std::vector<std::string>> list() const override {
    std::vector<std::string> names;
    for (const char* name : kIterators) {
      names.push_back(std::string("iter:") + name);
    }
    return names;
  }

  // The kernel calls the program with this struct, one u64 per member.
  std::optional<std::string>
  context_struct(const AttachTarget& target) const override {
    return "struct bpf_iter__" + target.target.at(0);
  }

  ProgramType program_type() const override { return ProgramType::Tracing; }
  bool program_per_target() const override { return true; }

  KernelSupport kernel_support() const override {
    const FeatureStatus& iter = kernel_feature(KernelFeature::Iter);
    if (iter.available) {
      return {};
    }
    return {KernelSupport::Level::None,
            "iterators are not available: " + iter.reason};
  }

  std::string section_name(const AttachTarget& target) const override {
    return "iter/" + target.target.at(0);
  }

  Result<std::vector<Attachment>> attach(bpf_program* program,
                                         const AttachTarget&) const override {
    return single_attachment(bpf_program__attach_iter(program, nullptr));
  }
};

} // namespace

std::unique_ptr<ProbeType> make_iter_probe() {
  return std::make_unique<IterProbe>();
}

} // namespace sonde::probes
