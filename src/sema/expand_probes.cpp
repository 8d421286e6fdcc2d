// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "sema/pipeline.h"

namespace sonde::sema {

namespace {

// Reports why one attach point could not be expanded.
void report(const ast::AttachPoint& ap,
            const probes::ExpandError& error,
            diag::DiagnosticEngine& diag) {
  using Reason = probes::ExpandError::Reason;
  diag::Kind kind = diag::Kind::InvalidAttachPoint;
  std::vector<std::string> args = {ap.raw, error.detail};
  switch (error.reason) {
  case Reason::UnknownProvider:
    kind = diag::Kind::UnknownProbeType;
    args = {ap.parts.empty() ? ap.raw : ap.parts[0]};
    break;
  case Reason::Invalid:
    break;
  case Reason::NotFound:
    // A missing tracepoint is named in `detail`; the other providers
    // explain what is missing.
    if (error.unknown_tracepoint) {
      kind = diag::Kind::UnknownTracepoint;
      args = {error.detail.empty() ? ap.raw : error.detail};
    }
    break;
  case Reason::NoMatch:
    kind = diag::Kind::ProbeMatchesNothing;
    args = {ap.raw};
    break;
  case Reason::Unavailable:
    kind = diag::Kind::TracefsUnavailable;
    args = {error.detail};
    break;
  }
  auto builder = diag.build(kind, ap.range(), args);
  if (error.suggestion) {
    builder.hint(diag::Kind::DidYouMean, {*error.suggestion});
  }
  builder.emit();
}

// An iterator runs once and then the trace ends, so an iter probe may only
// come with the probes run before and after it (BEGIN and END), and there
// is one iterator to run. Called after
// every attach point expanded, so each names a known provider.
void check_iter_alone(const ast::Program& program,
                      const probes::ProbeCatalog& catalog,
                      diag::DiagnosticEngine& diag) {
  const ast::AttachPoint* iter = nullptr;
  const ast::AttachPoint* other = nullptr;
  for (const ast::Probe* probe : program.probes) {
    for (const ast::AttachPoint* ap : probe->attach_points) {
      const probes::ProbeType* type =
          catalog.find(ap->parts.empty() ? "" : ap->parts[0]);
      if (type == nullptr) {
        continue;
      }
      probes::Trigger trigger = probes::traits(type->kind()).trigger;
      if (trigger == probes::Trigger::Begin ||
          trigger == probes::Trigger::End) {
        continue;
      }
      if (trigger == probes::Trigger::Iterator && iter == nullptr) {
        iter = ap;
      } else if (other == nullptr) {
        other = ap;
      }
    }
  }
  if (iter != nullptr && other != nullptr) {
    diag.build(diag::Kind::IterMixedWithProbes, iter->range())
        .note(other->range(), diag::Kind::OtherProbeHere, {other->raw})
        .emit();
  }
}

} // namespace

bool expand_probes(const ast::Program& program,
                   const probes::ProbeCatalog& catalog,
                   const ProgramConfig& config,
                   diag::DiagnosticEngine& diag,
                   ExpandedProbes& expanded,
                   const probes::ExpandContext& context) {
  unsigned errors = diag.error_count();
  for (const ast::Probe* probe : program.probes) {
    std::vector<probes::AttachTarget>& targets = expanded[probe];
    for (const ast::AttachPoint* ap : probe->attach_points) {
      const std::string provider = ap->parts.empty() ? "" : ap->parts[0];
      const probes::ProbeType* type = catalog.find(provider);
      if (type == nullptr) {
        probes::ExpandError error{
            probes::ExpandError::Reason::UnknownProvider, "",
            closest_match(provider, catalog.provider_names())};
        report(*ap, error, diag);
        continue;
      }
      probes::ExpandResult result = type->expand(ap->parts, context);
      if (auto* error = std::get_if<probes::ExpandError>(&result)) {
        // `config = { missing_probes = warn | ignore }` lets a probe that
        // matches nothing drop out.
        bool missing = error->reason == probes::ExpandError::Reason::NoMatch ||
                       error->reason == probes::ExpandError::Reason::NotFound;
        if (missing && config.missing_probes == "warn") {
          diag.build(diag::Kind::ProbeSkipped, ap->range(), {ap->raw}).emit();
        } else if (!missing || config.missing_probes != "ignore") {
          report(*ap, *error, diag);
        }
        continue;
      }
      for (probes::AttachTarget& target :
           std::get<std::vector<probes::AttachTarget>>(result)) {
        targets.push_back(std::move(target));
      }
    }
  }
  if (diag.error_count() == errors) {
    check_iter_alone(program, catalog, diag);
  }
  return diag.error_count() == errors;
}

} // namespace sonde::sema
