// SPDX-License-Identifier: Apache-2.0
#include "ast/visitor.h"
#include "base/strings.h"
#include "sema/builtins.h"
#include "sema/pipeline.h"

namespace sonde::sema {

namespace {

// Finds what a probe body reads of its target: `args`, whose layout is per
// tracepoint, `probe`, the target's name, or `argN`, which lives in a
// different place at each USDT site.
class TargetUse : public ast::Visitor<TargetUse> {
public:
  void visit_Builtin(ast::Builtin* node) {
    reads_args = reads_args || node->name == "args";
    args = args || node->name == "args" || node->name == "probe";
    arguments = arguments || register_argument(node->name).has_value();
  }
  bool reads_args = false;
  bool args = false;
  bool arguments = false;
};

TargetUse target_use(const ast::Probe& probe) {
  TargetUse use;
  use.visit(const_cast<ast::Probe*>(&probe));
  return use;
}

// Whether each target needs a program of its own.
bool program_per_target(const TargetUse& use,
                        const std::vector<probes::AttachTarget>& targets) {
  // Each USDT site has its own argument locations.
  bool per_site_arguments =
      !targets.empty() &&
      probes::argument_source(targets[0].kind) == probes::ArgumentSource::Usdt;
  return use.args || (use.arguments && per_site_arguments);
}

// The `args` of one target: uprobes read theirs from registers (and from
// DWARF only when the body reads them), the others from the context.
void type_args(const probes::ProbeType& type,
               const TargetUse& use,
               ProbeInstance& instance) {
  const probes::AttachTarget& target = instance.targets.front();
  if (probes::traits(target.kind).args == probes::ArgsRecord::Dwarf) {
    if (!use.reads_args) {
      return;
    }
    auto args = type.register_args(target);
    if (args) {
      instance.args_type = std::move(args->record);
      instance.args_registers = std::move(args->registers);
    } else {
      llvm::consumeError(args.takeError());
    }
    return;
  }
  auto args = type.args_type(target);
  if (args) {
    instance.args_type = std::move(*args);
  } else {
    llvm::consumeError(args.takeError());
  }
}

// A C identifier for the BPF function, readable in `bpftool prog` (the
// kernel keeps the first 15 characters).
std::string function_name(size_t index, const probes::AttachTarget& target) {
  const std::string& last =
      target.target.empty() ? target.full_name : target.target.back();
  return "s" + std::to_string(index) + "_" + c_identifier(last);
}

} // namespace

void plan_resources(const probes::ProbeCatalog& catalog,
                    ExpandedProbes& expanded,
                    CheckedProgram& checked) {
  for (const ast::Probe* probe : checked.program->probes) {
    if (checked.dropped_probes.count(probe) != 0) {
      continue;
    }
    std::vector<probes::AttachTarget>& targets = expanded[probe];
    TargetUse use = target_use(*probe);
    bool body_per_target = program_per_target(use, targets);
    for (size_t i = 0; i < targets.size(); ++i) {
      const probes::ProbeType& type = catalog.get(targets[i].kind);
      bool per_target = body_per_target || type.program_per_target();
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
          {},
          function_name(checked.instances.size(), targets[i]),
          type.section_name(targets[i])};
      if (per_target) {
        type_args(type, use, instance);
      }
      checked.instances.push_back(std::move(instance));
    }
  }
}

std::unique_ptr<CheckedProgram>
analyze(const ast::Program& program,
        const probes::ProbeCatalog& catalog,
        const symbols::KernelSymbolSource& kernel_symbols,
        diag::DiagnosticEngine& diag,
        const std::vector<std::string>& positional,
        const probes::ExpandContext& context,
        const SourceBuffer* source,
        bool unsafe,
        const NamedParams& named,
        const btf::CParseOptions& c_options) {
  auto checked = std::make_unique<CheckedProgram>();
  checked->program = &program;
  checked->positional = positional;
  checked->target_pid = context.pid;
  checked->unsafe = unsafe;
  checked->named_params = named;
  if (!read_config(program, diag, checked->config) ||
      !read_c_definitions(program, source, diag, *checked, c_options)) {
    return nullptr;
  }
  ExpandedProbes expanded;
  if (!expand_probes(program, catalog, checked->config, diag, expanded,
                     context)) {
    return nullptr;
  }
  if (!check_types(program, catalog, kernel_symbols, expanded, diag,
                   *checked)) {
    return nullptr;
  }
  plan_resources(catalog, expanded, *checked);
  if (!program.probes.empty() &&
      checked->dropped_probes.size() == program.probes.size()) {
    diag.build(diag::Kind::EveryProbeDropped, program.probes.front()->range())
        .emit();
    return nullptr;
  }
  return checked;
}

} // namespace sonde::sema
