// SPDX-License-Identifier: Apache-2.0
#include "btf/types.h"

namespace sonde::types {

Type Type::integer(uint32_t size, bool is_signed) {
  Type type;
  type.kind_ = TypeKind::Integer;
  type.size_ = size;
  type.is_signed_ = is_signed;
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
  if (kind_ == TypeKind::Pointer) {
    return pointee() == other.pointee();
  }
  return kind_ != TypeKind::Record || name_ == other.name_;
}

std::string Type::name() const {
  switch (kind_) {
  case TypeKind::None:
    return "none";
  case TypeKind::Integer:
    return (is_signed_ ? "int" : "uint") + std::to_string(size_ * 8);
  case TypeKind::String:
    return "string[" + std::to_string(size_) + "]";
  case TypeKind::Pointer:
    return pointee().name() + " *";
  case TypeKind::Record:
    return name_;
  case TypeKind::Count:
    return "count_t";
  case TypeKind::Sum:
    return is_signed_ ? "sum_t" : "usum_t";
  }
  return "?";
}

} // namespace sonde::types
