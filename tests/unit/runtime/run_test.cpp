// SPDX-License-Identifier: Apache-2.0
#include "probes/probe_type.h"
#include "runtime/runtime.h"

#include <gtest/gtest.h>

// run() asks the catalog it is given about each probe's provider, not the
// system's.
namespace sonde::runtime {
namespace {

// An interval provider that says the kernel cannot run it: run() must stop
// before loading anything, with its reason.
class RefusedInterval : public probes::ProbeType {
public:
  probes::ProbeKind kind() const override {
    return probes::ProbeKind::Interval;
  }
  probes::ExpandResult
  expand(const std::vector<std::string>& /*parts*/,
         const probes::ExpandContext& /*context*/) const override {
    return std::vector<probes::AttachTarget>{};
  }
  probes::ProgramType program_type() const override {
    return probes::ProgramType::PerfEvent;
  }
  probes::KernelSupport kernel_support() const override {
    return {probes::KernelSupport::Level::None,
            "the test's catalog refuses interval probes"};
  }
  std::string
  section_name(const probes::AttachTarget& /*target*/) const override {
    return "perf_event";
  }
  Result<std::vector<probes::Attachment>>
  attach(bpf_program* /*program*/,
         const probes::AttachTarget& /*target*/) const override {
    return std::vector<probes::Attachment>{};
  }
};

TEST(Run, AsksTheGivenCatalogAboutKernelSupport) {
  probes::ProbeCatalog catalog;
  catalog.add(std::make_unique<RefusedInterval>(), {"interval"});
  codegen::Artifact artifact;
  codegen::ProgramMeta program;
  program.function_name = "interval_1";
  program.program_type = probes::ProgramType::PerfEvent;
  probes::AttachTarget target;
  target.kind = probes::ProbeKind::Interval;
  target.full_name = "interval:s:1";
  program.targets.push_back(target);
  artifact.metadata.programs.push_back(program);

  std::string out_text;
  std::string err_text;
  llvm::raw_string_ostream out(out_text);
  llvm::raw_string_ostream err(err_text);
  EXPECT_EQ(run(artifact, catalog, RunOptions{}, out, err), 1);
  EXPECT_EQ(err.str(),
            "sonde: error: the test's catalog refuses interval probes\n");
}

} // namespace
} // namespace sonde::runtime
