// SPDX-License-Identifier: Apache-2.0
// Kernel BTF read lazily through libbpf and converted on demand: a script
// names a handful of types out of ~150k, so nothing is converted up front.
#include "btf/kernel_types.h"

#include "base/strings.h"

#include <algorithm>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <linux/btf.h>

namespace sonde::btf {

using types::AddressSpace;
using types::Field;
using types::Type;

namespace {

constexpr const char* kSysfsBtf = "/sys/kernel/btf";
constexpr uint32_t kIdBits = 24;
constexpr uint32_t kIdMask = (1U << kIdBits) - 1;

// Follows typedefs (when asked) and qualifiers; `typedef_name` receives the
// last typedef passed, which names an anonymous record.
uint32_t skip_modifiers(const struct ::btf* btf,
                        uint32_t id,
                        bool typedefs,
                        std::string* typedef_name = nullptr) {
  while (id != 0) {
    const btf_type* type = btf__type_by_id(btf, id);
    if (type == nullptr) {
      return 0;
    }
    switch (btf_kind(type)) {
    case BTF_KIND_TYPEDEF:
      if (!typedefs) {
        return id;
      }
      if (typedef_name != nullptr) {
        *typedef_name = btf__name_by_offset(btf, type->name_off);
      }
      id = type->type;
      break;
    case BTF_KIND_CONST:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG:
      id = type->type;
      break;
    default:
      return id;
    }
  }
  return 0;
}

// Whether a pointee carries the `__user` type tag (kernels built with
// pahole's type tags): such pointers point into user memory.
bool points_to_user(const struct ::btf* btf, uint32_t id) {
  while (id != 0) {
    const btf_type* type = btf__type_by_id(btf, id);
    if (type == nullptr) {
      return false;
    }
    switch (btf_kind(type)) {
    case BTF_KIND_TYPE_TAG:
      if (std::string_view(btf__name_by_offset(btf, type->name_off)) ==
          "user") {
        return true;
      }
      [[fallthrough]];
    case BTF_KIND_CONST:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPEDEF:
      id = type->type;
      break;
    default:
      return false;
    }
  }
  return false;
}

bool is_record_kind(const btf_type* type) {
  return type != nullptr && (btf_kind(type) == BTF_KIND_STRUCT ||
                             btf_kind(type) == BTF_KIND_UNION);
}

std::string_view trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  return text.substr(begin, text.find_last_not_of(" \t\n") - begin + 1);
}

// C base types by their spellings ("unsigned long", "long unsigned int",
// "signed char", "_Bool"), sized for LP64; nullopt for anything else.
std::optional<Type> base_type(std::string_view name) {
  int longs = 0;
  int shorts = 0;
  int chars = 0;
  int ints = 0;
  int bools = 0;
  int is_signed = 0;
  int is_unsigned = 0;
  for (const std::string& word : split(name, ' ')) {
    if (word.empty()) {
      continue;
    }
    int* counter = word == "long"       ? &longs
                   : word == "short"    ? &shorts
                   : word == "char"     ? &chars
                   : word == "int"      ? &ints
                   : word == "_Bool"    ? &bools
                   : word == "bool"     ? &bools
                   : word == "signed"   ? &is_signed
                   : word == "unsigned" ? &is_unsigned
                                        : nullptr;
    if (counter == nullptr) {
      return std::nullopt;
    }
    ++*counter;
  }
  const int sized = longs + shorts + chars + ints + bools;
  if (sized + is_signed + is_unsigned == 0 || is_signed + is_unsigned > 1 ||
      shorts > 1 || chars > 1 || ints > 1 || bools > 1 || longs > 2) {
    return std::nullopt;
  }
  if (bools != 0) {
    return sized + is_signed + is_unsigned == 1
               ? std::optional(Type::integer(1, false))
               : std::nullopt;
  }
  if (chars != 0) {
    return sized == 1 ? std::optional(Type::integer(1, is_unsigned == 0))
                      : std::nullopt;
  }
  if (shorts != 0 && longs != 0) {
    return std::nullopt;
  }
  const uint32_t size = longs != 0 ? 8 : shorts != 0 ? 2 : 4;
  return Type::integer(size, is_unsigned == 0);
}

std::string btf_error_text(int error) {
  return std::strerror(error < 0 ? -error : error);
}

} // namespace

