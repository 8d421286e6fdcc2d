// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Which CPUs are online, for perf events opened per CPU (interval on one,
// profile on all).
namespace sonde::probes {

// Parses a kernel CPU list such as "0-3,5,7-8" (the format of
// /sys/devices/system/cpu/online) into ascending CPU numbers. Fails on
// anything else, naming the offending text.
Result<std::vector<uint32_t>> parse_cpu_list(std::string_view text);

// The online CPUs of this machine, from `path` (the sysfs file by default).
Result<std::vector<uint32_t>>
online_cpus(const std::string& path = "/sys/devices/system/cpu/online");

} // namespace sonde::probes
