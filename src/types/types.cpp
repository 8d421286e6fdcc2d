// SPDX-License-Identifier: Apache-2.0
#include "types/types.h"

#include <algorithm>

namespace sonde::types {

void place_field(Field& field, uint64_t bits, uint32_t bit_size) {
  field.offset = static_cast<uint32_t>(bits / 8);
  field.bit_offset = 0;
  field.bit_size = bit_size;
  if (bit_size == 0) {
    return;
  }
  const uint64_t unit = std::max<uint32_t>(1, field.type->size());
  const uint64_t unit_offset = bits / (unit * 8) * unit;
  if (bits - unit_offset * 8 + bit_size <= unit * 8) {
    field.offset = static_cast<uint32_t>(unit_offset);
    field.bit_offset = static_cast<uint32_t>(bits - unit_offset * 8);
  } else {
    field.bit_offset = static_cast<uint32_t>(bits % 8);
  }
}

Type Type::integer(uint32_t size, bool is_signed) {
  Type type;
  type.kind_ = TypeKind::Integer;
  type.size_ = size;
  type.is_signed_ = is_signed;
  return type;
}

const std::string* Enumerators::find(int64_t value) const {
  for (const auto& [number, name] : values) {
    if (number == value) {
      return &name;
    }
  }
  return nullptr;
}

Type Type::enumeration(uint32_t size,
                       bool is_signed,
                       std::shared_ptr<const Enumerators> enumerators) {
  Type type = integer(size, is_signed);
  type.enumerators_ = std::move(enumerators);
  return type;
}

Type Type::boolean() {
  Type type;
  type.kind_ = TypeKind::Bool;
  type.size_ = 1;
  return type;
}

Type Type::string(uint32_t size) {
  Type type;
  type.kind_ = TypeKind::String;
  type.size_ = size;
  return type;
}

Type Type::pointer(Type pointee, AddressSpace space) {
  Type type;
  type.kind_ = TypeKind::Pointer;
  type.size_ = 8;
  type.space_ = space;
  type.pointee_ = std::make_shared<const Type>(std::move(pointee));
  return type;
}

Type Type::record(std::string name, std::vector<Field> fields, uint32_t size) {
  Type type;
  type.kind_ = TypeKind::Record;
  type.size_ = size;
  type.name_ = std::move(name);
  type.fields_ = std::move(fields);
  return type;
}

Type Type::union_record(std::string name,
                        std::vector<Field> fields,
                        uint32_t size) {
  Type type = record(std::move(name), std::move(fields), size);
  type.is_union_ = true;
  return type;
}

Type Type::incomplete_record(std::string name, uint32_t size, uint32_t btf_id) {
  Type type = record(std::move(name), {}, size);
  type.is_union_ = type.name_.starts_with("union ");
  type.btf_id_ = btf_id;
  return type;
}

Type Type::array(Type element, uint32_t count) {
  Type type;
  type.kind_ = TypeKind::Array;
  type.size_ = element.size() * count;
  type.count_ = count;
  type.pointee_ = std::make_shared<const Type>(std::move(element));
  return type;
}

Type Type::tuple(std::vector<Type> elements) {
  std::vector<std::string> names;
  for (size_t i = 0; i < elements.size(); ++i) {
    names.push_back(std::to_string(i));
  }
  Type type = named_tuple(std::move(names), std::move(elements));
  type.named_ = false;
  std::string name = "(";
  for (size_t i = 0; i < type.fields_.size(); ++i) {
    name += (i ? ", " : "") + type.fields_[i].type->name();
  }
  type.name_ = name + ")";
  return type;
}

Type Type::named_tuple(std::vector<std::string> names,
                       std::vector<Type> elements) {
  Type type;
  type.kind_ = TypeKind::Tuple;
  type.named_ = true;
  uint32_t offset = 0;
  uint32_t alignment = 1;
  // Named like the literal that makes it: "(a=int64, b=string[2])".
  std::string name = "(";
  for (size_t i = 0; i < elements.size(); ++i) {
    const uint32_t align = elements[i].alignment();
    alignment = std::max(alignment, align);
    offset = (offset + align - 1) / align * align;
    name += (i ? ", " : "") + names[i] + "=" + elements[i].name();
    Field field;
    field.name = std::move(names[i]);
    field.offset = offset;
    offset += elements[i].size();
    field.type = std::make_shared<const Type>(std::move(elements[i]));
    type.fields_.push_back(std::move(field));
  }
  type.size_ = (offset + alignment - 1) / alignment * alignment;
  type.name_ = name + ")";
  return type;
}

Type Type::buffer(uint32_t capacity) {
  Type type;
  type.kind_ = TypeKind::Buffer;
  type.count_ = capacity;
  type.size_ = 4 + capacity;
  return type;
}

Type Type::stack(bool user, uint32_t depth, StackMode mode) {
  Type type;
  type.kind_ = TypeKind::Stack;
  type.is_signed_ = user;
  type.count_ = depth;
  type.stack_mode_ = mode;
  type.size_ = user ? 16 : 8;
  return type;
}

Type Type::formatted(Presentation presentation, uint32_t size) {
  Type type;
  type.kind_ = TypeKind::Formatted;
  type.presentation_ = presentation;
  type.size_ = size;
  return type;
}

Type Type::count() {
  Type type;
  type.kind_ = TypeKind::Count;
  type.size_ = 8;
  return type;
}

Type Type::sum(bool is_signed) {
  Type type;
  type.kind_ = TypeKind::Sum;
  type.size_ = 8;
  type.is_signed_ = is_signed;
  return type;
}

const Type& Type::pointee() const {
  static const Type kNone;
  return pointee_ ? *pointee_ : kNone;
}

const Field* Type::field(const std::string& name) const {
  for (const Field& field : fields_) {
    if (field.name == name) {
      return &field;
    }
  }
  return nullptr;
}

bool Type::operator==(const Type& other) const {
  if (kind_ != other.kind_ || size_ != other.size_ ||
      is_signed_ != other.is_signed_) {
    return false;
  }
  switch (kind_) {
  case TypeKind::Pointer:
  case TypeKind::Array:
    return pointee() == other.pointee();
  case TypeKind::Record:
    return name_ == other.name_;
  case TypeKind::Tuple:
    if (fields_.size() != other.fields_.size() || named_ != other.named_) {
      return false;
    }
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (!(*fields_[i].type == *other.fields_[i].type) ||
          fields_[i].name != other.fields_[i].name) {
        return false;
      }
    }
    return true;
  case TypeKind::Stack:
    return count_ == other.count_ && stack_mode_ == other.stack_mode_;
  case TypeKind::Formatted:
    return presentation_ == other.presentation_;
  default:
    return true;
  }
}

