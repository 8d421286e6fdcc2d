// SPDX-License-Identifier: Apache-2.0
// C definitions through libclang's C API, loaded with dlopen: most scripts
// have none, and linking libclang would cost every run its start-up. The
// header <clang-c/Index.h> is used for its types only; every function is
// looked up with dlsym.
#include "btf/c_definitions.h"

#include <clang-c/Index.h>
#include <dlfcn.h>
#include <mutex>
#include <optional>
#include <vector>

namespace sonde::btf {

using types::AddressSpace;
using types::Field;
using types::Type;

namespace {

// The libclang functions sonde calls, each looked up once.
#define SONDE_LIBCLANG_FUNCTIONS(X)                                            \
  X(clang_createIndex)                                                         \
  X(clang_disposeIndex)                                                        \
  X(clang_parseTranslationUnit)                                                \
  X(clang_disposeTranslationUnit)                                              \
  X(clang_getTranslationUnitCursor)                                            \
  X(clang_visitChildren)                                                       \
  X(clang_getCursorKind)                                                       \
  X(clang_getCursorType)                                                       \
  X(clang_getCursorSpelling)                                                   \
  X(clang_isCursorDefinition)                                                  \
  X(clang_getCanonicalType)                                                    \
  X(clang_getPointeeType)                                                      \
  X(clang_getArrayElementType)                                                 \
  X(clang_getArraySize)                                                        \
  X(clang_getTypeDeclaration)                                                  \
  X(clang_getTypeSpelling)                                                     \
  X(clang_getTypedefDeclUnderlyingType)                                        \
  X(clang_getEnumDeclIntegerType)                                              \
  X(clang_getEnumConstantDeclValue)                                            \
  X(clang_Type_getSizeOf)                                                      \
  X(clang_Type_visitFields)                                                    \
  X(clang_Cursor_getOffsetOfField)                                             \
  X(clang_Cursor_isBitField)                                                   \
  X(clang_Cursor_isAnonymousRecordDecl)                                        \
  X(clang_getFieldDeclBitWidth)                                                \
  X(clang_getCString)                                                          \
  X(clang_disposeString)                                                       \
  X(clang_getNumDiagnostics)                                                   \
  X(clang_getDiagnostic)                                                       \
  X(clang_disposeDiagnostic)                                                   \
  X(clang_getDiagnosticSeverity)                                               \
  X(clang_getDiagnosticSpelling)                                               \
  X(clang_getDiagnosticLocation)                                               \
  X(clang_getSpellingLocation)                                                 \
  X(clang_Location_isFromMainFile)                                             \
  X(clang_getFileName)

struct Libclang {
#define SONDE_LIBCLANG_MEMBER(name) decltype(&::name) name = nullptr;
  SONDE_LIBCLANG_FUNCTIONS(SONDE_LIBCLANG_MEMBER)
#undef SONDE_LIBCLANG_MEMBER
};

// Debian installs libclang-19.so.1 only under /usr/lib/llvm-19/lib; the
// dynamic linker's path has the .so.19 link.
constexpr const char* kLibclangNames[] = {
    "libclang-19.so.1",
    "libclang-19.so.19",
    "/usr/lib/llvm-19/lib/libclang-19.so.1",
};

constexpr const char* kMainFile = "definitions.h";

// Loaded once per process and never unloaded; the failure is kept too.
Result<const Libclang*> load_libclang() {
  static std::once_flag once;
  static Libclang functions;
  static std::string error;
  std::call_once(once, [] {
    void* handle = nullptr;
    for (const char* name : kLibclangNames) {
      handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (handle != nullptr) {
        break;
      }
    }
    if (handle == nullptr) {
      error = std::string("cannot load libclang-19 for C definitions: ") +
              dlerror();
      return;
    }
#define SONDE_LIBCLANG_LOOKUP(name)                                            \
  functions.name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name));  \
  if (functions.name == nullptr && error.empty()) {                            \
    error = "libclang-19 has no " #name;                                       \
  }
    SONDE_LIBCLANG_FUNCTIONS(SONDE_LIBCLANG_LOOKUP)
#undef SONDE_LIBCLANG_LOOKUP
  });
  if (!error.empty()) {
    return make_error(error);
  }
  return &functions;
}

