// SPDX-License-Identifier: Apache-2.0
// The modes of builtin variables called as functions: nsecs(boot) and
// pid(init). Sema records a call's mode in CheckedProgram::constants (its
// index here); codegen reads it back.
#pragma once

#include <array>
#include <string_view>

namespace sonde::sema {

// nsecs(MODE): the clock read. boot (CLOCK_BOOTTIME) is bare nsecs'.
enum class ClockMode { Boot, Monotonic, Tai, SwTai };
inline constexpr std::array<std::string_view, 4> kClockModes = {
    "boot", "monotonic", "tai", "sw_tai"};

// pid(NS), tid(NS): the pid namespace the id is read in. curr_ns, sonde's
// own, is bare pid's and tid's.
enum class PidNamespace { Current, Init };
inline constexpr std::array<std::string_view, 2> kPidNamespaces = {"curr_ns",
                                                                   "init"};

} // namespace sonde::sema
