// SPDX-License-Identifier: Apache-2.0
#include "driver/list_probes.h"

#include "base/strings.h"
#include "btf/kernel_c_header.h"
#include "btf/kernel_types.h"

#include <set>

namespace sonde::driver {

namespace {

void print_arguments(const probes::ProbeType& type,
                     const probes::AttachTarget& target,
                     llvm::raw_ostream& out) {
  Result<std::vector<std::string>> lines = type.arg_declarations(target);
  if (!lines) {
    llvm::consumeError(lines.takeError());
    return;
  }
  for (const std::string& line : *lines) {
    out << "    " << line << "\n";
  }
}

// The arguments of a listed name, found by expanding it again (only with
// -lv, so plain listing never reads per-probe files).
void print_arguments_of(const probes::ProbeType& type,
                        const std::string& name,
                        llvm::raw_ostream& out) {
  probes::ExpandResult result = type.expand(split(name, ':'));
  if (auto* targets = std::get_if<std::vector<probes::AttachTarget>>(&result);
      targets != nullptr && !targets->empty()) {
    print_arguments(type, targets->front(), out);
  }
}

// `-l 'struct NAME'` (also union, enum): the vmlinux types whose names
// match, and with -lv their C definitions.
bool is_type_pattern(const std::string& pattern) {
  return pattern.starts_with("struct ") || pattern.starts_with("union ") ||
         pattern.starts_with("enum ");
}

int list_types(const ListOptions& options, llvm::raw_ostream& out) {
  std::shared_ptr<btf::KernelTypes> kernel = btf::KernelTypes::shared();
  for (const std::string& name : kernel->type_names_matching(options.pattern)) {
    if (!options.verbose) {
      out << name << "\n";
      continue;
    }
    std::string definition = btf::kernel_type_definition(*kernel, name);
    out << (definition.empty() ? name + "\n" : definition);
  }
  return 0;
}

// Prints each target's name once, with its arguments under -lv.
void print_targets(const probes::ProbeType& type,
                   const std::vector<probes::AttachTarget>& targets,
                   const std::string& glob,
                   bool verbose,
                   std::set<std::string>& printed,
                   llvm::raw_ostream& out) {
  for (const probes::AttachTarget& target : targets) {
    if (!glob_match(glob, target.full_name) ||
        !printed.insert(target.full_name).second) {
      continue;
    }
    out << target.full_name << "\n";
    if (verbose) {
      print_arguments(type, target, out);
    }
  }
}

// The kinds listed by the binary they look into, without return probes
// (they list as their entry probes): uprobe and usdt.
std::vector<const probes::ProbeType*>
binary_providers(const probes::ProbeCatalog& catalog,
                 std::string_view provider_glob) {
  std::vector<const probes::ProbeType*> providers;
  for (probes::ProbeKind kind : probes::kProbeKinds) {
    const probes::ProbeTraits& traits = probes::traits(kind);
    if (traits.listing == probes::Listing::Binary &&
        traits.retval == probes::RetvalSource::None &&
        glob_match(provider_glob, traits.spelling)) {
      providers.push_back(&catalog.get(kind));
    }
  }
  return providers;
}

// `-l -p PID [PATTERN]` (COMPAT 25): the process's own probes, every
// function and USDT probe of every object it maps, named by the paths the
// process sees.
int list_process(const probes::ProbeCatalog& catalog,
                 const ListOptions& options,
                 const std::string& glob,
                 llvm::raw_ostream& out,
                 llvm::raw_ostream& err) {
  probes::ExpandContext context;
  context.pid = options.pid;
  context.listing = true;
  std::set<std::string> printed;
  for (const probes::ProbeType* type : binary_providers(catalog, "*")) {
    const char* spelling = probes::kind_spelling(type->kind());
    std::vector<std::string> parts = {spelling, "*", "*"};
    if (probes::argument_source(type->kind()) == probes::ArgumentSource::Usdt) {
      parts.push_back("*");
    }
    probes::ExpandResult result = type->expand(parts, context);
    if (auto* error = std::get_if<probes::ExpandError>(&result)) {
      if (error->reason != probes::ExpandError::Reason::NoMatch) {
        err << "sonde: error: " << error->detail << "\n";
        return 1;
      }
      continue;
    }
    print_targets(*type, std::get<std::vector<probes::AttachTarget>>(result),
                  glob, options.verbose, printed, out);
  }
  return 0;
}

} // namespace

int list_probes(const probes::ProbeCatalog& catalog,
                const ListOptions& options,
                llvm::raw_ostream& out,
                llvm::raw_ostream& err) {
  if (is_type_pattern(options.pattern)) {
    return list_types(options, out);
  }
  std::string glob = options.pattern.empty() ? "*" : options.pattern;
  std::vector<std::string> parts = split(glob, ':');
  // `t:...` lists as `tracepoint:...`: the names printed are canonical.
  const probes::ProbeType* named =
      parts.size() > 1 ? catalog.find(parts[0]) : nullptr;
  if (named != nullptr) {
    parts[0] = probes::kind_spelling(named->kind());
    glob = parts[0] + glob.substr(glob.find(':'));
  } else if (parts.size() == 1) {
    // A bare pattern matches any provider's names.
    glob = "*:" + glob;
  }

  if (named != nullptr &&
      probes::traits(named->kind()).listing == probes::Listing::Binary) {
    probes::ExpandContext context;
    context.pid = options.pid;
    context.listing = true;
    probes::ExpandResult result = named->expand(parts, context);
    if (auto* error = std::get_if<probes::ExpandError>(&result)) {
      err << "sonde: error: " << error->detail << "\n";
      return 1;
    }
    // A USDT probe inlined at several sites is listed once.
    std::set<std::string> printed;
    print_targets(*named, std::get<std::vector<probes::AttachTarget>>(result),
                  "*", options.verbose, printed, out);
    return 0;
  }
  if (options.pid != 0 && named == nullptr) {
    return list_process(catalog, options, glob, out, err);
  }
  // A provider glob with a binary, `*:/bin/bash:*` (COMPAT 57): the
  // binary's uprobes and USDT probes, then any kernel names that match.
  if (named == nullptr && parts.size() >= 3 && has_wildcard(parts[0])) {
    probes::ExpandContext context;
    context.listing = true;
    std::set<std::string> printed;
    for (const probes::ProbeType* type : binary_providers(catalog, parts[0])) {
      std::vector<std::string> expanded = parts;
      expanded[0] = probes::kind_spelling(type->kind());
      probes::ExpandResult result = type->expand(expanded, context);
      if (auto* targets =
              std::get_if<std::vector<probes::AttachTarget>>(&result)) {
        print_targets(*type, *targets, "*", options.verbose, printed, out);
      }
    }
  }
  // Providers list in the order of probe_kinds.def.
  for (probes::ProbeKind kind : probes::kProbeKinds) {
    if (probes::traits(kind).listing != probes::Listing::Names ||
        (named != nullptr && named->kind() != kind)) {
      continue;
    }
    const probes::ProbeType& type = catalog.get(kind);
    Result<std::vector<std::string>> names = type.list();
    if (!names) {
      // A provider this kernel lacks (no kallsyms, no BTF) lists nothing,
      // unless it is the one asked for.
      if (named == nullptr) {
        llvm::consumeError(names.takeError());
        continue;
      }
      err << "sonde: error: " << error_text(names.takeError()) << "\n";
      return 1;
    }
    for (const std::string& name : *names) {
      if (glob_match(glob, name)) {
        out << name << "\n";
        if (options.verbose) {
          print_arguments_of(type, name, out);
        }
      }
    }
  }
  return 0;
}

void list_program_probes(
    const probes::ProbeCatalog& catalog,
    const std::vector<std::vector<probes::AttachTarget>>& probes_targets,
    bool verbose,
    llvm::raw_ostream& out) {
  std::set<std::string> printed;
  for (const std::vector<probes::AttachTarget>& targets : probes_targets) {
    for (const probes::AttachTarget& target : targets) {
      print_targets(catalog.get(target.kind), {target}, "*", verbose, printed,
                    out);
    }
  }
}

} // namespace sonde::driver
