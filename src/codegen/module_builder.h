// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codegen/artifact.h"

#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace sonde::codegen {

// Owns the LLVM module being built and the pieces every function needs:
// BTF-described map globals in ".maps", the license, debug info, and calls
// to BPF helpers by number.
class ModuleBuilder {
public:
  ModuleBuilder(llvm::LLVMContext& context,
                const llvm::TargetMachine& machine,
                const std::string& source_name,
                const std::string& source_text,
                const std::string& license);

  llvm::Module& module() { return *module_; }
  std::unique_ptr<llvm::Module> take_module();
  llvm::LLVMContext& context() { return context_; }

  // Declares a map `name` in ".maps" with its BTF description, as libbpf
  // expects of BTF-defined maps. A zero key or value size leaves that
  // attribute out (ring buffers have neither); so do zero map_flags.
  llvm::GlobalVariable* add_map(const std::string& name,
                                uint32_t map_type,
                                uint32_t max_entries,
                                uint32_t key_size,
                                uint32_t value_size,
                                uint32_t map_flags = 0);

  // Declares the kernel variable `name` as an extern in ".ksyms", typed
  // with the kinds of `shape` (see CheckedProgram::percpu_shapes), so
  // libbpf binds it to the kernel's BTF variable (BPF_PSEUDO_BTF_ID).
  llvm::GlobalVariable* add_kernel_variable(const std::string& name,
                                            const std::string& shape);
  // Declares the kernel function (kfunc) `name` as an extern in ".ksyms"
  // with the prototype `result (params...)`, each a shape as above ("PS"
  // for a struct pointer, "I" for an int, "V" for void); libbpf checks it
  // against the kernel's BTF. Declared once per module.
  llvm::Function* kernel_function(const std::string& name,
                                  const std::string& result,
                                  llvm::ArrayRef<std::string> params);
  // Starts a probe function `int name(void *ctx)` in `section`.
  // A static function `long name(map, key, value, ctx)` for
  // bpf_for_each_map_elem.
  llvm::Function* add_callback_function(const std::string& name, uint32_t line);
  // A static function `long name(index, ctx)` for bpf_loop.
  llvm::Function* add_loop_callback_function(const std::string& name,
                                             uint32_t line);
  llvm::Function* add_probe_function(const std::string& name,
                                     const std::string& section,
                                     uint32_t line);

  // `long next(void *map, void *key, void *value, void *ctx)`: the
  // bpf_for_each_map_elem callback of len(@m), which goes on to the next
  // element (the helper returns how many it visited). Built on first use,
  // in .text with debug info as libbpf wants of subprograms.
  llvm::Function* next_callback();

  // The debug location of a script position inside `function`.
  llvm::DebugLoc
  location(llvm::Function* function, uint32_t line, uint32_t column);

  // Emits a call to BPF helper `id` with the given arguments, returning its
  // 64-bit result.
  llvm::CallInst* call_helper(llvm::IRBuilder<>& ir,
                              uint32_t id,
                              llvm::ArrayRef<llvm::Value*> args,
                              const llvm::Twine& name = "");

  // Completes debug info; call once before emitting.
  void finalize();

private:
  // A static function in .text returning long, whose parameters are all
  // pointer-sized, with the debug info libbpf wants of subprograms.
  llvm::Function* add_static_function(const std::string& name,
                                      uint32_t line,
                                      llvm::ArrayRef<const char*> parameters);
  void name_parameters(llvm::DISubprogram* subprogram,
                       llvm::ArrayRef<const char*> names,
                       llvm::ArrayRef<llvm::DIType*> types,
                       uint32_t line);
  llvm::DIType* int_array_pointer(uint32_t count);
  // The debug type of a shape: kinds only, which is all libbpf compares
  // when it binds a .ksyms extern to the kernel's BTF.
  llvm::DIType* shape_type(const std::string& shape);

  llvm::LLVMContext& context_;
  std::unique_ptr<llvm::Module> module_;
  llvm::DIBuilder di_;
  llvm::DIFile* file_;
  llvm::DICompileUnit* unit_;
  llvm::DIBasicType* int_type_;
  llvm::Function* next_callback_ = nullptr;
};

} // namespace sonde::codegen
