// SPDX-License-Identifier: Apache-2.0
#include "output/formatter.h"

#include "output/json_formatter.h"
#include "output/text_formatter.h"

#include <cerrno>
#include <cstring>

namespace sonde::output {

Formatter::~Formatter() = default;

std::string helper_error_message(const HelperError& error) {
  if (error.helper == "map_update_elem" && error.retcode == -E2BIG) {
    return "Map full; can't update element. Try increasing max_map_keys "
           "config or manually setting the max entries in a map "
           "declaration e.g. `let @a = hash(5000)`";
  }
  if (error.helper == "map_delete_elem" && error.retcode == -ENOENT) {
    return "Can't delete map element because it does not exist.";
  }
  // A failed lookup reports 0, so its code says nothing.
  if (error.helper == "map_lookup_elem") {
    return "Can't lookup map element because it does not exist.";
  }
  return strerror(static_cast<int>(-error.retcode));
}

std::unique_ptr<Formatter> make_formatter(OutputFormat format,
                                          llvm::raw_ostream& out,
                                          llvm::raw_ostream& err) {
  switch (format) {
  case OutputFormat::Text:
    return std::make_unique<TextFormatter>(out, err);
  case OutputFormat::Json:
    return std::make_unique<JsonFormatter>(out);
  }
  return nullptr;
}

} // namespace sonde::output
