// SPDX-License-Identifier: Apache-2.0
#include "driver/list_probes.h"

#include "base/strings.h"

namespace sonde::driver {

namespace {

// The providers `-l` walks without a binary to look into, in bpftrace's
// order.
constexpr probes::ProbeKind kListed[] = {
    probes::ProbeKind::Tracepoint, probes::ProbeKind::Software,
    probes::ProbeKind::Hardware, probes::ProbeKind::Interval,
    probes::ProbeKind::Profile};

bool needs_binary(probes::ProbeKind kind) {
  return kind == probes::ProbeKind::Usdt || kind == probes::ProbeKind::Uprobe ||
         kind == probes::ProbeKind::Uretprobe;
}

} // namespace

int list_probes(const probes::ProbeCatalog& catalog,
                const std::string& pattern,
                llvm::raw_ostream& out,
                llvm::raw_ostream& err) {
  std::string glob = pattern.empty() ? "*" : pattern;
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

  if (named != nullptr && needs_binary(named->kind())) {
    probes::ExpandResult result = named->expand(parts);
    if (auto* error = std::get_if<probes::ExpandError>(&result)) {
      err << "sonde: error: " << error->detail << "\n";
      return 1;
    }
    for (const probes::AttachTarget& target :
         std::get<std::vector<probes::AttachTarget>>(result)) {
      out << target.full_name << "\n";
    }
    return 0;
  }
  for (probes::ProbeKind kind : kListed) {
    if (named != nullptr && named->kind() != kind) {
      continue;
    }
    Result<std::vector<std::string>> names = catalog.get(kind).list();
    if (!names) {
      err << "sonde: error: " << error_text(names.takeError()) << "\n";
      return 1;
    }
    for (const std::string& name : *names) {
      if (glob_match(glob, name)) {
        out << name << "\n";
      }
    }
  }
  return 0;
}

} // namespace sonde::driver
