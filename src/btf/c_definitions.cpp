// SPDX-License-Identifier: Apache-2.0
// C definitions through libclang's C API, loaded with dlopen: most scripts
// have none, and linking libclang would cost every run its start-up. The
// header <clang-c/Index.h> is used for its types only; every function is
// looked up with dlsym.
#include "btf/c_definitions.h"

#include "btf/kernel_c_header.h"
#include "btf/kernel_types.h"

#include <algorithm>
#include <clang-c/Index.h>
#include <dlfcn.h>
#include <mutex>
#include <optional>
#include <set>
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
  X(clang_getFileName)                                                         \
  X(clang_getCursorLocation)                                                   \
  X(clang_isInvalidDeclaration)                                                \
  X(clang_Cursor_Evaluate)                                                     \
  X(clang_EvalResult_getKind)                                                  \
  X(clang_EvalResult_isUnsignedInt)                                            \
  X(clang_EvalResult_getAsUnsigned)                                            \
  X(clang_EvalResult_getAsLongLong)                                            \
  X(clang_EvalResult_getAsStr)                                                 \
  X(clang_EvalResult_dispose)

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

// The variables that evaluate the script's #define constants, named
// after the constant.
constexpr std::string_view kDefinePrefix = "__sonde_define_";

// Parse rounds at most: each adds the kernel types the previous one
// missed, with everything they need, so two or three suffice.
constexpr int kMaxRounds = 8;

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

  // The types of the kernel types header are left to KernelTypes, which
  // has them all; only records a definition holds by value are converted.
  bool in_kernel_header(CXCursor cursor) {
    CXFile file = nullptr;
    clang_.clang_getSpellingLocation(clang_.clang_getCursorLocation(cursor),
                                     &file, nullptr, nullptr, nullptr);
    return file != nullptr &&
           text(clang_.clang_getFileName(file)) == kKernelTypesHeader;
  }

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
    const CXCursorKind kind = clang_.clang_getCursorKind(cursor);
    if ((kind == CXCursor_StructDecl || kind == CXCursor_UnionDecl ||
         kind == CXCursor_EnumDecl || kind == CXCursor_EnumConstantDecl ||
         kind == CXCursor_TypedefDecl) &&
        in_kernel_header(cursor)) {
      return;
    }
    switch (kind) {
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
        const Type type = convert(clang_.clang_getCursorType(cursor));
        if (name.starts_with("enum ") && name.find('(') == std::string::npos) {
          out_.enums[name] = type;
        }
        enum_constant_type_ =
            type.is_enum()
                ? Type::enumeration(8, true, type.shared_enumerators())
                : Type::s64();
      }
      break;
    case CXCursor_EnumConstantDecl:
      // Visited after its enum, whose constants are known by then.
      out_.enum_constants[text(clang_.clang_getCursorSpelling(cursor))] = {
          clang_.clang_getEnumConstantDeclValue(cursor), enum_constant_type_};
      break;
    case CXCursor_TypedefDecl:
      out_.typedefs[text(clang_.clang_getCursorSpelling(cursor))] =
          convert(clang_.clang_getTypedefDeclUnderlyingType(cursor));
      break;
    case CXCursor_VarDecl:
      evaluate_define(cursor);
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
    case CXType_Enum:
      return convert_enum(plain);
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

  // A named enum is an enumeration of its constants; an anonymous one
  // the integer it is.
  Type convert_enum(CXType type) {
    CXCursor decl = clang_.clang_getTypeDeclaration(type);
    const Type integer = convert(clang_.clang_getEnumDeclIntegerType(decl));
    const std::string name = text(clang_.clang_getTypeSpelling(type));
    if (!integer.is_integer() || !name.starts_with("enum ") ||
        name.find('(') != std::string::npos) {
      return integer;
    }
    auto cached = enumerators_.find(name);
    if (cached == enumerators_.end()) {
      auto enumerators = std::make_shared<types::Enumerators>();
      enumerators->name = name;
      EnumVisit visit{this, enumerators.get()};
      clang_.clang_visitChildren(decl, &Converter::visit_enumerator, &visit);
      cached = enumerators_.emplace(name, std::move(enumerators)).first;
    }
    return Type::enumeration(integer.size(), integer.is_signed(),
                             cached->second);
  }

  // Context for one pass over an enum's constants.
  struct EnumVisit {
    Converter* converter;
    types::Enumerators* out;
  };

  static CXChildVisitResult
  visit_enumerator(CXCursor cursor, CXCursor /*parent*/, CXClientData data) {
    auto* visit = static_cast<EnumVisit*>(data);
    const Libclang& clang = visit->converter->clang_;
    if (clang.clang_getCursorKind(cursor) == CXCursor_EnumConstantDecl) {
      visit->out->values.emplace_back(
          clang.clang_getEnumConstantDeclValue(cursor),
          visit->converter->text(clang.clang_getCursorSpelling(cursor)));
    }
    return CXChildVisit_Continue;
  }

  // A `__sonde_define_NAME` variable initialized with NAME: its value, if
  // clang can evaluate it to an integer or a string literal.
  void evaluate_define(CXCursor cursor) {
    const std::string name = text(clang_.clang_getCursorSpelling(cursor));
    if (!name.starts_with(kDefinePrefix) ||
        clang_.clang_isInvalidDeclaration(cursor)) {
      return;
    }
    CXEvalResult result = clang_.clang_Cursor_Evaluate(cursor);
    if (result == nullptr) {
      return;
    }
    CDefinitions::Define define;
    bool known = true;
    switch (clang_.clang_EvalResult_getKind(result)) {
    case CXEval_Int:
      define.is_unsigned = clang_.clang_EvalResult_isUnsignedInt(result) != 0;
      define.number = define.is_unsigned
                          ? static_cast<int64_t>(
                                clang_.clang_EvalResult_getAsUnsigned(result))
                          : clang_.clang_EvalResult_getAsLongLong(result);
      break;
    case CXEval_StrLiteral:
      define.is_string = true;
      define.text = clang_.clang_EvalResult_getAsStr(result);
      break;
    default:
      known = false;
      break;
    }
    clang_.clang_EvalResult_dispose(result);
    if (known) {
      out_.defines[name.substr(kDefinePrefix.size())] = std::move(define);
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
  // The type of the enumerators of the enum visited last.
  Type enum_constant_type_ = Type::s64();
  std::map<std::string, std::shared_ptr<const types::Enumerators>> enumerators_;
};

// An error clang reported.
struct ClangError {
  // Empty for the parsed text itself.
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
  std::string message;
};

std::vector<ClangError> errors_of(const Libclang& clang,
                                  CXTranslationUnit unit) {
  std::vector<ClangError> errors;
  const unsigned count = clang.clang_getNumDiagnostics(unit);
  for (unsigned i = 0; i < count; ++i) {
    CXDiagnostic diagnostic = clang.clang_getDiagnostic(unit, i);
    if (clang.clang_getDiagnosticSeverity(diagnostic) >= CXDiagnostic_Error) {
      CXSourceLocation location = clang.clang_getDiagnosticLocation(diagnostic);
      CXFile file = nullptr;
      ClangError error;
      clang.clang_getSpellingLocation(location, &file, &error.line,
                                      &error.column, nullptr);
      if (file != nullptr && !clang.clang_Location_isFromMainFile(location)) {
        CXString name = clang.clang_getFileName(file);
        error.file = clang.clang_getCString(name);
        clang.clang_disposeString(name);
      }
      CXString message = clang.clang_getDiagnosticSpelling(diagnostic);
      error.message = clang.clang_getCString(message);
      clang.clang_disposeString(message);
      errors.push_back(std::move(error));
    }
    clang.clang_disposeDiagnostic(diagnostic);
  }
  return errors;
}

// One error per line, as parse_c_definitions() documents.
std::string error_lines(const std::vector<ClangError>& errors) {
  std::string lines;
  for (const ClangError& error : errors) {
    lines += (lines.empty() ? "" : "\n") +
             (error.file.empty() ? "" : error.file + ":") +
             std::to_string(error.line) + ":" + std::to_string(error.column) +
             ": error: " + error.message;
  }
  return lines;
}

// The name quoted after `prefix` in a message: "unknown type name 'u32'"
// with prefix "unknown type name '" gives "u32".
std::string_view quoted_after(std::string_view message,
                              std::string_view prefix) {
  const size_t at = message.find(prefix);
  if (at == std::string_view::npos) {
    return {};
  }
  const std::string_view rest = message.substr(at + prefix.size());
  return rest.substr(0, rest.find('\''));
}

// What an error says is missing that kernel BTF may have: a type name
// ("u32"), a tagged type ("struct sock", from messages about incomplete
// types) or an identifier (a kernel enumerator, `TASK_COMM_LEN`).
struct Missing {
  std::string type;
  std::string identifier;
};

Missing missing_of(std::string_view message) {
  Missing missing;
  if (std::string_view name = quoted_after(message, "unknown type name '");
      !name.empty()) {
    missing.type = name;
  } else if (std::string_view name =
                 quoted_after(message, "use of undeclared identifier '");
             !name.empty()) {
    missing.identifier = name;
  } else if (message.find("incomplete") != std::string_view::npos) {
    for (const char* keyword : {"'struct ", "'union ", "'enum "}) {
      const size_t at = message.find(keyword);
      if (at != std::string_view::npos) {
        const std::string_view rest = message.substr(at + 1);
        missing.type = rest.substr(0, rest.find('\''));
        break;
      }
    }
  }
  return missing;
}

// The text clang parses: the script's definitions, then, for each
// identifier the script uses that is a macro, a variable that clang
// evaluates to the macro's value. Errors in those lines mean the macro is
// not a constant and are not reported.
std::string with_define_probes(std::string_view text,
                               const std::vector<std::string>& identifiers) {
  std::string contents(text);
  contents += '\n';
  for (const std::string& name : identifiers) {
    contents += "#ifdef " + name + "\nstatic __auto_type " +
                std::string(kDefinePrefix) + name + " = " + name +
                ";\n#endif\n";
  }
  return contents;
}

} // namespace

