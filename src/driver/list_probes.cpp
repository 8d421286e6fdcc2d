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
    probes::ExpandResult result = named->expand(parts, context);
    if (auto* error = std::get_if<probes::ExpandError>(&result)) {
      err << "sonde: error: " << error->detail << "\n";
      return 1;
    }
    // A USDT probe inlined at several sites is listed once.
    std::set<std::string> printed;
    for (const probes::AttachTarget& target :
         std::get<std::vector<probes::AttachTarget>>(result)) {
      if (!printed.insert(target.full_name).second) {
        continue;
      }
      out << target.full_name << "\n";
      if (options.verbose) {
        print_arguments(*named, target, out);
      }
    }
    return 0;
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

} // namespace sonde::driver
