// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sonde {

// Reads a whole file; nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);

// Splits on every occurrence of `sep`, keeping empty pieces.
std::vector<std::string> split(std::string_view text, char sep);

// Edit distance counting insertions, deletions, substitutions and
// transpositions, for "did you mean" hints.
unsigned edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if one is close enough to be a likely
// typo (distance at most a third of the word's length, and at least 1).
std::optional<std::string>
closest_match(std::string_view word,
              const std::vector<std::string>& candidates);

// Writes `text` with C escapes (\n, \t, \", \\, \xNN) so it reads as it
// would in source; used to quote string literals in dumps and messages.
std::string c_escape(std::string_view text);

// `text` with every character that cannot appear in a C identifier
// replaced by '_' (names of BPF maps and functions).
std::string c_identifier(std::string_view text);

// Shell-style glob with '*' and '?' only, as probe wildcards use.
bool glob_match(std::string_view pattern, std::string_view text);
// Whether `text` has a '*' or '?' that glob_match() would expand.
bool has_wildcard(std::string_view text);

} // namespace sonde
