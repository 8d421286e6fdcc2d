// SPDX-License-Identifier: Apache-2.0
#include "codegen/module_builder.h"

#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/IR/Constants.h"

namespace sonde::codegen {

ModuleBuilder::ModuleBuilder(llvm::LLVMContext& context,
                             const llvm::TargetMachine& machine,
                             const std::string& source_name,
                             const std::string& source_text,
                             const std::string& license)
    : context_(context),
      module_(std::make_unique<llvm::Module>("sonde", context)), di_(*module_) {
  module_->setTargetTriple(machine.getTargetTriple().str());
  module_->setDataLayout(machine.createDataLayout());
  file_ = di_.createFile(source_name, ".", std::nullopt, source_text);
  unit_ = di_.createCompileUnit(llvm::dwarf::DW_LANG_C, file_, "sonde",
                                /*isOptimized=*/true, "", 0);
  int_type_ = di_.createBasicType("int", 32, llvm::dwarf::DW_ATE_signed);
  module_->addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
  module_->addModuleFlag(llvm::Module::Warning, "Debug Info Version",
                         llvm::DEBUG_METADATA_VERSION);

  // GPL by default, so that GPL-only helpers (probe_read_*) may be
  // called; `config = { license = ... }` changes it.
  auto* license_text = llvm::ConstantDataArray::getString(context_, license);
  auto* license_global = new llvm::GlobalVariable(
      *module_, license_text->getType(), /*isConstant=*/true,
      llvm::GlobalValue::ExternalLinkage, license_text, "LICENSE");
  license_global->setSection("license");
}

std::unique_ptr<llvm::Module> ModuleBuilder::take_module() {
  return std::move(module_);
}

// libbpf reads integer map attributes from BTF as `int (*name)[value]`.
llvm::DIType* ModuleBuilder::int_array_pointer(uint32_t count) {
  llvm::DINodeArray subscripts =
      di_.getOrCreateArray({di_.getOrCreateSubrange(0, count)});
  llvm::DIType* array =
      di_.createArrayType(uint64_t(count) * 32, 32, int_type_, subscripts);
  return di_.createPointerType(array, 64);
}

llvm::GlobalVariable* ModuleBuilder::add_map(const std::string& name,
                                             uint32_t map_type,
                                             uint32_t max_entries,
                                             uint32_t key_size,
                                             uint32_t value_size,
                                             uint32_t map_flags) {
  std::vector<std::pair<const char*, uint32_t>> attributes = {
      {"type", map_type}, {"max_entries", max_entries}};
  if (key_size != 0) {
    attributes.push_back({"key_size", key_size});
  }
  if (value_size != 0) {
    attributes.push_back({"value_size", value_size});
  }
  if (map_flags != 0) {
    attributes.push_back({"map_flags", map_flags});
  }

  std::vector<llvm::Metadata*> members;
  std::vector<llvm::Type*> fields;
  for (size_t i = 0; i < attributes.size(); ++i) {
    members.push_back(di_.createMemberType(
        unit_, attributes[i].first, file_, 0, 64, 64, i * 64,
        llvm::DINode::FlagZero, int_array_pointer(attributes[i].second)));
    fields.push_back(llvm::PointerType::get(context_, 0));
  }
  llvm::DICompositeType* struct_type = di_.createStructType(
      unit_, "", file_, 0, members.size() * 64, 64, llvm::DINode::FlagZero,
      nullptr, di_.getOrCreateArray(members));

  auto* ir_type = llvm::StructType::get(context_, fields);
  auto* global =
      new llvm::GlobalVariable(*module_, ir_type, /*isConstant=*/false,
                               llvm::GlobalValue::ExternalLinkage,
                               llvm::ConstantAggregateZero::get(ir_type), name);
  global->setSection(".maps");
  global->setAlignment(llvm::Align(8));
  global->addDebugInfo(di_.createGlobalVariableExpression(
      unit_, name, "", file_, 0, struct_type, /*IsLocalToUnit=*/false));
  return global;
}

llvm::DIType* ModuleBuilder::shape_type(const std::string& shape) {
  // Innermost kind first: each 'P' or 'A' wraps what follows it.
  llvm::DIType* type = nullptr;
  for (auto kind = shape.rbegin(); kind != shape.rend(); ++kind) {
    switch (*kind) {
    case 'S':
      type = di_.createStructType(unit_, "", file_, 0, 0, 8,
                                  llvm::DINode::FlagZero, nullptr,
                                  di_.getOrCreateArray({}));
      break;
    case 'U':
      type =
          di_.createUnionType(unit_, "", file_, 0, 0, 8, llvm::DINode::FlagZero,
                              di_.getOrCreateArray({}));
      break;
    case 'E':
      type = di_.createEnumerationType(unit_, "", file_, 0, 32, 32,
                                       di_.getOrCreateArray({}), int_type_);
      break;
    case 'I':
      type = int_type_;
      break;
    case 'V':
      type = nullptr;
      break;
    case 'P':
      type = di_.createPointerType(type, 64);
      break;
    case 'A':
      type = di_.createArrayType(
          0, 8, type, di_.getOrCreateArray({di_.getOrCreateSubrange(0, 1)}));
      break;
    default:
      break;
    }
  }
  return type;
}

llvm::GlobalVariable*
ModuleBuilder::add_kernel_variable(const std::string& name,
                                   const std::string& shape) {
  auto* global = new llvm::GlobalVariable(
      *module_, llvm::Type::getInt8Ty(context_), /*isConstant=*/true,
      llvm::GlobalValue::ExternalLinkage, nullptr, name);
  global->setSection(".ksyms");
  global->addDebugInfo(di_.createGlobalVariableExpression(
      unit_, name, "", file_, 0, shape_type(shape), /*IsLocalToUnit=*/false,
      /*isDefined=*/false));
  return global;
}

llvm::Function*
ModuleBuilder::kernel_function(const std::string& name,
                               const std::string& result,
                               llvm::ArrayRef<std::string> params) {
  if (llvm::Function* declared = module_->getFunction(name)) {
    return declared;
  }
  auto ir_type = [&](const std::string& shape) -> llvm::Type* {
    if (shape == "V") {
      return llvm::Type::getVoidTy(context_);
    }
    return shape[0] == 'P'
               ? static_cast<llvm::Type*>(llvm::PointerType::get(context_, 0))
               : llvm::Type::getInt32Ty(context_);
  };
  std::vector<llvm::Type*> param_types;
  std::vector<llvm::Metadata*> signature{shape_type(result)};
  for (const std::string& param : params) {
    param_types.push_back(ir_type(param));
    signature.push_back(shape_type(param));
  }
  llvm::Function* function = llvm::Function::Create(
      llvm::FunctionType::get(ir_type(result), param_types, false),
      llvm::GlobalValue::ExternalLinkage, name, *module_);
  // An extern in ".ksyms" with a declaration's debug info: the BPF
  // backend writes its prototype into BTF, and libbpf binds the call to
  // the kernel's function of that name (BPF_PSEUDO_KFUNC_CALL).
  function->setSection(".ksyms");
  function->setSubprogram(di_.createFunction(
      file_, name, "", file_, 0,
      di_.createSubroutineType(di_.getOrCreateTypeArray(signature)), 0,
      llvm::DINode::FlagPrototyped, llvm::DISubprogram::SPFlagOptimized));
  return function;
}

llvm::Function* ModuleBuilder::add_probe_function(const std::string& name,
                                                  const std::string& section,
                                                  uint32_t line) {
  auto* type = llvm::FunctionType::get(llvm::Type::getInt32Ty(context_),
                                       {llvm::PointerType::get(context_, 0)},
                                       /*isVarArg=*/false);
  auto* function = llvm::Function::Create(
      type, llvm::GlobalValue::ExternalLinkage, name, *module_);
  function->setSection(section);
  function->getArg(0)->setName("ctx");

  llvm::DIType* pointer = di_.createPointerType(nullptr, 64);
  llvm::DISubroutineType* di_type =
      di_.createSubroutineType(di_.getOrCreateTypeArray({int_type_, pointer}));
  llvm::DISubprogram* subprogram = di_.createFunction(
      unit_, name, name, file_, line, di_type, line,
      llvm::DINode::FlagPrototyped, llvm::DISubprogram::SPFlagDefinition);
  function->setSubprogram(subprogram);
  name_parameters(subprogram, {"ctx"}, {pointer}, line);
  return function;
}

llvm::Function* ModuleBuilder::add_callback_function(const std::string& name,
                                                     uint32_t line) {
  return add_static_function(name, line, {"map", "key", "value", "ctx"});
}

llvm::Function*
ModuleBuilder::add_loop_callback_function(const std::string& name,
                                          uint32_t line) {
  return add_static_function(name, line, {"index", "ctx"});
}

llvm::Function*
ModuleBuilder::add_static_function(const std::string& name,
                                   uint32_t line,
                                   llvm::ArrayRef<const char*> parameters) {
  // Every parameter is a pointer-sized register; an index is a pointer in
  // the IR and in the debug info alike, which the verifier does not read.
  llvm::Type* pointer_type = llvm::PointerType::get(context_, 0);
  std::vector<llvm::Type*> types(parameters.size(), pointer_type);
  auto* type = llvm::FunctionType::get(llvm::Type::getInt64Ty(context_), types,
                                       /*isVarArg=*/false);
  auto* function = llvm::Function::Create(
      type, llvm::GlobalValue::InternalLinkage, name, *module_);
  function->setSection(".text");
  llvm::DIType* pointer = di_.createPointerType(nullptr, 64);
  llvm::DIType* long_type =
      di_.createBasicType("long", 64, llvm::dwarf::DW_ATE_signed);
  std::vector<llvm::Metadata*> signature = {long_type};
  std::vector<llvm::DIType*> parameter_types(parameters.size(), pointer);
  signature.insert(signature.end(), parameter_types.begin(),
                   parameter_types.end());
  llvm::DISubroutineType* di_type =
      di_.createSubroutineType(di_.getOrCreateTypeArray(signature));
  llvm::DISubprogram* subprogram =
      di_.createFunction(unit_, name, name, file_, line, di_type, line,
                         llvm::DINode::FlagPrototyped,
                         llvm::DISubprogram::SPFlagDefinition |
                             llvm::DISubprogram::SPFlagLocalToUnit);
  function->setSubprogram(subprogram);
  name_parameters(subprogram, parameters, parameter_types, line);
  return function;
}

llvm::Function* ModuleBuilder::next_callback() {
  if (next_callback_ != nullptr) {
    return next_callback_;
  }
  next_callback_ = add_callback_function("sonde_next", 1);
  llvm::IRBuilder<> ir(
      llvm::BasicBlock::Create(context_, "entry", next_callback_));
  ir.SetCurrentDebugLocation(
      llvm::DILocation::get(context_, 1, 1, next_callback_->getSubprogram()));
  ir.CreateRet(ir.getInt64(0));
  return next_callback_;
}

void ModuleBuilder::name_parameters(llvm::DISubprogram* subprogram,
                                    llvm::ArrayRef<const char*> names,
                                    llvm::ArrayRef<llvm::DIType*> types,
                                    uint32_t line) {
  // The kernel rejects BTF whose functions have unnamed parameters; BTF
  // takes the names from these preserved parameter variables.
  for (size_t i = 0; i < names.size(); ++i) {
    di_.createParameterVariable(subprogram, names[i], i + 1, file_, line,
                                types[i], /*AlwaysPreserve=*/true);
  }
}

llvm::DebugLoc ModuleBuilder::location(llvm::Function* function,
                                       uint32_t line,
                                       uint32_t column) {
  return llvm::DILocation::get(context_, line, column,
                               function->getSubprogram());
}

llvm::CallInst* ModuleBuilder::call_helper(llvm::IRBuilder<>& ir,
                                           uint32_t id,
                                           llvm::ArrayRef<llvm::Value*> args,
                                           const llvm::Twine& name) {
  std::vector<llvm::Type*> arg_types;
  for (llvm::Value* arg : args) {
    arg_types.push_back(arg->getType());
  }
  auto* type = llvm::FunctionType::get(ir.getInt64Ty(), arg_types, false);
  // BPF helpers are called by number: the callee is the helper id cast to
  // a function pointer, which the BPF backend turns into `call id`.
  llvm::Value* callee = ir.CreateIntToPtr(ir.getInt64(id), ir.getPtrTy());
  return ir.CreateCall(type, callee, args, name);
}

void ModuleBuilder::finalize() { di_.finalize(); }

} // namespace sonde::codegen
