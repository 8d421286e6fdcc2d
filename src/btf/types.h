// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// sonde's value types: what sema assigns to expressions, what codegen lays
// out and what the runtime and output decode. Types are small values;
// composite types share their parts.
namespace sonde::types {

enum class TypeKind : uint8_t {
  None,    // No value (statements, void calls).
  Integer, // 1, 2, 4 or 8 bytes, signed or not.
  String,  // A NUL-padded char array of a fixed size.
  Pointer, // An address, with the address space it points into.
  Record,  // A struct of named fields (tracepoint `args`).
  Count,   // Aggregation map values: count(), sum().
  Sum,
};

enum class AddressSpace : uint8_t { None, Kernel, User };

class Type;

// What a map's values are: which function wrote them, and so which fields of
// MapSnapshot::Entry hold them and how they print.
enum class MapValueKind : uint8_t {
  // An assigned value (`@m = 5`, `@m = comm`): `value` holds it as
  // `value_type` lays it out. Integers sort by value, anything else by key.
  Plain,
  // count(), sum(n): `value` holds 8 bytes, signed when value_type is.
  Count,
  Sum,
  // min(n), max(n): `value` holds the merged minimum or maximum, 8 bytes,
  // signed when value_type is.
  Min,
  Max,
  // avg(n), stats(n): `count` and `total` hold the number of calls and the
  // sum of their arguments; the average is total / count truncated toward
  // zero (signed arithmetic when value_type is signed).
  Avg,
  Stats,
  // hist(n, k), lhist(n, min, max, step): `buckets` holds the count of each
  // bucket (see output/histogram.h for the bucket layout).
  Hist,
  Lhist,
};

struct Field {
  std::string name;
  std::shared_ptr<const Type> type;
  uint32_t offset = 0;
  // Tracepoint `__data_loc` fields hold (length << 16 | offset) of data
  // stored after the fixed fields.
  bool data_loc = false;
};

class Type {
public:
  Type() = default;

  static Type none() { return Type(); }
  static Type integer(uint32_t size, bool is_signed);
  static Type u64() { return integer(8, false); }
  static Type s64() { return integer(8, true); }
  static Type string(uint32_t size);
  static Type pointer(Type pointee, AddressSpace space);
  static Type
  record(std::string name, std::vector<Field> fields, uint32_t size);
  static Type count();
  static Type sum(bool is_signed);

  TypeKind kind() const { return kind_; }
  uint32_t size() const { return size_; }
  bool is_signed() const { return is_signed_; }
  AddressSpace address_space() const { return space_; }

  bool is_none() const { return kind_ == TypeKind::None; }
  bool is_integer() const { return kind_ == TypeKind::Integer; }
  bool is_string() const { return kind_ == TypeKind::String; }
  bool is_pointer() const { return kind_ == TypeKind::Pointer; }
  bool is_record() const { return kind_ == TypeKind::Record; }
  bool is_aggregation() const {
    return kind_ == TypeKind::Count || kind_ == TypeKind::Sum;
  }

  // For pointers; none for anything else.
  const Type& pointee() const;
  // For records.
  const std::string& record_name() const { return name_; }
  const std::vector<Field>& fields() const { return fields_; }
  const Field* field(const std::string& name) const;

  // Types are equal when they have the same kind, size and signedness (and,
  // for records, the same name).
  bool operator==(const Type& other) const;

  // How the type reads in diagnostics: "uint64", "string[16]", "char *".
  std::string name() const;

private:
  TypeKind kind_ = TypeKind::None;
  uint32_t size_ = 0;
  bool is_signed_ = false;
  AddressSpace space_ = AddressSpace::None;
  std::shared_ptr<const Type> pointee_;
  std::string name_;
  std::vector<Field> fields_;
};

} // namespace sonde::types
