// SPDX-License-Identifier: Apache-2.0
// `args` of uprobes: at the probed function's entry each parameter is in
// one or two argument registers of pt_regs (sema::ProbeInstance's
// args_registers says which), not in memory laid out like the record.
#include "base/check.h"
#include "codegen/lowering.h"

namespace sonde::codegen {

namespace {

size_t field_index(const Type& record, const std::string& name) {
  const std::vector<types::Field>& fields = record.fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) {
      return i;
    }
  }
  SONDE_CHECK(false, "args field missing in instance");
  return 0;
}

} // namespace

void ProbeLowering::store_register_bytes(llvm::Value* at,
                                         const std::vector<uint8_t>& registers,
                                         uint32_t size) {
  for (size_t i = 0; i < registers.size() && i * 8 < size; ++i) {
    llvm::Value* value = register_value(kArgumentRegisters[registers[i]]);
    uint32_t left = std::min<uint32_t>(8, size - i * 8);
    // Whole 8-, 4-, 2- and 1-byte pieces, so a 12-byte struct does not
    // write past its end.
    uint32_t done = 0;
    for (uint32_t piece : {8u, 4u, 2u, 1u}) {
      while (left - done >= piece) {
        llvm::Value* part = ir_.CreateTrunc(ir_.CreateLShr(value, done * 8),
                                            ir_.getIntNTy(piece * 8));
        ir_.CreateStore(part,
                        field_at(at, static_cast<uint32_t>(i * 8) + done));
        done += piece;
      }
    }
  }
}

llvm::Value* ProbeLowering::register_args_field(const ast::FieldAccess& node) {
  const Type& record = instance_.args_type;
  size_t index = field_index(record, node.field);
  const types::Field& field = record.fields()[index];
  const std::vector<uint8_t>& registers = instance_.args_registers.at(index);
  const Type& type = *field.type;
  if (type.in_memory()) {
    // A struct or array of up to 16 bytes passed by value.
    llvm::Value* slot = stack_slot(type.size(), "arg");
    store_register_bytes(slot, registers, type.size());
    return slot;
  }
  llvm::Value* value = register_value(kArgumentRegisters[registers.at(0)]);
  if (type.is_pointer() || type.size() >= 8) {
    return value;
  }
  // The upper bits of a register holding a narrower value are undefined.
  llvm::Value* narrow = ir_.CreateTrunc(value, ir_.getIntNTy(type.size() * 8));
  return type.is_signed() ? ir_.CreateSExt(narrow, ir_.getInt64Ty())
                          : ir_.CreateZExt(narrow, ir_.getInt64Ty());
}

llvm::Value* ProbeLowering::register_args_record() {
  const Type& record = instance_.args_type;
  // A function without parameters still has an `args` to print: {}.
  const uint32_t size = std::max<uint32_t>(record.size(), 1);
  llvm::Value* slot = stack_slot(size, "args");
  zero(slot, size);
  const std::vector<types::Field>& fields = record.fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    store_register_bytes(field_at(slot, fields[i].offset),
                         instance_.args_registers.at(i),
                         fields[i].type->size());
  }
  return slot;
}

} // namespace sonde::codegen