bool Type::in_memory() const {
  switch (kind_) {
  case TypeKind::String:
  case TypeKind::Record:
  case TypeKind::Array:
  case TypeKind::Tuple:
  case TypeKind::Buffer:
    return true;
  case TypeKind::Stack:
  case TypeKind::Formatted:
    return size_ > 8;
  case TypeKind::None:
  case TypeKind::Integer:
  case TypeKind::Bool:
  case TypeKind::Pointer:
  case TypeKind::Count:
  case TypeKind::Sum:
    return false;
  }
  return false;
}

uint32_t Type::alignment() const {
  switch (kind_) {
  case TypeKind::Integer:
  case TypeKind::Pointer:
  case TypeKind::Count:
  case TypeKind::Sum:
    return std::max<uint32_t>(1, std::min<uint32_t>(size_, 8));
  case TypeKind::Array:
    return pointee().alignment();
  case TypeKind::Record:
  case TypeKind::Tuple: {
    uint32_t alignment = 1;
    for (const Field& field : fields_) {
      alignment = std::max(alignment, field.type->alignment());
    }
    return fields_.empty() ? std::min<uint32_t>(8, std::max<uint32_t>(1, size_))
                           : alignment;
  }
  case TypeKind::Buffer:
    return 4;
  case TypeKind::Stack:
  case TypeKind::Formatted:
    return 8;
  case TypeKind::None:
  case TypeKind::Bool:
  case TypeKind::String:
    return 1;
  }
  return 1;
}

