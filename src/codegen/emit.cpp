// SPDX-License-Identifier: Apache-2.0
#include "codegen/emit.h"

#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar.h"
#include "llvm/Transforms/Scalar/GVN.h"
#include "llvm/Transforms/Utils.h"

#include <mutex>

extern "C" {
void LLVMInitializeBPFTargetInfo();
void LLVMInitializeBPFTarget();
void LLVMInitializeBPFTargetMC();
void LLVMInitializeBPFAsmPrinter();
}

namespace sonde::codegen {

namespace {

// Only the BPF target is linked in, and only it is initialized.
void initialize_bpf_target() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
  });
}

// A short function pipeline instead of the full -O2 one: probe bodies are
// straight-line code over stack slots, so promoting them to registers and
// folding is most of what matters, and linking LLVM's pass builder would
// cost start-up time.
void optimize(llvm::Module& module, llvm::TargetMachine& machine) {
  llvm::legacy::FunctionPassManager passes(&module);
  passes.add(llvm::createTargetTransformInfoWrapperPass(
      machine.getTargetIRAnalysis()));
  passes.add(llvm::createSROAPass());
  passes.add(llvm::createEarlyCSEPass());
  passes.add(llvm::createInstructionCombiningPass());
  passes.add(llvm::createCFGSimplificationPass());
  passes.doInitialization();
  for (llvm::Function& function : module) {
    if (!function.isDeclaration()) {
      passes.run(function);
    }
  }
  passes.doFinalization();
}

} // namespace

Result<std::vector<char>> emit_object(llvm::Module& module,
                                      const std::string& bpf_cpu,
                                      llvm::raw_ostream* ir_dump) {
  initialize_bpf_target();
  const std::string triple = "bpfel";
  std::string error;
  const llvm::Target* target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (target == nullptr) {
    return make_error("the BPF target is unavailable: " + error);
  }
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, bpf_cpu, "", llvm::TargetOptions(), std::nullopt, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  module.setTargetTriple(triple);
  module.setDataLayout(machine->createDataLayout());

  std::string verify_errors;
  llvm::raw_string_ostream verify_stream(verify_errors);
  if (llvm::verifyModule(module, &verify_stream)) {
    return make_error("internal error: invalid IR: " + verify_errors);
  }
  optimize(module, *machine);
  if (ir_dump != nullptr) {
    module.print(*ir_dump, nullptr);
  }

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream stream(buffer);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, stream, nullptr,
                                   llvm::CodeGenFileType::ObjectFile)) {
    return make_error("internal error: the BPF backend cannot emit objects");
  }
  codegen.run(module);
  return std::vector<char>(buffer.begin(), buffer.end());
}

} // namespace sonde::codegen
