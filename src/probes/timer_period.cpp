// SPDX-License-Identifier: Apache-2.0
#include "probes/timer_period.h"

#include "base/strings.h"

#include <cctype>

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
} // namespace

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

ExpandError invalid_attach_point(std::string detail,
                                 std::optional<std::string> suggestion) {
  return ExpandError{ExpandError::Reason::Invalid, std::move(detail),
                     std::move(suggestion)};
}

namespace {

// `UNIT:N`.
std::variant<uint64_t, ExpandError> period_with_unit(const std::string& unit,
                                                     const std::string& rate) {
  auto count = parse_count(rate);
  if (!count || count->second != rate.size()) {
    return invalid_attach_point("rate '" + rate +
                                "' is not a positive integer");
  }
  if (count->first == 0) {
    return invalid_attach_point("rate must be greater than 0");
  }
  if (unit == "hz") {
    if (count->first > kNsPerSecond) {
      return invalid_attach_point("rate " + rate +
                                  " hz is above 1000000000 hz");
    }
    return kNsPerSecond / count->first;
  }
  for (const Unit& known : kUnits) {
    if (known.name == unit) {
      uint64_t period = 0;
      if (__builtin_mul_overflow(count->first, known.ns, &period)) {
        return invalid_attach_point("period " + rate + unit + " is too long");
      }
      return period;
    }
  }
  std::vector<std::string> names = {"s", "ms", "us", "hz"};
  std::optional<std::string> suggestion;
  if (auto near = closest_match(unit, names)) {
    suggestion = *near + ":" + rate;
  }
  return invalid_attach_point(
      "unknown unit '" + unit + "': expected s, ms, us or hz", suggestion);
}

// `N` with an optional duration suffix.
std::variant<uint64_t, ExpandError>
period_with_suffix(const std::string& text) {
  auto count = parse_count(text);
  if (!count) {
    return invalid_attach_point(
        "'" + text +
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
    return invalid_attach_point("unknown duration suffix '" +
                                    std::string(suffix) +
                                    "': expected ns, us, ms, s, m, h or d",
                                suggestion);
  }
  uint64_t period = 0;
  if (__builtin_mul_overflow(count->first, factor, &period)) {
    return invalid_attach_point("period '" + text + "' is too long");
  }
  if (period < kMinimumPeriodNs) {
    return invalid_attach_point("period '" + text +
                                "' is below the minimum of 1000 ns (1us)");
  }
  return period;
}

} // namespace

std::variant<TimerPeriod, ExpandError>
parse_timer_period(const std::string& provider,
                   const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    if (part.find_first_of("*?") != std::string::npos) {
      return invalid_attach_point(provider + " probes cannot use wildcards");
    }
  }
  std::variant<uint64_t, ExpandError> period = uint64_t(0);
  if (parts.size() == 2) {
    period = period_with_unit(parts[0], parts[1]);
  } else if (parts.size() == 1) {
    period = period_with_suffix(parts[0]);
  } else {
    return invalid_attach_point(
        "expected " + provider + ":UNIT:N (UNIT s, ms, us or hz) or " +
        provider + ":DURATION such as " + provider + ":100ms");
  }
  if (auto* error = std::get_if<ExpandError>(&period)) {
    return std::move(*error);
  }
  TimerPeriod result{std::get<uint64_t>(period), 0};
  if (parts.size() == 2 && parts[0] == "hz") {
    // period_with_unit accepted the count, so it parses.
    result.frequency_hz = parse_count(parts[1])->first;
  }
  return result;
}

} // namespace sonde::probes