std::optional<Type> common_type(const Type& a, const Type& b) {
  if (a == b) {
    return a;
  }
  if (a.is_bool() && b.is_integer()) {
    return b;
  }
  if (a.is_integer() && b.is_bool()) {
    return a;
  }
  if (a.is_integer() && b.is_integer()) {
    if (a.is_signed() == b.is_signed()) {
      return Type::integer(std::max(a.size(), b.size()), a.is_signed());
    }
    const Type& is_signed = a.is_signed() ? a : b;
    const Type& is_unsigned = a.is_signed() ? b : a;
    uint32_t size = std::max(is_signed.size(), 2 * is_unsigned.size());
    return Type::integer(std::min<uint32_t>(size, 8), true);
  }
  if (a.is_string() && b.is_string()) {
    return Type::string(std::max(a.size(), b.size()));
  }
  if (a.is_buffer() && b.is_buffer()) {
    return Type::buffer(std::max(a.element_count(), b.element_count()));
  }
  if (a.is_tuple() && b.is_tuple() &&
      a.is_named_tuple() == b.is_named_tuple() &&
      a.fields().size() == b.fields().size()) {
    std::vector<std::string> names;
    std::vector<Type> elements;
    for (size_t i = 0; i < a.fields().size(); ++i) {
      const Field& left = a.fields()[i];
      const Field& right = b.fields()[i];
      std::optional<Type> element = common_type(*left.type, *right.type);
      if (left.name != right.name || !element) {
        return std::nullopt;
      }
      names.push_back(left.name);
      elements.push_back(std::move(*element));
    }
    return a.is_named_tuple()
               ? Type::named_tuple(std::move(names), std::move(elements))
               : Type::tuple(std::move(elements));
  }
  return std::nullopt;
}

std::string Type::name() const {
  switch (kind_) {
  case TypeKind::None:
    return "none";
  case TypeKind::Integer:
    if (enumerators_ != nullptr) {
      return enumerators_->name;
    }
    return (is_signed_ ? "int" : "uint") + std::to_string(size_ * 8);
  case TypeKind::Bool:
    return "bool";
  case TypeKind::String:
    return "string[" + std::to_string(size_) + "]";
  case TypeKind::Pointer:
    return (pointee().is_none() ? std::string("void") : pointee().name()) +
           " *";
  case TypeKind::Record:
  case TypeKind::Tuple:
    return name_;
  case TypeKind::Array:
    return pointee().name() + "[" + std::to_string(count_) + "]";
  case TypeKind::Buffer:
    return "buffer[" + std::to_string(count_) + "]";
  case TypeKind::Stack:
    return is_signed_ ? "ustack" : "kstack";
  case TypeKind::Formatted:
    switch (presentation_) {
    case Presentation::Ksym:
      return "ksym_t";
    case Presentation::Usym:
      return "usym_t";
    case Presentation::Inet:
      return "inet";
    case Presentation::Timestamp:
      return "timestamp";
    case Presentation::MacAddr:
      return "mac_address";
    case Presentation::Username:
      return "username";
    case Presentation::CgroupPath:
      return "cgroup_path";
    case Presentation::ErrnoText:
      return "strerror_t";
    case Presentation::SignalName:
      return "signal_name_t";
    case Presentation::SyscallName:
      return "syscall_name_t";
    }
    return "?";
  case TypeKind::Count:
    return "count_t";
  case TypeKind::Sum:
    return is_signed_ ? "sum_t" : "usum_t";
  }
  return "?";
}

} // namespace sonde::types