// Builds CDefinitions from a parsed translation unit.
class Converter {
public:
  Converter(const Libclang& clang, CDefinitions& out)
      : clang_(clang), out_(out) {}

  // Visits every declaration, nested ones too.
  void collect(CXCursor cursor) {
    clang_.clang_visitChildren(cursor, &Converter::visit, this);
  }

private:
  std::string text(CXString string) {
    const char* chars = clang_.clang_getCString(string);
    std::string result = chars != nullptr ? chars : "";
    clang_.clang_disposeString(string);
    return result;
  }

  CXType canonical(CXType type) { return clang_.clang_getCanonicalType(type); }

  // "struct foo", a typedef name for an anonymous record with one, else
  // clang's "struct (unnamed at ...)"; unqualified.
  std::string record_name(CXType record) {
    CXCursor decl = clang_.clang_getTypeDeclaration(canonical(record));
    return text(clang_.clang_getTypeSpelling(clang_.clang_getCursorType(decl)));
  }

  uint32_t size_of(CXType type) {
    const long long size = clang_.clang_Type_getSizeOf(type);
    return size > 0 ? static_cast<uint32_t>(size) : 0;
  }

  static CXChildVisitResult
  visit(CXCursor cursor, CXCursor /*parent*/, CXClientData data) {
    static_cast<Converter*>(data)->declare(cursor);
    return CXChildVisit_Recurse;
  }

  void declare(CXCursor cursor) {
    switch (clang_.clang_getCursorKind(cursor)) {
    case CXCursor_StructDecl:
    case CXCursor_UnionDecl:
      if (clang_.clang_isCursorDefinition(cursor)) {
        convert_record(canonical(clang_.clang_getCursorType(cursor)));
      }
      break;
    case CXCursor_EnumDecl:
      if (clang_.clang_isCursorDefinition(cursor)) {
        const std::string name = text(
            clang_.clang_getTypeSpelling(clang_.clang_getCursorType(cursor)));
        if (name.starts_with("enum ") && name.find('(') == std::string::npos) {
          out_.enums[name] = convert(clang_.clang_getCursorType(cursor));
        }
      }
      break;
    case CXCursor_EnumConstantDecl:
      out_.enum_constants[text(clang_.clang_getCursorSpelling(cursor))] =
          clang_.clang_getEnumConstantDeclValue(cursor);
      break;
    case CXCursor_TypedefDecl:
      out_.typedefs[text(clang_.clang_getCursorSpelling(cursor))] =
          convert(clang_.clang_getTypedefDeclUnderlyingType(cursor));
      break;
    default:
      break;
    }
  }

  static bool is_char(CXTypeKind kind) {
    return kind == CXType_Char_S || kind == CXType_Char_U ||
           kind == CXType_SChar || kind == CXType_UChar;
  }

