// SPDX-License-Identifier: Apache-2.0
#include "base/strings.h"
#include "probes/cpus.h"
#include "probes/providers.h"

#include <bpf/libbpf.h>
#include <cctype>
#include <cerrno>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <variant>

namespace sonde::probes {

namespace {

constexpr uint64_t kNsPerSecond = 1'000'000'000;
// bpftrace's floor for the `interval:N` form: a shorter period would keep
// a CPU busy with nothing but the probe.
constexpr uint64_t kMinimumPeriodNs = 1000;

struct Unit {
  std::string_view name;
  uint64_t ns;
};

// Units of `interval:UNIT:N`; hz is handled apart (a rate, not a length).
constexpr Unit kUnits[] = {
    {"s", kNsPerSecond}, {"ms", 1'000'000}, {"us", 1000}};

// Suffixes of `interval:N<suffix>`; no suffix means nanoseconds.
constexpr Unit kSuffixes[] = {{"ns", 1},
                              {"us", 1000},
                              {"ms", 1'000'000},
                              {"s", kNsPerSecond},
                              {"m", 60 * kNsPerSecond},
                              {"h", 3600 * kNsPerSecond},
                              {"d", 86400 * kNsPerSecond}};

// Parses an unsigned count as bpftrace does: decimal digits with optional
// '_' separators and an optional exponent ("1_000", "1e6"). Returns the
// value and how many characters it used, or nullopt when there is no
// number or it overflows 64 bits.
std::optional<std::pair<uint64_t, size_t>> parse_count(std::string_view text) {
  uint64_t value = 0;
  size_t at = 0;
  bool any = false;
  while (at < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[at])) ||
          (text[at] == '_' && any))) {
    if (text[at] != '_') {
      if (__builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, uint64_t(text[at] - '0'), &value)) {
        return std::nullopt;
      }
      any = true;
    }
    ++at;
  }
  if (!any || text[at - 1] == '_') {
    return std::nullopt;
  }
  if (at + 1 < text.size() && text[at] == 'e' &&
      std::isdigit(static_cast<unsigned char>(text[at + 1]))) {
    ++at;
    unsigned exponent = 0;
    while (at < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[at]))) {
      exponent = exponent * 10 + (text[at] - '0');
      if (exponent > 19) {
        return std::nullopt;
      }
      ++at;
    }
    for (unsigned i = 0; i < exponent; ++i) {
      if (__builtin_mul_overflow(value, 10, &value)) {
        return std::nullopt;
      }
    }
  }
  return std::make_pair(value, at);
}

ExpandError invalid(std::string detail,
                    std::optional<std::string> suggestion = std::nullopt) {
  return ExpandError{ExpandError::Reason::Invalid, std::move(detail),
                     std::move(suggestion)};
}

// `interval:UNIT:N`.
std::variant<uint64_t, ExpandError> period_with_unit(const std::string& unit,
                                                     const std::string& rate) {
  auto count = parse_count(rate);
  if (!count || count->second != rate.size()) {
    return invalid("rate '" + rate + "' is not a positive integer");
  }
  if (count->first == 0) {
    return invalid("rate must be greater than 0");
  }
  if (unit == "hz") {
    if (count->first > kNsPerSecond) {
      return invalid("rate " + rate + " hz is above 1000000000 hz");
    }
    return kNsPerSecond / count->first;
  }
  for (const Unit& known : kUnits) {
    if (known.name == unit) {
      uint64_t period = 0;
      if (__builtin_mul_overflow(count->first, known.ns, &period)) {
        return invalid("period " + rate + unit + " is too long");
      }
      return period;
    }
  }
  std::vector<std::string> names = {"s", "ms", "us", "hz"};
  std::optional<std::string> suggestion;
  if (auto near = closest_match(unit, names)) {
    suggestion = *near + ":" + rate;
  }
  return invalid("unknown unit '" + unit + "': expected s, ms, us or hz",
                 suggestion);
}

