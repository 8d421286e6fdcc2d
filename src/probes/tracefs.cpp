// SPDX-License-Identifier: Apache-2.0
#include "probes/tracefs.h"

#include "base/strings.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <variant>

namespace sonde::probes {

namespace {

constexpr const char* kTracefsPath = "/sys/kernel/tracing";
constexpr const char* kDebugfsTracingPath = "/sys/kernel/debug/tracing";
// How many bytes of a `__data_loc char[]` string a script reads, as
// bpftrace's default string size.
constexpr uint32_t kDataLocStringSize = 64;

std::string_view trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\n\r");
  if (begin == std::string_view::npos) {
    return {};
  }
  size_t end = text.find_last_not_of(" \t\n\r");
  return text.substr(begin, end - begin + 1);
}

template <typename T> std::optional<T> parse_number(std::string_view text) {
  text = trim(text);
  T value{};
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() ||
      text.empty()) {
    return std::nullopt;
  }
  return value;
}

// Reads a whole file with the errno text on failure; tracefs files report a
// size of 0, so this reads until EOF.
Result<std::string> read_text(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return make_error("cannot read " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[16384];
  while (true) {
    ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      int error = errno;
      ::close(fd);
      return make_error("cannot read " + path + ": " + std::strerror(error));
    }
    if (got == 0) {
      break;
    }
    text.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  return text;
}

// The names of the subdirectories of `path`, sorted; empty if it cannot be
// listed.
std::vector<std::string> subdirectories(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    return names;
  }
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    bool is_dir = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat info;
      std::string full = path + "/" + entry->d_name;
      is_dir = ::stat(full.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
    }
    if (is_dir) {
      names.emplace_back(name);
    }
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

// A declaration from a format file, taken apart.
struct Declaration {
  std::string name;
  // The C type without qualifiers, pointer stars or array suffix:
  // "unsigned long", "char", "struct sockaddr".
  std::string base;
  unsigned stars = 0;
  bool is_array = false;
  // The text between the brackets: "16", "sizeof(struct in6_addr)" or "".
  std::string array_length;
  bool data_loc = false;
  bool rel_loc = false;
};

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool is_qualifier(std::string_view word) {
  static constexpr std::string_view kQualifiers[] = {
      "const",   "volatile", "restrict", "__restrict", "__user",   "__kernel",
      "__iomem", "__percpu", "__rcu",    "__force",    "__seg_gs", "__seg_fs"};
  return std::find(std::begin(kQualifiers), std::end(kQualifiers), word) !=
         std::end(kQualifiers);
}

std::optional<Declaration> parse_declaration(std::string_view text) {
  Declaration decl;
  text = trim(text);
  if (text.starts_with("__data_loc ")) {
    decl.data_loc = true;
    text = trim(text.substr(11));
  } else if (text.starts_with("__rel_loc ")) {
    decl.rel_loc = true;
    text = trim(text.substr(10));
  }
  // An array suffix after the name, as in "char prev_comm[16]"; the length
  // may itself contain brackets or parentheses ("sizeof(...)").
  if (text.ends_with(']')) {
    int depth = 0;
    size_t open = std::string_view::npos;
    for (size_t i = text.size(); i-- > 0;) {
      if (text[i] == ']') {
        ++depth;
      } else if (text[i] == '[' && --depth == 0) {
        open = i;
        break;
      }
    }
    if (open == std::string_view::npos) {
      return std::nullopt;
    }
    decl.is_array = true;
    decl.array_length =
        std::string(trim(text.substr(open + 1, text.size() - open - 2)));
    text = trim(text.substr(0, open));
  }
  size_t start = text.size();
  while (start > 0 && is_identifier_char(text[start - 1])) {
    --start;
  }
  decl.name = std::string(text.substr(start));
  std::string_view type = trim(text.substr(0, start));
  if (decl.name.empty() || type.empty()) {
    return std::nullopt;
  }
  // `__data_loc char[] name`: the brackets belong to the type.
  if (type.ends_with("[]")) {
    decl.is_array = true;
    type = trim(type.substr(0, type.size() - 2));
  }
  // Words of the type, with each '*' as its own word; qualifiers anywhere
  // are dropped and only the words before the first '*' name the base.
  std::string word;
  bool seen_star = false;
  auto flush = [&] {
    if (!word.empty() && !is_qualifier(word) && !seen_star) {
      decl.base += decl.base.empty() ? word : " " + word;
    }
    word.clear();
  };
  for (char c : type) {
    if (c == '*') {
      flush();
      seen_star = true;
      ++decl.stars;
    } else if (c == ' ' || c == '\t') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  if (decl.base.empty()) {
    return std::nullopt;
  }
  return decl;
}

// What sonde knows about a C base type by its name.
struct CType {
  uint32_t size = 0; // 0: unknown (a struct, void or an unknown typedef).
  bool is_signed = false;
  bool is_char = false;
};

CType classify(std::string_view base) {
  struct Known {
    std::string_view name;
    uint32_t size;
    bool is_signed;
  };
  // Signed spellings here win over a format's `signed:0` column (see
  // EventFormat::args); typedefs whose signedness varies are left out.
  static constexpr Known kKnown[] = {
      {"signed char", 1, true},
      {"unsigned char", 1, false},
      {"bool", 1, false},
      {"_Bool", 1, false},
      {"short", 2, true},
      {"short int", 2, true},
      {"signed short", 2, true},
      {"unsigned short", 2, false},
      {"unsigned short int", 2, false},
      {"int", 4, true},
      {"signed", 4, true},
      {"signed int", 4, true},
      {"unsigned", 4, false},
      {"unsigned int", 4, false},
      {"long", 8, true},
      {"long int", 8, true},
      {"signed long", 8, true},
      {"unsigned long", 8, false},
      {"unsigned long int", 8, false},
      {"long long", 8, true},
      {"long long int", 8, true},
      {"unsigned long long", 8, false},
      {"s8", 1, true},
      {"u8", 1, false},
      {"__s8", 1, true},
      {"__u8", 1, false},
      {"int8_t", 1, true},
      {"uint8_t", 1, false},
      {"s16", 2, true},
      {"u16", 2, false},
      {"__s16", 2, true},
      {"__u16", 2, false},
      {"int16_t", 2, true},
      {"uint16_t", 2, false},
      {"s32", 4, true},
      {"u32", 4, false},
      {"__s32", 4, true},
      {"__u32", 4, false},
      {"int32_t", 4, true},
      {"uint32_t", 4, false},
      {"s64", 8, true},
      {"u64", 8, false},
      {"__s64", 8, true},
      {"__u64", 8, false},
      {"int64_t", 8, true},
      {"uint64_t", 8, false},
      {"size_t", 8, false},
      {"ssize_t", 8, true},
      {"loff_t", 8, true},
  };
  if (base == "char") {
    // Plain char is signed on x86; a char array or pointer is a string.
    return {1, true, true};
  }
  for (const Known& known : kKnown) {
    if (known.name == base) {
      return {known.size, known.is_signed, false};
    }
  }
  return {};
}

bool valid_integer_size(uint32_t size) {
  return size == 1 || size == 2 || size == 4 || size == 8;
}

// The type of one field, or why `args` cannot hold it yet.
std::variant<types::Field, std::string>
field_of(const Declaration& decl, const FormatField& raw, bool user_pointers) {
  types::Field field;
  field.name = decl.name;
  field.offset = raw.offset;
  CType base = classify(decl.base);
  bool is_signed = raw.is_signed || base.is_signed;

  if (decl.rel_loc) {
    return std::string("__rel_loc fields are not supported yet");
  }
  if (decl.data_loc) {
    if (decl.stars != 0 || !base.is_char) {
      return "__data_loc " + decl.base + "[] is not supported yet";
    }
    field.type = std::make_shared<const types::Type>(
        types::Type::string(kDataLocStringSize));
    field.data_loc = true;
    return field;
  }
  if (decl.stars != 0 && !decl.is_array) {
    auto space =
        user_pointers ? types::AddressSpace::User : types::AddressSpace::Kernel;
    types::Type type;
    if (base.is_char) {
      type = types::Type::integer(1, true);
    } else if (base.size != 0) {
      type = types::Type::integer(base.size, base.is_signed);
    } else if (decl.base.starts_with("struct ") ||
               decl.base.starts_with("union ")) {
      // `struct __kernel_timespec *rqtp`: sema completes the record by
      // name from BTF when the script looks inside (COMPAT 40).
      type = types::Type::incomplete_record(decl.base, 0, types::kRecordByName);
    }
    // `const char *const * argv`: nested pointers are in the same space.
    for (unsigned i = 0; i < decl.stars; ++i) {
      type = types::Type::pointer(std::move(type), space);
    }
    field.type = std::make_shared<const types::Type>(std::move(type));
    return field;
  }
  if (decl.is_array) {
    if (decl.stars != 0) {
      return std::string("arrays of pointers are not supported yet");
    }
    if (decl.array_length.empty() || raw.size == 0) {
      return std::string("flexible array members are not supported");
    }
    if (base.is_char) {
      field.type =
          std::make_shared<const types::Type>(types::Type::string(raw.size));
      return field;
    }
    // The type model has no arrays yet: a script reads element 0.
    // TODO(#4): give args fields an array type and allow indexing.
    uint32_t element = base.size;
    if (auto count = parse_number<uint32_t>(decl.array_length);
        count && *count != 0 && raw.size % *count == 0) {
      element = raw.size / *count;
    }
    if (!valid_integer_size(element)) {
      return "array of " + decl.base + " is not supported yet";
    }
    field.type = std::make_shared<const types::Type>(
        types::Type::integer(element, is_signed));
    return field;
  }
  if (!valid_integer_size(raw.size)) {
    return std::to_string(raw.size) + "-byte " + decl.base +
           " values are not supported yet";
  }
  // Syscall records widen every argument to 8 bytes; the C type says how
  // many of them hold the value (`int dfd` is the low 4, so AT_FDCWD reads
  // as -100). x86 is little-endian: those bytes come first.
  uint32_t size = raw.size;
  if (base.size != 0 && base.size < raw.size) {
    size = base.size;
  }
  field.type = std::make_shared<const types::Type>(
      types::Type::integer(size, is_signed));
  return field;
}

// Finds or mounts the system tracefs.
Result<std::string> locate_tracefs() {
  for (const char* root : {kTracefsPath, kDebugfsTracingPath}) {
    if (::access((std::string(root) + "/events").c_str(), F_OK) == 0) {
      return std::string(root);
    }
  }
  if (::mount("nodev", kTracefsPath, "tracefs", 0, nullptr) != 0) {
    return make_error(std::string("it is not mounted on ") + kTracefsPath +
                      " or " + kDebugfsTracingPath + ", and mounting it on " +
                      kTracefsPath + " failed: " + std::strerror(errno));
  }
  if (::access((std::string(kTracefsPath) + "/events").c_str(), F_OK) != 0) {
    return make_error(std::string("tracefs mounted on ") + kTracefsPath +
                      " has no events directory");
  }
  return std::string(kTracefsPath);
}

} // namespace

bool valid_tracefs_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

Tracefs::Tracefs(std::string root) : root_(std::move(root)) {}

Result<Tracefs*> Tracefs::system() {
  // Located once per process; a failure is remembered so that every
  // tracepoint reports the same reason without retrying the mount.
  static const std::variant<std::unique_ptr<Tracefs>, std::string> located =
      []() -> std::variant<std::unique_ptr<Tracefs>, std::string> {
    Result<std::string> root = locate_tracefs();
    if (!root) {
      return error_text(root.takeError());
    }
    return std::make_unique<Tracefs>(std::move(*root));
  }();
  if (const std::string* error = std::get_if<std::string>(&located)) {
    return make_error(*error);
  }
  return std::get<std::unique_ptr<Tracefs>>(located).get();
}

std::string Tracefs::event_dir(std::string_view category,
                               std::string_view event) const {
  std::string path = root_;
  path += "/events/";
  path += category;
  path += '/';
  path += event;
  return path;
}

bool Tracefs::has_event(std::string_view category,
                        std::string_view event) const {
  if (!valid_tracefs_name(category) || !valid_tracefs_name(event)) {
    return false;
  }
  return ::access((event_dir(category, event) + "/format").c_str(), F_OK) == 0;
}

bool Tracefs::has_category(std::string_view category) const {
  if (!valid_tracefs_name(category)) {
    return false;
  }
  struct stat info;
  std::string path = root_ + "/events/" + std::string(category);
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

const std::vector<std::string>& Tracefs::events() const {
  if (events_) {
    return *events_;
  }
  events_.emplace();
  Result<std::string> text = read_text(root_ + "/available_events");
  if (text) {
    for (const std::string& line : split(*text, '\n')) {
      std::string_view name = trim(line);
      if (!name.empty() && name.find(':') != std::string_view::npos) {
        events_->emplace_back(name);
      }
    }
  } else {
    // available_events can be missing or unreadable (an old kernel, a
    // restricted mount): the directory tree says the same, more slowly.
    llvm::consumeError(text.takeError());
    for (const std::string& category : categories()) {
      // ftrace's own events are not tracepoints and cannot be attached
      // to; available_events leaves them out too.
      if (category == "ftrace") {
        continue;
      }
      for (const std::string& event : category_events(category)) {
        events_->push_back(category + ":" + event);
      }
    }
  }
  std::sort(events_->begin(), events_->end());
  events_->erase(std::unique(events_->begin(), events_->end()), events_->end());
  return *events_;
}

std::vector<std::string> Tracefs::categories() const {
  return subdirectories(root_ + "/events");
}

std::vector<std::string>
Tracefs::category_events(std::string_view category) const {
  if (!valid_tracefs_name(category)) {
    return {};
  }
  return subdirectories(root_ + "/events/" + std::string(category));
}

Result<const EventFormat*> Tracefs::event_format(std::string_view category,
                                                 std::string_view event) const {
  if (!valid_tracefs_name(category) || !valid_tracefs_name(event)) {
    return make_error("invalid tracepoint name '" + std::string(category) +
                      ":" + std::string(event) + "'");
  }
  std::string key = std::string(category) + ":" + std::string(event);
  if (auto found = formats_.find(key); found != formats_.end()) {
    return found->second.get();
  }
  Result<std::string> text = read_text(event_dir(category, event) + "/format");
  if (!text) {
    return text.takeError();
  }
  Result<EventFormat> parsed = parse_format(*text, category, event);
  if (!parsed) {
    return parsed.takeError();
  }
  auto stored = std::make_unique<EventFormat>(std::move(*parsed));
  const EventFormat* result = stored.get();
  formats_.emplace(std::move(key), std::move(stored));
  return result;
}

Result<types::Type> Tracefs::format(std::string_view category,
                                    std::string_view event) const {
  Result<const EventFormat*> parsed = event_format(category, event);
  if (!parsed) {
    return parsed.takeError();
  }
  return (*parsed)->args;
}

Result<uint32_t> Tracefs::id(std::string_view category,
                             std::string_view event) const {
  if (!valid_tracefs_name(category) || !valid_tracefs_name(event)) {
    return make_error("invalid tracepoint name '" + std::string(category) +
                      ":" + std::string(event) + "'");
  }
  std::string path = event_dir(category, event) + "/id";
  Result<std::string> text = read_text(path);
  if (!text) {
    return text.takeError();
  }
  std::optional<uint32_t> id = parse_number<uint32_t>(*text);
  if (!id) {
    return make_error("malformed tracepoint id in " + path);
  }
  return *id;
}

Result<EventFormat> Tracefs::parse_format(std::string_view text,
                                          std::string_view category,
                                          std::string_view event) {
  std::string full_name = std::string(category) + ":" + std::string(event);
  EventFormat format;
  std::vector<types::Field> fields;
  uint32_t record_size = 0;
  bool user_pointers = category == "syscalls";
  for (const std::string& line_text : split(text, '\n')) {
    std::string_view line = trim(line_text);
    if (!line.starts_with("field:")) {
      continue;
    }
    // field:<declaration>;\toffset:N;\tsize:N;\tsigned:N;
    std::vector<std::string> columns = split(line, ';');
    FormatField raw;
    raw.declaration = std::string(trim(std::string_view(columns[0]).substr(6)));
    bool has_offset = false;
    bool has_size = false;
    for (size_t i = 1; i < columns.size(); ++i) {
      std::string_view column = trim(columns[i]);
      size_t colon = column.find(':');
      if (colon == std::string_view::npos) {
        continue;
      }
      std::string_view key = column.substr(0, colon);
      std::optional<uint32_t> value =
          parse_number<uint32_t>(column.substr(colon + 1));
      if (key == "offset" && value) {
        raw.offset = *value;
        has_offset = true;
      } else if (key == "size" && value) {
        raw.size = *value;
        has_size = true;
      } else if (key == "signed" && value) {
        raw.is_signed = *value != 0;
      }
    }
    std::optional<Declaration> decl = parse_declaration(raw.declaration);
    if (!has_offset || !has_size || !decl) {
      return make_error("malformed field in the format of tracepoint " +
                        full_name + ": '" + std::string(line) + "'");
    }
    raw.name = decl->name;
    record_size = std::max(record_size, raw.offset + raw.size);
    // The common_* header (type, flags, preempt count, pid) is not visible
    // to scripts, as in bpftrace: pid and friends are builtins.
    if (raw.name.starts_with("common_")) {
      continue;
    }
    auto field = field_of(*decl, raw, user_pointers);
    if (auto* reason = std::get_if<std::string>(&field)) {
      format.unsupported.push_back(raw.name + ": " + *reason);
    } else {
      fields.push_back(std::move(std::get<types::Field>(field)));
    }
    format.fields.push_back(std::move(raw));
  }
  if (format.fields.empty() && record_size == 0) {
    return make_error("the format of tracepoint " + full_name +
                      " has no fields");
  }
  format.args = types::Type::record("tracepoint:" + full_name + " args",
                                    std::move(fields), record_size);
  return format;
}

} // namespace sonde::probes
