// SPDX-License-Identifier: Apache-2.0
#include "codegen/emit.h"

#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
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
#include <set>

extern "C" {
void LLVMInitializeBPFTargetInfo();
void LLVMInitializeBPFTarget();
void LLVMInitializeBPFTargetMC();
void LLVMInitializeBPFAsmPrinter();
void LLVMInitializeBPFAsmParser();
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
    // Inline asm (an opaque register copy, lower_iter.cpp) is assembled.
    LLVMInitializeBPFAsmParser();
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

// Collects the backend's errors instead of letting LLVM print them and
// exit.
class CollectDiagnostics : public llvm::DiagnosticHandler {
public:
  explicit CollectDiagnostics(std::vector<BackendDiagnostic>& out)
      : out_(out) {}

  bool handleDiagnostics(const llvm::DiagnosticInfo& info) override {
    if (info.getSeverity() != llvm::DS_Error) {
      return true;
    }
    BackendDiagnostic diagnostic;
    std::string text;
    llvm::raw_string_ostream stream(text);
    llvm::DiagnosticPrinterRawOStream printer(stream);
    if (info.getKind() == llvm::DK_Unsupported) {
      const auto& unsupported =
          static_cast<const llvm::DiagnosticInfoUnsupported&>(info);
      unsupported.getMessage().print(stream);
      const llvm::DiagnosticLocation& at = unsupported.getLocation();
      if (at.isValid()) {
        diagnostic.line = at.getLine();
        diagnostic.column = at.getColumn();
      }
    } else {
      info.print(printer);
    }
    diagnostic.message = stream.str();
    diagnostic.stack_limit =
        diagnostic.message.find("stack limit") != std::string::npos;
    // The backend repeats an oversized stack for every access to it; one
    // report per probe is enough.
    if (diagnostic.stack_limit && info.getKind() == llvm::DK_Unsupported) {
      const llvm::Function& function =
          static_cast<const llvm::DiagnosticInfoUnsupported&>(info)
              .getFunction();
      if (!stack_reported_.insert(function.getName().str()).second) {
        return true;
      }
    }
    out_.push_back(std::move(diagnostic));
    return true;
  }

private:
  std::vector<BackendDiagnostic>& out_;
  std::set<std::string> stack_reported_;
};

} // namespace

Result<std::unique_ptr<llvm::TargetMachine>>
create_bpf_target(const std::string& bpf_cpu) {
  initialize_bpf_target();
  const std::string triple = "bpfel";
  std::string error;
  const llvm::Target* target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (target == nullptr) {
    return make_error("the BPF target is unavailable: " + error);
  }
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, bpf_cpu, "", llvm::TargetOptions(), std::nullopt, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
}

Result<std::vector<char>>
emit_object(llvm::Module& module,
            llvm::TargetMachine& machine,
            llvm::raw_ostream* ir_dump,
            std::vector<BackendDiagnostic>& diagnostics) {
  module.getContext().setDiagnosticHandler(
      std::make_unique<CollectDiagnostics>(diagnostics));

  std::string verify_errors;
  llvm::raw_string_ostream verify_stream(verify_errors);
  if (llvm::verifyModule(module, &verify_stream)) {
    return make_error("internal error: invalid IR: " + verify_errors);
  }
  optimize(module, machine);
  if (ir_dump != nullptr) {
    module.print(*ir_dump, nullptr);
  }

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream stream(buffer);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, stream, nullptr,
                                  llvm::CodeGenFileType::ObjectFile)) {
    return make_error("internal error: the BPF backend cannot emit objects");
  }
  codegen.run(module);
  if (!diagnostics.empty()) {
    return make_error("the BPF backend rejected the program");
  }
  return std::vector<char>(buffer.begin(), buffer.end());
}

} // namespace sonde::codegen