std::shared_ptr<KernelTypes> KernelTypes::shared() {
  static std::shared_ptr<KernelTypes> instance =
      std::make_shared<KernelTypes>();
  return instance;
}

KernelTypes::KernelTypes() {
  if (const char* path = std::getenv("SONDE_BTF"); path && *path) {
    path_ = path;
    from_file_ = true;
  } else {
    path_ = std::string(kSysfsBtf) + "/vmlinux";
  }
}

KernelTypes::KernelTypes(std::string path)
    : path_(std::move(path)), from_file_(true) {}

KernelTypes::~KernelTypes() {
  // Module BTFs are split on vmlinux's: free them first.
  for (auto it = sources_.rbegin(); it != sources_.rend(); ++it) {
    btf__free(it->btf);
  }
}

llvm::Error KernelTypes::load() {
  if (!tried_) {
    tried_ = true;
    errno = 0;
    struct ::btf* vmlinux = from_file_ ? btf__parse(path_.c_str(), nullptr)
                                       : btf__load_vmlinux_btf();
    const int error = libbpf_get_error(vmlinux);
    if (vmlinux == nullptr || error != 0) {
      load_error_ = "cannot load kernel BTF from '" + path_ +
                    "': " + btf_error_text(error != 0 ? error : errno);
    } else {
      sources_.push_back(Source{"", vmlinux});
      vmlinux_count_ = btf__type_cnt(vmlinux);
    }
  }
  if (!load_error_.empty()) {
    return make_error(load_error_);
  }
  return llvm::Error::success();
}

bool KernelTypes::loaded() {
  // The error goes to whoever calls load(); here a failure is just a miss.
  llvm::consumeError(load());
  return !sources_.empty();
}