// `interval:N` with an optional duration suffix.
std::variant<uint64_t, ExpandError>
period_with_suffix(const std::string& text) {
  auto count = parse_count(text);
  if (!count) {
    return invalid("'" + text +
                   "' is not a period: expected UNIT:N (s, ms, us, hz) or "
                   "a duration such as 100ms");
  }
  std::string_view suffix = std::string_view(text).substr(count->second);
  uint64_t factor = suffix.empty() ? 1 : 0;
  for (const Unit& known : kSuffixes) {
    if (known.name == suffix) {
      factor = known.ns;
    }
  }
  if (factor == 0) {
    std::vector<std::string> names;
    for (const Unit& known : kSuffixes) {
      names.emplace_back(known.name);
    }
    std::optional<std::string> suggestion;
    if (auto near = closest_match(suffix, names)) {
      suggestion = text.substr(0, count->second) + *near;
    }
    return invalid("unknown duration suffix '" + std::string(suffix) +
                       "': expected ns, us, ms, s, m, h or d",
                   suggestion);
  }
  uint64_t period = 0;
  if (__builtin_mul_overflow(count->first, factor, &period)) {
    return invalid("period '" + text + "' is too long");
  }
  if (period < kMinimumPeriodNs) {
    return invalid("period '" + text +
                   "' is below the minimum of 1000 ns (1us)");
  }
  return period;
}

class IntervalProbe : public ProbeType {
public:
  ProbeKind kind() const override { return ProbeKind::Interval; }

  ExpandResult expand(const std::vector<std::string>& parts) const override {
    std::vector<std::string> rest(parts.begin() + (parts.empty() ? 0 : 1),
                                  parts.end());
    for (const std::string& part : rest) {
      if (part.find_first_of("*?") != std::string::npos) {
        return invalid("interval probes cannot use wildcards");
      }
    }
    std::variant<uint64_t, ExpandError> period = uint64_t(0);
    if (rest.size() == 2) {
      period = period_with_unit(rest[0], rest[1]);
    } else if (rest.size() == 1) {
      period = period_with_suffix(rest[0]);
    } else {
      return invalid("expected interval:UNIT:N (UNIT s, ms, us or hz) or "
                     "interval:DURATION such as interval:100ms");
    }
    if (auto* error = std::get_if<ExpandError>(&period)) {
      return std::move(*error);
    }
    std::string full = "interval";
    for (const std::string& part : rest) {
      full += ":" + part;
    }
    return std::vector<AttachTarget>{AttachTarget{ProbeKind::Interval,
                                                  std::move(full), rest,
                                                  std::get<uint64_t>(period)}};
  }

  Result<std::vector<std::string>> list() const override {
    return std::vector<std::string>{
        "interval:hz:", "interval:ms:", "interval:s:", "interval:us:"};
  }

  ProgramType program_type() const override { return ProgramType::PerfEvent; }

  std::string section_name(const AttachTarget&) const override {
    return "perf_event";
  }

  Result<std::vector<Attachment>>
  attach(bpf_program* program, const AttachTarget& target) const override {
    // One CPU only, so the probe fires once per period; the first online
    // one, since CPU 0 may be offline.
    Result<std::vector<uint32_t>> cpus = online_cpus();
    if (!cpus) {
      return cpus.takeError();
    }
    if (cpus->empty()) {
      return make_error("no CPU is online");
    }
    perf_event_attr attr{};
    attr.size = sizeof(attr);
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_CPU_CLOCK;
    attr.sample_period = target.period_ns;
    int fd = static_cast<int>(::syscall(__NR_perf_event_open, &attr,
                                        /*pid=*/-1, cpus->front(),
                                        /*group_fd=*/-1, PERF_FLAG_FD_CLOEXEC));
    if (fd < 0) {
      return make_error("perf_event_open: " + attach_error_text(errno));
    }
    bpf_link* link = bpf_program__attach_perf_event(program, fd);
    if (link == nullptr) {
      int error = errno;
      // Until the link exists the perf event is ours to close; afterwards
      // the link owns it and bpf_link__destroy closes it.
      ::close(fd);
      return make_error(attach_error_text(error));
    }
    std::vector<Attachment> attachments;
    attachments.emplace_back(link);
    return attachments;
  }
};

} // namespace

std::unique_ptr<ProbeType> make_interval_probe() {
  return std::make_unique<IntervalProbe>();
}

} // namespace sonde::probes
