// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "probes/probe_type.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

// The period syntax shared by timer probes (`interval`, `profile`):
// `UNIT:N` with UNIT s, ms, us or hz, or `N[SUFFIX]` in nanoseconds with
// an optional ns, us, ms, s, m, h or d suffix.
namespace sonde::probes {

struct TimerPeriod {
  uint64_t period_ns = 0;
  // Set for `hz:N`: profilers sample at a frequency rather than a period.
  uint64_t frequency_hz = 0;
};

// Parses the parts after the provider (`{"hz", "99"}` or `{"10ms"}`);
// `provider` names the probe type in messages.
std::variant<TimerPeriod, ExpandError>
parse_timer_period(const std::string& provider,
                   const std::vector<std::string>& parts);

// An Invalid expansion error.
ExpandError invalid_attach_point(std::string detail,
                                 std::optional<std::string> suggestion = {});

// Parses a count as bpftrace does: decimal digits with optional '_'
// separators and an optional exponent ("1_000", "1e6"). Returns the value
// and how many characters it used; nullopt when there is no number or it
// overflows 64 bits.
std::optional<std::pair<uint64_t, size_t>> parse_count(std::string_view text);

} // namespace sonde::probes
