// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "source/source_buffer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sonde::diag {

enum class Severity : uint8_t { Error, Warning, Note, Hint };

// Every diagnostic kind, generated from kinds.def.
enum class Kind : uint16_t {
#define DIAG(Name, Severity, Format) Name,
#include "diag/kinds.def"
#undef DIAG
};

Severity severity_of(Kind kind);
const char* format_of(Kind kind);
// The kind's name, e.g. "UnknownField", used by tests and JSON output.
const char* name_of(Kind kind);

// One secondary message attached to a diagnostic: a note with a location,
// or a hint (which may have no location).
struct Attachment {
  Kind kind;
  std::vector<std::string> args;
  SourceRange range;
  bool has_range = false;
};

// A located, rendered-on-demand message about the user's script.
struct Diagnostic {
  Kind kind;
  std::vector<std::string> args;
  SourceRange range;
  bool has_range = true;
  std::vector<Attachment> attachments;

  // The main message with the arguments substituted.
  std::string message() const;
};

// Substitutes {0}, {1}, ... in `format` with `args`.
std::string format_message(const char* format,
                           const std::vector<std::string>& args);

} // namespace sonde::diag
