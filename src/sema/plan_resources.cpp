// SPDX-License-Identifier: Apache-2.0
#include "ast/visitor.h"
#include "sema/pipeline.h"

#include <cctype>

namespace sonde::sema {

namespace {

// Finds whether a probe body reads `args`, which decides whether its
// targets can share one program.
class ArgsUse : public ast::Visitor<ArgsUse> {
public:
  void visit_Builtin(ast::Builtin* node) {
    found = found || node->name == "args";
  }
  bool found = false;
};

bool reads_args(const ast::Probe& probe) {
  ArgsUse use;
  use.visit(const_cast<ast::Probe*>(&probe));
  return use.found;
}

// A C identifier for the BPF function, readable in `bpftool prog` (the
// kernel keeps the first 15 characters).
std::string function_name(size_t index, const probes::AttachTarget& target) {
  std::string name = "s" + std::to_string(index) + "_";
  const std::string& last =
      target.target.empty() ? target.full_name : target.target.back();
  for (char c : last) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

} // namespace

void plan_resources(const probes::ProbeCatalog& catalog,
                    ExpandedProbes& expanded,
                    CheckedProgram& checked) {
  for (const ast::Probe* probe : checked.program->probes) {
    std::vector<probes::AttachTarget>& targets = expanded[probe];
    bool per_target = reads_args(*probe);
    for (size_t i = 0; i < targets.size(); ++i) {
      const probes::ProbeType& type = catalog.get(targets[i].kind);
      // Targets share a program unless the body reads `args`, whose layout
      // is per tracepoint.
      ProbeInstance* shared = nullptr;
      if (!per_target && !checked.instances.empty() &&
          checked.instances.back().probe == probe &&
          checked.instances.back().program_type == type.program_type()) {
        shared = &checked.instances.back();
      }
      if (shared != nullptr) {
        shared->targets.push_back(targets[i]);
        continue;
      }
      ProbeInstance instance{
          probe,
          type.program_type(),
          {targets[i]},
          {},
          function_name(checked.instances.size(), targets[i]),
          type.section_name(targets[i])};
      if (per_target) {
        auto args = type.args_type(targets[i]);
        if (args) {
          instance.args_type = std::move(*args);
        } else {
          llvm::consumeError(args.takeError());
        }
      }
      checked.instances.push_back(std::move(instance));
    }
  }
}

std::unique_ptr<CheckedProgram> analyze(const ast::Program& program,
                                        const probes::ProbeCatalog& catalog,
                                        diag::DiagnosticEngine& diag) {
  auto checked = std::make_unique<CheckedProgram>();
  checked->program = &program;
  ExpandedProbes expanded;
  if (!expand_probes(program, catalog, diag, expanded)) {
    return nullptr;
  }
  if (!check_types(program, catalog, expanded, diag, *checked)) {
    return nullptr;
  }
  plan_resources(catalog, expanded, *checked);
  return checked;
}

} // namespace sonde::sema