std::vector<std::string> KernelTypes::modules() const {
  std::vector<std::string> names;
  if (from_file_) {
    return names;
  }
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(kSysfsBtf, error)) {
    std::string name = entry.path().filename().string();
    if (name != "vmlinux") {
      names.push_back(std::move(name));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<size_t> KernelTypes::load_module(const std::string& module) {
  if (auto it = modules_.find(module); it != modules_.end()) {
    return it->second;
  }
  std::optional<size_t> index;
  // Indexes must fit in the bits above a type id (see encode()).
  if (!from_file_ && !sources_.empty() && sources_.size() < 256 &&
      module.find('/') == std::string::npos) {
    struct ::btf* btf = btf__load_module_btf(module.c_str(), sources_[0].btf);
    if (btf != nullptr && libbpf_get_error(btf) == 0) {
      index = sources_.size();
      sources_.push_back(Source{module, btf});
    }
  }
  modules_.emplace(module, index);
  return index;
}

std::vector<size_t> KernelTypes::search_order(std::string_view module) {
  std::vector<size_t> order;
  if (!loaded()) {
    return order;
  }
  order.push_back(0);
  if (!module.empty()) {
    if (std::optional<size_t> index = load_module(std::string(module))) {
      order.push_back(*index);
    }
  }
  return order;
}

std::optional<KernelTypes::Found> KernelTypes::find(std::string_view name,
                                                    uint32_t kind,
                                                    std::string_view module) {
  const std::string key(name);
  auto find_in = [&](size_t source) -> std::optional<Found> {
    const int32_t id =
        btf__find_by_name_kind(sources_[source].btf, key.c_str(), kind);
    if (id <= 0) {
      return std::nullopt;
    }
    // A module's BTF also finds vmlinux's types; they belong to vmlinux.
    return Found{static_cast<uint32_t>(id) < vmlinux_count_ ? 0 : source,
                 static_cast<uint32_t>(id)};
  };
  for (size_t source : search_order(module)) {
    if (std::optional<Found> found = find_in(source)) {
      return found;
    }
  }
  if (!module.empty() || sources_.empty()) {
    return std::nullopt;
  }
  // A miss in vmlinux with no module named: every module, loaded lazily.
  for (const std::string& module_name : modules()) {
    if (std::optional<size_t> index = load_module(module_name)) {
      if (std::optional<Found> found = find_in(*index)) {
        return found;
      }
    }
  }
  return std::nullopt;
}

uint32_t KernelTypes::encode(size_t source, uint32_t id) const {
  if (id < vmlinux_count_ || source == 0 || id > kIdMask) {
    return id;
  }
  return static_cast<uint32_t>(source << kIdBits) | id;
}

Type KernelTypes::convert(size_t source, uint32_t id) {
  const struct ::btf* btf = sources_[source].btf;
  std::string typedef_name;
  id = skip_modifiers(btf, id, /*typedefs=*/true, &typedef_name);
  const btf_type* type = id != 0 ? btf__type_by_id(btf, id) : nullptr;
  if (type == nullptr) {
    return Type::none();
  }
  const std::string name = btf__name_by_offset(btf, type->name_off);
  switch (btf_kind(type)) {
  case BTF_KIND_INT:
    if (type->size == 1 || type->size == 2 || type->size == 4 ||
        type->size == 8) {
      return Type::integer(type->size,
                           (btf_int_encoding(type) & BTF_INT_SIGNED) != 0);
    }
    return Type::array(Type::integer(1, false), type->size);
  case BTF_KIND_FLOAT:
    return Type::array(Type::integer(1, false), type->size);
  case BTF_KIND_ENUM:
  case BTF_KIND_ENUM64:
    return convert_enum(source, id, type->size);
  case BTF_KIND_PTR: {
    const uint32_t pointee_id = skip_modifiers(btf, type->type, true);
    const btf_type* pointee =
        pointee_id != 0 ? btf__type_by_id(btf, pointee_id) : nullptr;
    if (pointee == nullptr || btf_kind(pointee) == BTF_KIND_FUNC_PROTO) {
      return Type::pointer(Type::none(), AddressSpace::Kernel);
    }
    return Type::pointer(convert(source, type->type),
                         points_to_user(btf, type->type)
                             ? AddressSpace::User
                             : AddressSpace::Kernel);
  }
  case BTF_KIND_ARRAY: {
    const struct btf_array* array = btf_array(type);
    // Only char arrays spelled as char are text; u8[6] stays bytes.
    const btf_type* element =
        btf__type_by_id(btf, skip_modifiers(btf, array->type, false));
    if (element != nullptr && btf_kind(element) == BTF_KIND_INT &&
        element->size == 1) {
      const std::string_view element_name =
          btf__name_by_offset(btf, element->name_off);
      if (element_name == "char" || element_name == "signed char" ||
          element_name == "unsigned char") {
        return Type::string(array->nelems);
      }
    }
    return Type::array(convert(source, array->type), array->nelems);
  }
  case BTF_KIND_STRUCT:
  case BTF_KIND_UNION: {
    const char* keyword =
        btf_kind(type) == BTF_KIND_UNION ? "union " : "struct ";
    std::string record_name = !name.empty() ? keyword + name
                              : !typedef_name.empty()
                                  ? typedef_name
                                  : std::string(keyword) + "(anonymous)";
    Type record = Type::incomplete_record(std::move(record_name), type->size,
                                          encode(source, id));
    return record;
  }
  case BTF_KIND_FWD: {
    // A declaration only: the definition may be elsewhere in the BTF.
    const uint32_t kind = btf_kflag(type) ? BTF_KIND_UNION : BTF_KIND_STRUCT;
    const int32_t defined = btf__find_by_name_kind(btf, name.c_str(), kind);
    if (defined > 0) {
      return convert(source, static_cast<uint32_t>(defined));
    }
    return kind == BTF_KIND_UNION ? Type::union_record("union " + name, {}, 0)
                                  : Type::record("struct " + name, {}, 0);
  }
  default:
    return Type::none();
  }
}

void KernelTypes::add_members(size_t source,
                              uint32_t id,
                              uint32_t base_bits,
                              std::vector<Field>& fields) {
  const struct ::btf* btf = sources_[source].btf;
  const btf_type* type = btf__type_by_id(btf, id);
  const btf_member* members = btf_members(type);
  for (uint16_t i = 0; i < btf_vlen(type); ++i) {
    const btf_member& member = members[i];
    const uint32_t bits = base_bits + btf_member_bit_offset(type, i);
    const uint32_t bit_size = btf_member_bitfield_size(type, i);
    const std::string name = btf__name_by_offset(btf, member.name_off);
    if (name.empty()) {
      const uint32_t inner = skip_modifiers(btf, member.type, true);
      if (is_record_kind(btf__type_by_id(btf, inner))) {
        add_members(source, inner, bits, fields);
      }
      // Otherwise an unnamed bitfield: padding.
      continue;
    }
    Field field;
    field.name = name;
    field.type = std::make_shared<const Type>(convert(source, member.type));
    place_field(field, bits, bit_size);
    fields.push_back(std::move(field));
  }
}

Type KernelTypes::convert_record(size_t source, uint32_t id, std::string name) {
  const uint32_t key = encode(source, id);
  if (auto it = complete_.find(key); it != complete_.end()) {
    return it->second;
  }
  const btf_type* type = btf__type_by_id(sources_[source].btf, id);
  std::vector<Field> fields;
  add_members(source, id, 0, fields);
  Type record =
      btf_kind(type) == BTF_KIND_UNION
          ? Type::union_record(std::move(name), std::move(fields), type->size)
          : Type::record(std::move(name), std::move(fields), type->size);
  complete_.emplace(key, record);
  return record;
}

Type KernelTypes::complete(const Type& record) {
  if (!record.is_record() || record.is_complete() || !loaded()) {
    return record;
  }
  const uint32_t encoded = record.btf_id();
  const size_t source = encoded < vmlinux_count_ ? 0 : encoded >> kIdBits;
  const uint32_t id = source == 0 ? encoded : encoded & kIdMask;
  if (source >= sources_.size() ||
      !is_record_kind(btf__type_by_id(sources_[source].btf, id))) {
    return record;
  }
  return convert_record(source, id, record.record_name());
}

Result<Type> KernelTypes::lookup(std::string_view text,
                                 std::string_view module) {
  std::string_view name = trim(text);
  size_t pointers = 0;
  while (!name.empty() && name.back() == '*') {
    ++pointers;
    name = trim(name.substr(0, name.size() - 1));
  }
  auto wrap = [&](Type type) {
    for (size_t i = 0; i < pointers; ++i) {
      type = Type::pointer(std::move(type), AddressSpace::Kernel);
    }
    return type;
  };
  if (name == "void") {
    return wrap(Type::none());
  }
  // Plain char's signedness is the kernel's (-funsigned-char since 6.2).
  if (name == "char" && loaded()) {
    if (std::optional<Found> found = find(name, BTF_KIND_INT, module)) {
      return wrap(convert(found->source, found->id));
    }
  }
  if (std::optional<Type> base = base_type(name)) {
    return wrap(*base);
  }
  if (llvm::Error error = load()) {
    return error;
  }
  std::optional<Found> found;
  for (auto [keyword, kind] : {std::pair{"struct ", BTF_KIND_STRUCT},
                               std::pair{"union ", BTF_KIND_UNION},
                               std::pair{"enum ", BTF_KIND_ENUM}}) {
    if (!name.starts_with(keyword)) {
      continue;
    }
    const std::string_view tag = trim(name.substr(std::strlen(keyword)));
    found = find(tag, kind, module);
    if (!found && kind == BTF_KIND_ENUM) {
      found = find(tag, BTF_KIND_ENUM64, module);
    }
    if (!found) {
      return make_error("no type '" + std::string(name) + "' in kernel BTF");
    }
    break;
  }
  if (!found) {
    found = find(name, BTF_KIND_TYPEDEF, module);
  }
  if (!found) {
    found = find(name, BTF_KIND_INT, module);
  }
  if (!found) {
    return make_error("no type '" + std::string(name) + "' in kernel BTF");
  }
  Type type = convert(found->source, found->id);
  if (pointers == 0) {
    type = complete(type);
  }
  return wrap(std::move(type));
}

std::vector<Field>
KernelTypes::parameters(size_t source, uint32_t proto_id, size_t skip) {
  const struct ::btf* btf = sources_[source].btf;
  const btf_type* proto = btf__type_by_id(btf, proto_id);
  std::vector<Field> fields;
  const btf_param* params = btf_params(proto);
  for (size_t i = skip; i < btf_vlen(proto); ++i) {
    if (params[i].type == 0) {
      // `...` of a variadic function.
      break;
    }
    Field field;
    field.name = btf__name_by_offset(btf, params[i].name_off);
    field.type = std::make_shared<const Type>(convert(source, params[i].type));
    field.offset = static_cast<uint32_t>((i - skip) * 8);
    fields.push_back(std::move(field));
  }
  return fields;
}

Result<FunctionSignature> KernelTypes::function(std::string_view name,
                                                std::string_view module) {
  if (llvm::Error error = load()) {
    return error;
  }
  std::optional<Found> found = find(name, BTF_KIND_FUNC, module);
  if (!found) {
    return make_error("no function '" + std::string(name) + "' in kernel BTF");
  }
  const struct ::btf* btf = sources_[found->source].btf;
  const uint32_t proto_id = btf__type_by_id(btf, found->id)->type;
  const btf_type* proto = btf__type_by_id(btf, proto_id);
  if (proto == nullptr || btf_kind(proto) != BTF_KIND_FUNC_PROTO) {
    return make_error("function '" + std::string(name) +
                      "' has no prototype in kernel BTF");
  }
  FunctionSignature signature;
  signature.arguments = parameters(found->source, proto_id, 0);
  signature.return_type = convert(found->source, proto->type);
  return signature;
}

Result<std::vector<Field>>
KernelTypes::function_arguments(std::string_view name,
                                std::string_view module) {
  Result<FunctionSignature> signature = function(name, module);
  if (!signature) {
    return signature.takeError();
  }
  return std::move(signature->arguments);
}

Result<std::vector<Field>>
KernelTypes::raw_tracepoint_arguments(std::string_view tracepoint,
                                      std::string_view module) {
  if (llvm::Error error = load()) {
    return error;
  }
  const std::string typedef_name = "btf_trace_" + std::string(tracepoint);
  std::optional<Found> found = find(typedef_name, BTF_KIND_TYPEDEF, module);
  const struct ::btf* btf = found ? sources_[found->source].btf : nullptr;
  const btf_type* proto = nullptr;
  uint32_t proto_id = 0;
  if (found) {
    const btf_type* pointer =
        btf__type_by_id(btf, btf__type_by_id(btf, found->id)->type);
    if (pointer != nullptr && btf_kind(pointer) == BTF_KIND_PTR) {
      proto_id = pointer->type;
      proto = btf__type_by_id(btf, proto_id);
    }
  }
  if (proto == nullptr || btf_kind(proto) != BTF_KIND_FUNC_PROTO ||
      btf_vlen(proto) == 0) {
    return make_error("no raw tracepoint '" + std::string(tracepoint) +
                      "' in kernel BTF");
  }
  std::vector<Field> arguments = parameters(found->source, proto_id, 1);
  // The typedef's parameters have no names; the probe stub and the BPF
  // trace function (shared by an event class) have the same ones, named.
  for (const char* prefix : {"__probestub_", "__bpf_trace_"}) {
    std::optional<Found> named =
        find(prefix + std::string(tracepoint), BTF_KIND_FUNC, module);
    if (!named) {
      continue;
    }
    const struct ::btf* named_btf = sources_[named->source].btf;
    const btf_type* named_proto =
        btf__type_by_id(named_btf, btf__type_by_id(named_btf, named->id)->type);
    if (named_proto == nullptr ||
        btf_kind(named_proto) != BTF_KIND_FUNC_PROTO ||
        btf_vlen(named_proto) != btf_vlen(proto)) {
      continue;
    }
    for (size_t i = 0; i < arguments.size(); ++i) {
      arguments[i].name = btf__name_by_offset(
          named_btf, btf_params(named_proto)[i + 1].name_off);
    }
    break;
  }
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (arguments[i].name.empty()) {
      arguments[i].name = "arg" + std::to_string(i);
    }
  }
  return arguments;
}

bool KernelTypes::has_function(std::string_view name, std::string_view module) {
  return find(name, BTF_KIND_FUNC, module).has_value();
}

std::vector<std::string>
KernelTypes::functions_matching(std::string_view glob,
                                std::string_view module) {
  std::vector<std::string> names;
  if (!loaded()) {
    return names;
  }
  size_t source = 0;
  uint32_t first = 1;
  if (!module.empty()) {
    std::optional<size_t> index = load_module(std::string(module));
    if (!index) {
      return names;
    }
    source = *index;
    first = vmlinux_count_;
  }
  const struct ::btf* btf = sources_[source].btf;
  const uint32_t count = btf__type_cnt(btf);
  for (uint32_t id = first; id < count; ++id) {
    const btf_type* type = btf__type_by_id(btf, id);
    if (btf_kind(type) != BTF_KIND_FUNC) {
      continue;
    }
    const char* name = btf__name_by_offset(btf, type->name_off);
    if (glob_match(glob, name)) {
      names.emplace_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

namespace {

// The constants of an ENUM or ENUM64 type, in declaration order.
std::vector<std::pair<int64_t, std::string>>
enum_values(const struct ::btf* btf, const btf_type* type) {
  std::vector<std::pair<int64_t, std::string>> result;
  if (btf_kind(type) == BTF_KIND_ENUM) {
    const bool is_signed = btf_kflag(type);
    const struct btf_enum* values = btf_enum(type);
    for (uint16_t i = 0; i < btf_vlen(type); ++i) {
      const int64_t value =
          is_signed
              ? static_cast<int64_t>(values[i].val)
              : static_cast<int64_t>(static_cast<uint32_t>(values[i].val));
      result.emplace_back(value, btf__name_by_offset(btf, values[i].name_off));
    }
  } else if (btf_kind(type) == BTF_KIND_ENUM64) {
    const struct btf_enum64* values = btf_enum64(type);
    for (uint16_t i = 0; i < btf_vlen(type); ++i) {
      result.emplace_back(static_cast<int64_t>(btf_enum64_value(&values[i])),
                          btf__name_by_offset(btf, values[i].name_off));
    }
  }
  return result;
}

} // namespace

Type KernelTypes::convert_enum(size_t source, uint32_t id, uint32_t size) {
  const struct ::btf* btf = sources_[source].btf;
  const btf_type* type = btf__type_by_id(btf, id);
  const bool is_signed = btf_kflag(type);
  const std::string name = btf__name_by_offset(btf, type->name_off);
  if (name.empty()) {
    // An anonymous enum only names constants (`TASK_COMM_LEN`).
    return Type::integer(size, is_signed);
  }
  const uint32_t key = encode(source, id);
  auto cached = enumerators_.find(key);
  if (cached == enumerators_.end()) {
    auto enumerators = std::make_shared<types::Enumerators>();
    enumerators->name = "enum " + name;
    enumerators->values = enum_values(btf, type);
    cached = enumerators_.emplace(key, std::move(enumerators)).first;
  }
  return Type::enumeration(size, is_signed, cached->second);
}

void KernelTypes::build_enum_index() {
  if (enum_values_) {
    return;
  }
  enum_values_.emplace();
  if (!loaded()) {
    return;
  }
  const struct ::btf* btf = sources_[0].btf;
  for (uint32_t id = 1; id < vmlinux_count_; ++id) {
    const btf_type* type = btf__type_by_id(btf, id);
    for (auto& [value, name] : enum_values(btf, type)) {
      enum_values_->emplace(std::move(name), std::pair{value, id});
    }
  }
}

std::optional<KernelTypes::EnumConstant>
KernelTypes::enum_constant(std::string_view enumerator) {
  build_enum_index();
  auto it = enum_values_->find(std::string(enumerator));
  if (it == enum_values_->end()) {
    return std::nullopt;
  }
  const auto [value, id] = it->second;
  Type type = convert_enum(0, id, 8);
  if (!type.is_enum()) {
    type = Type::s64();
  }
  return EnumConstant{value, std::move(type)};
}

std::optional<int64_t> KernelTypes::enum_value(std::string_view enumerator) {
  std::optional<EnumConstant> constant = enum_constant(enumerator);
  if (!constant) {
    return std::nullopt;
  }
  return constant->value;
}

const struct ::btf* KernelTypes::vmlinux_btf() {
  return loaded() ? sources_[0].btf : nullptr;
}

uint32_t KernelTypes::vmlinux_enum_of(std::string_view enumerator) {
  build_enum_index();
  auto it = enum_values_->find(std::string(enumerator));
  return it != enum_values_->end() ? it->second.second : 0;
}

uint32_t KernelTypes::vmlinux_c_type(std::string_view text) {
  const struct ::btf* btf = vmlinux_btf();
  if (btf == nullptr) {
    return 0;
  }
  const std::string_view name = trim(text);
  for (auto [keyword, kind] : {std::pair{"struct ", BTF_KIND_STRUCT},
                               std::pair{"union ", BTF_KIND_UNION},
                               std::pair{"enum ", BTF_KIND_ENUM}}) {
    if (!name.starts_with(keyword)) {
      continue;
    }
    const std::string tag(trim(name.substr(std::strlen(keyword))));
    int32_t id = btf__find_by_name_kind(btf, tag.c_str(), kind);
    if (id <= 0 && kind == BTF_KIND_ENUM) {
      id = btf__find_by_name_kind(btf, tag.c_str(), BTF_KIND_ENUM64);
    }
    return id > 0 ? static_cast<uint32_t>(id) : 0;
  }
  const int32_t id =
      btf__find_by_name_kind(btf, std::string(name).c_str(), BTF_KIND_TYPEDEF);
  return id > 0 ? static_cast<uint32_t>(id) : 0;
}

std::vector<std::string>
KernelTypes::type_names_matching(std::string_view glob) {
  std::vector<std::string> names;
  const struct ::btf* btf = vmlinux_btf();
  if (btf == nullptr) {
    return names;
  }
  for (uint32_t id = 1; id < vmlinux_count_; ++id) {
    const btf_type* type = btf__type_by_id(btf, id);
    const char* keyword = nullptr;
    switch (btf_kind(type)) {
    case BTF_KIND_STRUCT:
      keyword = "struct ";
      break;
    case BTF_KIND_UNION:
      keyword = "union ";
      break;
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      keyword = "enum ";
      break;
    default:
      continue;
    }
    const std::string_view tag = btf__name_by_offset(btf, type->name_off);
    if (tag.empty()) {
      continue;
    }
    std::string name = keyword + std::string(tag);
    if (glob_match(glob, name)) {
      names.push_back(std::move(name));
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::optional<std::string> closest_field(const Type& record,
                                         std::string_view name) {
  std::vector<std::string> names;
  for (const Field& field : record.fields()) {
    names.push_back(field.name);
  }
  return closest_match(name, names);
}

} // namespace sonde::btf