const char* const kSystemIncludeDirs[3] = {
    "/usr/lib/llvm-19/lib/clang/19/include",
    "/usr/include/x86_64-linux-gnu",
    "/usr/include",
};

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

Result<CDefinitions> parse_c_definitions(std::string_view text,
                                         const CParseOptions& options) {
  Result<const Libclang*> loaded = load_libclang();
  if (!loaded) {
    return loaded.takeError();
  }
  const Libclang& clang = **loaded;
  const bool have_btf =
      options.kernel != nullptr && options.kernel->vmlinux_btf() != nullptr;
  std::optional<KernelCHeader> kernel_header;
  if (have_btf) {
    kernel_header.emplace(*options.kernel);
  }
  const std::string contents = with_define_probes(text, options.identifiers);
  // Lines past the text are the #define probes.
  const unsigned text_lines =
      static_cast<unsigned>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::set<std::string> looked_up;

  CXIndex index = clang.clang_createIndex(/*excludeDeclarationsFromPCH=*/0,
                                          /*displayDiagnostics=*/0);
  std::vector<ClangError> errors;
  CDefinitions definitions;
  for (int round = 0; round < kMaxRounds; ++round) {
    // sema/read_c_definitions.cpp checks #include lines against the same
    // directories.
    std::vector<std::string> arguments = {"-x", "c", "-std=gnu11", "-nostdinc",
                                          "-ferror-limit=0"};
    for (const std::string& dir : options.include_dirs) {
      arguments.insert(arguments.end(), {"-I", dir});
    }
    for (const char* dir : kSystemIncludeDirs) {
      arguments.insert(arguments.end(), {"-isystem", dir});
    }
    if (have_btf) {
      arguments.push_back("-DBPFTRACE_HAVE_BTF");
    }
    std::vector<CXUnsavedFile> unsaved = {
        {kMainFile, contents.c_str(),
         static_cast<unsigned long>(contents.size())}};
    if (kernel_header && !kernel_header->text().empty()) {
      arguments.insert(arguments.end(), {"-include", kKernelTypesHeader});
      unsaved.push_back(
          {kKernelTypesHeader, kernel_header->text().c_str(),
           static_cast<unsigned long>(kernel_header->text().size())});
    }
    for (const std::string& include : options.includes) {
      arguments.insert(arguments.end(), {"-include", include});
    }
    std::vector<const char*> argv;
    for (const std::string& argument : arguments) {
      argv.push_back(argument.c_str());
    }
    CXTranslationUnit unit = clang.clang_parseTranslationUnit(
        index, kMainFile, argv.data(), static_cast<int>(argv.size()),
        unsaved.data(), static_cast<unsigned>(unsaved.size()),
        CXTranslationUnit_SkipFunctionBodies);
    if (unit == nullptr) {
      clang.clang_disposeIndex(index);
      return make_error("libclang could not parse the C definitions");
    }
    std::vector<ClangError> all = errors_of(clang, unit);
    errors.clear();
    bool added = false;
    for (const ClangError& error : all) {
      if (kernel_header) {
        Missing missing = missing_of(error.message);
        const std::string& name =
            !missing.type.empty() ? missing.type : missing.identifier;
        if (!name.empty() && looked_up.insert(name).second) {
          added |= !missing.type.empty()
                       ? kernel_header->add_type(missing.type)
                       : kernel_header->add_enumerator(missing.identifier);
        }
      }
      if (!error.file.empty() || error.line <= text_lines) {
        errors.push_back(error);
      }
    }
    if (!added || round + 1 == kMaxRounds) {
      if (errors.empty()) {
        Converter(clang, definitions)
            .collect(clang.clang_getTranslationUnitCursor(unit));
      }
      clang.clang_disposeTranslationUnit(unit);
      break;
    }
    // Parse again with the kernel types the errors asked for.
    clang.clang_disposeTranslationUnit(unit);
  }
  clang.clang_disposeIndex(index);
  if (!errors.empty()) {
    return make_error(error_lines(errors));
  }
  return definitions;
}

} // namespace sonde::btf