  Type convert(CXType type) {
    const CXType plain = canonical(type);
    switch (plain.kind) {
    case CXType_Void:
      return Type::none();
    case CXType_Bool:
      return Type::integer(1, false);
    case CXType_Char_U:
    case CXType_UChar:
    case CXType_Char16:
    case CXType_Char32:
    case CXType_UShort:
    case CXType_UInt:
    case CXType_ULong:
    case CXType_ULongLong:
      return Type::integer(size_of(plain), false);
    case CXType_Char_S:
    case CXType_SChar:
    case CXType_WChar:
    case CXType_Short:
    case CXType_Int:
    case CXType_Long:
    case CXType_LongLong:
      return Type::integer(size_of(plain), true);
    case CXType_Enum: {
      CXCursor decl = clang_.clang_getTypeDeclaration(plain);
      return convert(clang_.clang_getEnumDeclIntegerType(decl));
    }
    case CXType_Pointer: {
      const CXType pointee = canonical(clang_.clang_getPointeeType(plain));
      if (pointee.kind == CXType_Record) {
        return Type::pointer(Type::incomplete_record(record_name(pointee),
                                                     size_of(pointee),
                                                     CDefinitions::kRecordId),
                             AddressSpace::Kernel);
      }
      if (pointee.kind == CXType_FunctionProto ||
          pointee.kind == CXType_FunctionNoProto) {
        return Type::pointer(Type::none(), AddressSpace::Kernel);
      }
      return Type::pointer(convert(pointee), AddressSpace::Kernel);
    }
    case CXType_ConstantArray:
    case CXType_IncompleteArray: {
      // The element as written: `char x[4]` is text, `__u8 x[4]` bytes.
      const bool written = type.kind == CXType_ConstantArray ||
                           type.kind == CXType_IncompleteArray;
      const CXType element =
          clang_.clang_getArrayElementType(written ? type : plain);
      const long long size = plain.kind == CXType_ConstantArray
                                 ? clang_.clang_getArraySize(plain)
                                 : 0;
      const uint32_t count = size > 0 ? static_cast<uint32_t>(size) : 0;
      if (is_char(element.kind)) {
        return Type::string(count);
      }
      return Type::array(convert(element), count);
    }
    case CXType_Record:
      if (clang_.clang_Type_getSizeOf(plain) < 0) {
        // Declared, never defined.
        return Type::incomplete_record(record_name(plain), 0,
                                       CDefinitions::kRecordId);
      }
      return convert_record(plain);
    default: {
      const uint32_t size = size_of(plain);
      return size != 0 ? Type::array(Type::integer(1, false), size)
                       : Type::none();
    }
    }
  }

  // Context for one clang_Type_visitFields pass.
  struct FieldVisit {
    Converter* converter;
    uint64_t base_bits;
    std::vector<Field>* fields;
  };

  static CXVisitorResult visit_field(CXCursor cursor, CXClientData data) {
    auto* visit = static_cast<FieldVisit*>(data);
    visit->converter->add_field(cursor, visit->base_bits, *visit->fields);
    return CXVisit_Continue;
  }

  void add_fields(CXType record, uint64_t base_bits, std::vector<Field>& out) {
    FieldVisit visit{this, base_bits, &out};
    clang_.clang_Type_visitFields(record, &Converter::visit_field, &visit);
  }

  void add_field(CXCursor cursor, uint64_t base_bits, std::vector<Field>& out) {
    const CXType type = clang_.clang_getCursorType(cursor);
    const long long offset = clang_.clang_Cursor_getOffsetOfField(cursor);
    const uint64_t bits = base_bits + (offset > 0 ? offset : 0);
    const CXType plain = canonical(type);
    if (plain.kind == CXType_Record &&
        clang_.clang_Cursor_isAnonymousRecordDecl(
            clang_.clang_getTypeDeclaration(plain))) {
      add_fields(plain, bits, out);
      return;
    }
    Field field;
    field.name = text(clang_.clang_getCursorSpelling(cursor));
    if (field.name.empty()) {
      // An unnamed bitfield: padding.
      return;
    }
    field.type = std::make_shared<const Type>(convert(type));
    const uint32_t bit_size =
        clang_.clang_Cursor_isBitField(cursor)
            ? static_cast<uint32_t>(clang_.clang_getFieldDeclBitWidth(cursor))
            : 0;
    types::place_field(field, bits, bit_size);
    out.push_back(std::move(field));
  }

  Type convert_record(CXType record) {
    std::string name = record_name(record);
    if (auto it = out_.records.find(name); it != out_.records.end()) {
      return it->second;
    }
    std::vector<Field> fields;
    add_fields(record, 0, fields);
    const bool is_union =
        clang_.clang_getCursorKind(clang_.clang_getTypeDeclaration(record)) ==
        CXCursor_UnionDecl;
    Type converted =
        is_union ? Type::union_record(name, std::move(fields), size_of(record))
                 : Type::record(name, std::move(fields), size_of(record));
    out_.records.emplace(std::move(name), converted);
    return converted;
  }

