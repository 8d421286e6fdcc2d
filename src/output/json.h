// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/values.h"

#include <string>
#include <string_view>

// The JSON pieces that `-f json` output is built from. Spacing follows
// bpftrace: `": "` and `", "` inside objects, nothing between array
// elements.
namespace sonde::output {

// `text` as a quoted JSON string. `"`, `\`, newline, carriage return and tab
// get their short escapes; other bytes below 0x20 become `\u00XX`. Bytes of
// 0x80 and above are escaped the way bpftrace escapes them on x86-64, where
// `char` is signed: as `\uffffff` followed by two hex digits (é, C3 A9,
// becomes `\uffffffc3\uffffffa9`). bpftrace 0.17 and upstream agree on this;
// we keep it so output matches byte for byte.
std::string json_string(std::string_view text);

// `value` as a JSON number, or as a quoted decimal string when a double
// cannot hold it exactly (above 2^53 and not a multiple of the spacing of
// doubles there), as bpftrace does to spare readers silent rounding.
std::string json_integer(Integer value);
// An integer of `type`: an enum's value that has a name is that name, as a
// JSON string.
std::string json_integer(const types::Type& type, Integer value);

// A value in JSON: integers as numbers (see json_integer), strings quoted,
// pointers as numbers, records as objects (`{"a": 1, "b": "x"}`), stacks
// and formatted values as the string text output prints (values.h).
std::string format_value_json(const RawValue& value,
                              ValueResolver* resolver = nullptr);

} // namespace sonde::output
