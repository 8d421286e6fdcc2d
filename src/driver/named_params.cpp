// SPDX-License-Identifier: Apache-2.0
#include "driver/named_params.h"

namespace sonde::driver {

std::string named_params_help(const sema::CheckedProgram& checked) {
  if (checked.getopts.empty()) {
    return "The program has no named parameters.\n";
  }
  std::string text = "Named parameters (after '--'):\n";
  for (const auto& [name, info] : checked.getopts) {
    std::string usage = "  --" + name;
    if (info.type != "bool") {
      usage += "=" + std::string(info.type == "int" ? "INT" : "STRING");
    }
    usage += "  (" + info.type + ", default " +
             (info.type == "string" ? "\"" + info.default_text + "\""
                                    : info.default_text) +
             ")";
    if (!info.description.empty()) {
      usage += ": " + info.description;
    }
    text += usage + "\n";
  }
  return text;
}

std::optional<int> check_named_params(const sema::CheckedProgram& checked,
                                      llvm::raw_ostream& out,
                                      llvm::raw_ostream& err) {
  if (checked.named_params.count("help") != 0 &&
      checked.getopts.count("help") == 0) {
    out << named_params_help(checked);
    return 0;
  }
  for (const auto& [name, value] : checked.named_params) {
    if (checked.getopts.count(name) == 0) {
      err << "sonde: error: unknown named parameter '--" << name
          << "': the program reads ";
      if (checked.getopts.empty()) {
        err << "none";
      }
      const char* separator = "";
      for (const auto& [known, info] : checked.getopts) {
        err << separator << "--" << known;
        separator = ", ";
      }
      err << " (see -- --help)\n";
      return 1;
    }
  }
  return std::nullopt;
}

} // namespace sonde::driver
