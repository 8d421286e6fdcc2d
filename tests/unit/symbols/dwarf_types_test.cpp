// SPDX-License-Identifier: Apache-2.0
#include "symbols/dwarf_types.h"
#include "unit/symbols/testprogs.h"

#include <gtest/gtest.h>

namespace sonde::symbols {
namespace {

using types::Type;

DwarfParameter
parameter(Type type, ParameterPassing passing, uint8_t registers = 1) {
  DwarfParameter result;
  result.type = std::move(type);
  result.passing = passing;
  result.register_count = registers;
  return result;
}

TEST(AssignRegisters, IntegersTakeTheRegistersInOrder) {
  std::vector<DwarfParameter> parameters;
  for (int i = 0; i < 7; ++i) {
    parameters.push_back(parameter(Type::s64(), ParameterPassing::Registers));
  }
  assign_registers(parameters, false);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(parameters[i].passing, ParameterPassing::Registers);
    EXPECT_EQ(parameters[i].first_register, i);
  }
  // The seventh goes above the return address.
  EXPECT_EQ(parameters[6].passing, ParameterPassing::Stack);
  EXPECT_EQ(parameters[6].stack_offset, 8u);
}

TEST(AssignRegisters, FloatsTakeNoGeneralRegister) {
  std::vector<DwarfParameter> parameters = {
      parameter(Type::s64(), ParameterPassing::Registers),
      parameter(Type::array(Type::integer(1, false), 8),
                ParameterPassing::FloatRegisters),
      parameter(Type::s64(), ParameterPassing::Registers)};
  assign_registers(parameters, false);
  EXPECT_EQ(parameters[2].first_register, 1);
}

TEST(AssignRegisters, TwoRegisterStructGoesToStackWhenOneIsLeft) {
  std::vector<DwarfParameter> parameters;
  for (int i = 0; i < 5; ++i) {
    parameters.push_back(parameter(Type::s64(), ParameterPassing::Registers));
  }
  Type pair = Type::record("struct pair", {}, 16);
  parameters.push_back(parameter(pair, ParameterPassing::Registers, 2));
  parameters.push_back(parameter(Type::s64(), ParameterPassing::Registers));
  assign_registers(parameters, false);
  EXPECT_EQ(parameters[5].passing, ParameterPassing::Stack);
  EXPECT_EQ(parameters[5].stack_offset, 8u);
  // The int after it still gets r9.
  EXPECT_EQ(parameters[6].passing, ParameterPassing::Registers);
  EXPECT_EQ(parameters[6].first_register, 5);
}

TEST(AssignRegisters, StructReturnedInMemoryTakesRdi) {
  std::vector<DwarfParameter> parameters = {
      parameter(Type::s64(), ParameterPassing::Registers)};
  assign_registers(parameters, true);
  EXPECT_EQ(parameters[0].first_register, 1);
}

class DwarfFileTest : public ::testing::Test {
protected:
  DwarfFunction function(const char* name) {
    Result<std::shared_ptr<DwarfFile>> file =
        DwarfFile::open(SONDE_UPROBE_TARGET);
    if (!file) {
      ADD_FAILURE() << error_text(file.takeError());
      return {};
    }
    Result<DwarfFunction> found = (*file)->function(name);
    if (!found) {
      ADD_FAILURE() << error_text(found.takeError());
      return {};
    }
    return *found;
  }
};

TEST_F(DwarfFileTest, ParametersAreTypedAndPlaced) {
  DwarfFunction args = function("sonde_args");
  ASSERT_EQ(args.parameters.size(), 8u);
  const auto& p = args.parameters;
  EXPECT_EQ(p[0].name, "small");
  EXPECT_EQ(p[0].type, Type::integer(1, true));
  EXPECT_EQ(p[1].type, Type::integer(2, false));
  EXPECT_EQ(p[2].type, Type::integer(8, true));
  EXPECT_EQ(p[3].c_type, "const char *");
  ASSERT_TRUE(p[3].type.is_pointer());
  EXPECT_EQ(p[3].type.address_space(), types::AddressSpace::User);
  EXPECT_EQ(p[3].type.pointee(), Type::integer(1, true));
  EXPECT_EQ(p[3].first_register, 3);
  // A pointee struct stays incomplete until completed.
  ASSERT_TRUE(p[4].type.is_pointer());
  const Type& point = p[4].type.pointee();
  EXPECT_EQ(point.record_name(), "struct sonde_point");
  EXPECT_FALSE(point.is_complete());
  ASSERT_TRUE(DwarfFile::owns(point));
  Type complete = DwarfFile::complete(point);
  ASSERT_TRUE(complete.is_complete());
  EXPECT_EQ(complete.size(), 20u);
  ASSERT_NE(complete.field("label"), nullptr);
  EXPECT_TRUE(complete.field("label")->type->is_string());
  EXPECT_EQ(complete.field("label")->offset, 8u);
  const types::Field* level = complete.field("level");
  ASSERT_NE(level, nullptr);
  EXPECT_EQ(level->bit_size, 5u);
  EXPECT_EQ(level->bit_offset, 3u);
  EXPECT_EQ(p[5].passing, ParameterPassing::FloatRegisters);
  EXPECT_EQ(p[6].passing, ParameterPassing::Stack);
  EXPECT_EQ(p[6].stack_offset, 8u);
  EXPECT_EQ(p[7].passing, ParameterPassing::Registers);
  EXPECT_EQ(p[7].first_register, 5);
}

TEST_F(DwarfFileTest, SmallStructTakesTwoRegisters) {
  DwarfFunction sum = function("sonde_pair_sum");
  ASSERT_EQ(sum.parameters.size(), 2u);
  EXPECT_EQ(sum.parameters[0].c_type, "struct sonde_pair");
  EXPECT_TRUE(sum.parameters[0].type.is_complete());
  EXPECT_EQ(sum.parameters[0].register_count, 2);
  EXPECT_EQ(sum.parameters[1].first_register, 2);
}

TEST_F(DwarfFileTest, UnknownFunctionFails) {
  Result<std::shared_ptr<DwarfFile>> file =
      DwarfFile::open(SONDE_UPROBE_TARGET);
  ASSERT_TRUE(static_cast<bool>(file));
  Result<DwarfFunction> missing = (*file)->function("no_such_function");
  ASSERT_FALSE(static_cast<bool>(missing));
  EXPECT_NE(error_text(missing.takeError()).find("no DWARF for function"),
            std::string::npos);
}

TEST(DwarfFile, FileWithoutDebugInfoFails) {
  Result<std::shared_ptr<DwarfFile>> file = DwarfFile::open("/bin/true");
  if (file) {
    GTEST_SKIP() << "/bin/true has debug information here";
  }
  EXPECT_NE(error_text(file.takeError()).find("no DWARF"), std::string::npos);
}

} // namespace
} // namespace sonde::symbols
