// SPDX-License-Identifier: Apache-2.0
#include "probes/cpus.h"

#include "base/strings.h"

#include <algorithm>
#include <charconv>

namespace sonde::probes {

namespace {

std::optional<uint32_t> parse_cpu(std::string_view text) {
  uint32_t value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

} // namespace

Result<std::vector<uint32_t>> parse_cpu_list(std::string_view text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  std::vector<uint32_t> cpus;
  if (text.empty()) {
    return make_error("empty CPU list");
  }
  for (const std::string& range : split(text, ',')) {
    size_t dash = range.find('-');
    std::optional<uint32_t> first =
        parse_cpu(std::string_view(range).substr(0, dash));
    std::optional<uint32_t> last =
        dash == std::string::npos
            ? first
            : parse_cpu(std::string_view(range).substr(dash + 1));
    // A bound keeps a corrupt file from making a huge vector.
    if (!first || !last || *first > *last || *last >= (1u << 16)) {
      return make_error("malformed CPU list '" + std::string(text) + "'");
    }
    for (uint32_t cpu = *first; cpu <= *last; ++cpu) {
      cpus.push_back(cpu);
    }
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

Result<std::vector<uint32_t>> online_cpus(const std::string& path) {
  std::optional<std::string> text = read_file(path);
  if (!text) {
    return make_error("cannot read the online CPU list from " + path);
  }
  return parse_cpu_list(*text);
}

} // namespace sonde::probes
