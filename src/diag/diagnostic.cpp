// SPDX-License-Identifier: Apache-2.0
#include "diag/diagnostic.h"

namespace sonde::diag {

namespace {
struct KindInfo {
  Severity severity;
  const char* format;
  const char* name;
};

constexpr KindInfo kKinds[] = {
#define DIAG(Name, Sev, Format) {Severity::Sev, Format, #Name},
#include "diag/kinds.def"
#undef DIAG
};
} // namespace

Severity severity_of(Kind kind) {
  return kKinds[static_cast<size_t>(kind)].severity;
}
const char* format_of(Kind kind) {
  return kKinds[static_cast<size_t>(kind)].format;
}
const char* name_of(Kind kind) {
  return kKinds[static_cast<size_t>(kind)].name;
}

std::string format_message(const char* format,
                           const std::vector<std::string>& args) {
  std::string out;
  for (const char* p = format; *p != '\0'; ++p) {
    if (p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}') {
      size_t index = p[1] - '0';
      if (index < args.size()) {
        out += args[index];
      }
      p += 2;
      continue;
    }
    out += *p;
  }
  return out;
}

std::string Diagnostic::message() const {
  return format_message(format_of(kind), args);
}

} // namespace sonde::diag
