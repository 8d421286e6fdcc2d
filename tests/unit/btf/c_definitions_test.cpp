// SPDX-License-Identifier: Apache-2.0
// C definitions through libclang (dlopen'ed); skipped where libclang-19 is
// not installed.
#include "btf/c_definitions.h"

#include <gtest/gtest.h>

namespace sonde::btf {
namespace {

using types::AddressSpace;
using types::Field;
using types::Type;

// Parses or fails the test; a missing libclang skips instead.
#define PARSE_OR_SKIP(definitions, text)                                       \
  Result<CDefinitions> definitions##_result = parse_c_definitions(text);       \
  if (!definitions##_result) {                                                 \
    const std::string error = error_text(definitions##_result.takeError());    \
    if (error.starts_with("cannot load libclang")) {                           \
      GTEST_SKIP() << error;                                                   \
    }                                                                          \
    FAIL() << error;                                                           \
  }                                                                            \
  const CDefinitions& definitions = *definitions##_result

const Field& field_ok(const Type& record, const std::string& name) {
  static const Field kMissing;
  const Field* field = record.field(name);
  EXPECT_NE(field, nullptr)
      << "no field " << name << " in " << record.record_name();
  return field != nullptr ? *field : kMissing;
}

TEST(CDefinitions, Struct) {
  PARSE_OR_SKIP(defs, "struct foo {\n"
                      "  int a;\n"
                      "  char name[16];\n"
                      "  struct foo *next;\n"
                      "  unsigned long long b:3;\n"
                      "  unsigned long long c:5;\n"
                      "};\n");
  const Type* foo = defs.find("struct foo");
  ASSERT_NE(foo, nullptr);
  EXPECT_TRUE(foo->is_complete());
  EXPECT_FALSE(foo->is_union());
  EXPECT_EQ(foo->size(), 40u);
  ASSERT_EQ(foo->fields().size(), 5u);

  const Field& a = field_ok(*foo, "a");
  EXPECT_EQ(a.offset, 0u);
  EXPECT_EQ(*a.type, Type::integer(4, true));
  const Field& name = field_ok(*foo, "name");
  EXPECT_EQ(name.offset, 4u);
  EXPECT_EQ(*name.type, Type::string(16));
  const Field& next = field_ok(*foo, "next");
  EXPECT_EQ(next.offset, 24u);
  ASSERT_TRUE(next.type->is_pointer());
  EXPECT_EQ(next.type->address_space(), AddressSpace::Kernel);
  EXPECT_FALSE(next.type->pointee().is_complete());
  EXPECT_EQ(next.type->pointee().record_name(), "struct foo");
  EXPECT_EQ(defs.complete(next.type->pointee()).fields().size(), 5u);

  const Field& b = field_ok(*foo, "b");
  EXPECT_EQ(b.offset, 32u);
  EXPECT_EQ(b.bit_offset, 0u);
  EXPECT_EQ(b.bit_size, 3u);
  EXPECT_EQ(*b.type, Type::integer(8, false));
  const Field& c = field_ok(*foo, "c");
  EXPECT_EQ(c.offset, 32u);
  EXPECT_EQ(c.bit_offset, 3u);
  EXPECT_EQ(c.bit_size, 5u);
}

TEST(CDefinitions, UnionAndAnonymousMembers) {
  PARSE_OR_SKIP(defs, "union u { int i; char c[8]; };\n"
                      "struct s {\n"
                      "  long x;\n"
                      "  union { int y; short z; };\n"
                      "  struct { int inner; } named;\n"
                      "  union u value;\n"
                      "};\n");
  const Type* u = defs.find("union u");
  ASSERT_NE(u, nullptr);
  EXPECT_TRUE(u->is_union());
  EXPECT_EQ(u->size(), 8u);
  EXPECT_EQ(field_ok(*u, "c").offset, 0u);

  const Type* s = defs.find("struct s");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(field_ok(*s, "y").offset, 8u);
  EXPECT_EQ(field_ok(*s, "z").offset, 8u);
  const Field& named = field_ok(*s, "named");
  EXPECT_EQ(named.offset, 12u);
  ASSERT_TRUE(named.type->is_record());
  EXPECT_TRUE(named.type->is_complete());
  EXPECT_NE(named.type->field("inner"), nullptr);
  EXPECT_EQ(named.type->record_name(),
            "struct s::(unnamed at definitions.h:5:3)");
  const Field& value = field_ok(*s, "value");
  EXPECT_EQ(value.offset, 16u);
  EXPECT_TRUE(value.type->is_union());
  EXPECT_EQ(value.type->fields().size(), 2u);
}

TEST(CDefinitions, EnumsAndTypedefs) {
  PARSE_OR_SKIP(defs, "enum color { RED, GREEN = 5, BLUE };\n"
                      "enum { ANON = -3 };\n"
                      "typedef unsigned short port_t;\n"
                      "typedef struct { port_t port; enum color c; } "
                      "endpoint_t;\n");
  EXPECT_EQ(defs.enum_constants.at("RED").value, 0);
  EXPECT_EQ(defs.enum_constants.at("GREEN").value, 5);
  EXPECT_EQ(defs.enum_constants.at("BLUE").value, 6);
  EXPECT_EQ(defs.enum_constants.at("ANON").value, -3);
  const Type* color = defs.find("enum color");
  ASSERT_NE(color, nullptr);
  EXPECT_EQ(*color, Type::integer(4, false));
  const Type* port = defs.find("port_t");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(*port, Type::integer(2, false));
  const Type* endpoint = defs.find("endpoint_t");
  ASSERT_NE(endpoint, nullptr);
  ASSERT_TRUE(endpoint->is_record());
  EXPECT_EQ(endpoint->size(), 8u);
  EXPECT_EQ(endpoint->record_name(), "endpoint_t");
  EXPECT_EQ(*field_ok(*endpoint, "c").type, Type::integer(4, false));
}

TEST(CDefinitions, IncludeLinuxHeaders) {
  PARSE_OR_SKIP(defs, "#include <linux/types.h>\n"
                      "struct packet { __u32 saddr; __u8 mac[6]; };\n");
  const Type* packet = defs.find("struct packet");
  ASSERT_NE(packet, nullptr);
  EXPECT_EQ(*field_ok(*packet, "saddr").type, Type::integer(4, false));
  // Bytes through a typedef stay an array, not text.
  const Field& mac = field_ok(*packet, "mac");
  ASSERT_TRUE(mac.type->is_array());
  EXPECT_EQ(mac.type->element_count(), 6u);
  EXPECT_EQ(mac.offset, 4u);
  ASSERT_NE(defs.find("__u64"), nullptr);
  EXPECT_EQ(*defs.find("__u64"), Type::integer(8, false));
}

TEST(CDefinitions, SyntaxErrorHasLineAndColumn) {
  Result<CDefinitions> defs =
      parse_c_definitions("struct ok { int a; };\nstruct bad { int a }\n");
  ASSERT_FALSE(defs);
  const std::string error = error_text(defs.takeError());
  if (error.starts_with("cannot load libclang")) {
    GTEST_SKIP() << error;
  }
  EXPECT_TRUE(error.starts_with("2:")) << error;
  EXPECT_NE(error.find("error: "), std::string::npos) << error;
}

TEST(CDefinitions, MissingHeader) {
  Result<CDefinitions> defs =
      parse_c_definitions("#include <no/such/header_sonde.h>\n");
  ASSERT_FALSE(defs);
  const std::string error = error_text(defs.takeError());
  if (error.starts_with("cannot load libclang")) {
    GTEST_SKIP() << error;
  }
  EXPECT_TRUE(error.starts_with("1:")) << error;
  EXPECT_NE(error.find("header_sonde.h"), std::string::npos) << error;
}

} // namespace
} // namespace sonde::btf
