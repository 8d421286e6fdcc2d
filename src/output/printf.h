// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "base/format_spec.h"
#include "output/values.h"

#include <string>
#include <vector>

namespace sonde::output {

// Formats a printf event: the conversions of `spec` applied in order to
// `args` (as many as the spec takes; sema checked the count and types).
// Integers honour the length modifier (%hhd of 300 prints 44, as C does);
// %s of an integer prints it in decimal; %s of a stack or formatted value
// prints its text, looked up through `resolver`.
std::string format_printf(const FormatSpec& spec,
                          const std::vector<RawValue>& args,
                          ValueResolver* resolver = nullptr);

} // namespace sonde::output