  const Libclang& clang_;
  CDefinitions& out_;
};

// Every error clang reported, one per line; empty when there are none.
std::string errors_of(const Libclang& clang, CXTranslationUnit unit) {
  std::string errors;
  const unsigned count = clang.clang_getNumDiagnostics(unit);
  for (unsigned i = 0; i < count; ++i) {
    CXDiagnostic diagnostic = clang.clang_getDiagnostic(unit, i);
    if (clang.clang_getDiagnosticSeverity(diagnostic) >= CXDiagnostic_Error) {
      CXSourceLocation location = clang.clang_getDiagnosticLocation(diagnostic);
      CXFile file = nullptr;
      unsigned line = 0;
      unsigned column = 0;
      clang.clang_getSpellingLocation(location, &file, &line, &column, nullptr);
      std::string where;
      if (file != nullptr && !clang.clang_Location_isFromMainFile(location)) {
        CXString name = clang.clang_getFileName(file);
        where = std::string(clang.clang_getCString(name)) + ":";
        clang.clang_disposeString(name);
      }
      CXString message = clang.clang_getDiagnosticSpelling(diagnostic);
      errors += (errors.empty() ? "" : "\n") + where + std::to_string(line) +
                ":" + std::to_string(column) +
                ": error: " + clang.clang_getCString(message);
      clang.clang_disposeString(message);
    }
    clang.clang_disposeDiagnostic(diagnostic);
  }
  return errors;
}

} // namespace

const Type* CDefinitions::find(std::string_view name) const {
  for (const auto* table : {&records, &enums, &typedefs}) {
    if (auto it = table->find(name); it != table->end()) {
      return &it->second;
    }
  }
  return nullptr;
}

Type CDefinitions::complete(const Type& record) const {
  if (!record.is_record() || record.btf_id() != kRecordId) {
    return record;
  }
  auto it = records.find(record.record_name());
  return it != records.end() ? it->second : record;
}

Result<CDefinitions> parse_c_definitions(std::string_view text) {
  Result<const Libclang*> loaded = load_libclang();
  if (!loaded) {
    return loaded.takeError();
  }
  const Libclang& clang = **loaded;
  // sema/read_c_definitions.cpp checks #include lines against the same
  // directories.
  const char* arguments[] = {
      "-x",         "c",
      "-std=gnu11", "-nostdinc",
      "-isystem",   "/usr/lib/llvm-19/lib/clang/19/include",
      "-isystem",   "/usr/include/x86_64-linux-gnu",
      "-isystem",   "/usr/include",
  };
  const std::string contents(text);
  CXUnsavedFile unsaved{kMainFile, contents.c_str(),
                        static_cast<unsigned long>(contents.size())};
  CXIndex index = clang.clang_createIndex(/*excludeDeclarationsFromPCH=*/0,
                                          /*displayDiagnostics=*/0);
  CXTranslationUnit unit = clang.clang_parseTranslationUnit(
      index, kMainFile, arguments, std::size(arguments), &unsaved, 1,
      CXTranslationUnit_SkipFunctionBodies);
  if (unit == nullptr) {
    clang.clang_disposeIndex(index);
    return make_error("libclang could not parse the C definitions");
  }
  std::string errors = errors_of(clang, unit);
  CDefinitions definitions;
  if (errors.empty()) {
    Converter(clang, definitions)
        .collect(clang.clang_getTranslationUnitCursor(unit));
  }
  clang.clang_disposeTranslationUnit(unit);
  clang.clang_disposeIndex(index);
  if (!errors.empty()) {
    return make_error(errors);
  }
  return definitions;
}

} // namespace sonde::btf
