// SPDX-License-Identifier: Apache-2.0
// KernelTypes against the running kernel's BTF; offsets are checked against
// bpftool's raw dump when bpftool is installed, so the expectations follow
// the kernel instead of being copied from one build of it.
#include "btf/kernel_types.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <optional>
#include <sstream>
#include <string>

namespace sonde::btf {
namespace {

using types::AddressSpace;
using types::Field;
using types::Type;

constexpr const char* kVmlinux = "/sys/kernel/btf/vmlinux";

#define SKIP_WITHOUT_BTF()                                                     \
  if (!std::filesystem::exists(kVmlinux)) {                                    \
    GTEST_SKIP() << kVmlinux << " is absent: the kernel has no BTF";           \
  }

// bpftool's raw dump of vmlinux, read once; empty without bpftool.
const std::string& raw_dump() {
  static const std::string dump = [] {
    std::string text;
    FILE* pipe = popen(
        "bpftool btf dump file /sys/kernel/btf/vmlinux format raw 2>/dev/null",
        "r");
    if (pipe == nullptr) {
      return text;
    }
    char buffer[65536];
    size_t size = 0;
    while ((size = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
      text.append(buffer, size);
    }
    pclose(pipe);
    return text;
  }();
  return dump;
}

// bits_offset of `member` in the first STRUCT named `record`, per bpftool.
std::optional<uint32_t> bpftool_bits(const std::string& record,
                                     const std::string& member) {
  const std::string& dump = raw_dump();
  size_t at = dump.find("] STRUCT '" + record + "' ");
  if (at == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream lines(dump.substr(dump.find('\n', at) + 1));
  std::string line;
  while (std::getline(lines, line) && line.starts_with("\t")) {
    if (line.starts_with("\t'" + member + "' ")) {
      const size_t bits = line.find("bits_offset=");
      return static_cast<uint32_t>(std::stoul(line.substr(bits + 12)));
    }
  }
  return std::nullopt;
}

Type lookup_ok(KernelTypes& kernel, std::string_view name) {
  Result<Type> type = kernel.lookup(name);
  if (!type) {
    ADD_FAILURE() << name << ": " << error_text(type.takeError());
    return Type::none();
  }
  return *type;
}

const Field& field_ok(const Type& record, const std::string& name) {
  static const Field kMissing;
  const Field* field = record.field(name);
  EXPECT_NE(field, nullptr)
      << "no field " << name << " in " << record.record_name();
  return field != nullptr ? *field : kMissing;
}

TEST(KernelTypes, TaskStruct) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  const Type task = lookup_ok(kernel, "struct task_struct");
  ASSERT_TRUE(task.is_record());
  EXPECT_TRUE(task.is_complete());
  EXPECT_EQ(task.record_name(), "struct task_struct");
  EXPECT_GT(task.size(), 1000u);

  const Field& pid = field_ok(task, "pid");
  ASSERT_TRUE(pid.type);
  EXPECT_EQ(*pid.type, Type::integer(4, true));
  EXPECT_EQ(pid.bit_size, 0u);
  if (std::optional<uint32_t> bits = bpftool_bits("task_struct", "pid")) {
    EXPECT_EQ(pid.offset * 8, *bits);
  }

  const Field& comm = field_ok(task, "comm");
  ASSERT_TRUE(comm.type);
  EXPECT_EQ(*comm.type, Type::string(16));
  if (std::optional<uint32_t> bits = bpftool_bits("task_struct", "comm")) {
    EXPECT_EQ(comm.offset * 8, *bits);
  }

  const Field& parent = field_ok(task, "real_parent");
  ASSERT_TRUE(parent.type);
  ASSERT_TRUE(parent.type->is_pointer());
  EXPECT_EQ(parent.type->address_space(), AddressSpace::Kernel);
  const Type& pointee = parent.type->pointee();
  EXPECT_TRUE(pointee.is_record());
  EXPECT_FALSE(pointee.is_complete());
  EXPECT_EQ(pointee.record_name(), "struct task_struct");
  EXPECT_EQ(pointee.size(), task.size());
  // Completing the pointee gives the same struct, from the cache.
  const Type completed = kernel.complete(pointee);
  EXPECT_TRUE(completed.is_complete());
  EXPECT_EQ(completed.fields().size(), task.fields().size());

  const Field& mm = field_ok(task, "mm");
  ASSERT_TRUE(mm.type);
  ASSERT_TRUE(mm.type->is_pointer());
  EXPECT_EQ(mm.type->pointee().record_name(), "struct mm_struct");
  const Type mm_struct = kernel.complete(mm.type->pointee());
  EXPECT_NE(mm_struct.field("pgd"), nullptr);
}

TEST(KernelTypes, Bitfield) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  const Type task = lookup_ok(kernel, "struct task_struct");
  const Field& bit = field_ok(task, "sched_reset_on_fork");
  ASSERT_TRUE(bit.type);
  EXPECT_EQ(bit.bit_size, 1u);
  // One load of the type's size at `offset` holds the bit.
  EXPECT_EQ(bit.offset % bit.type->size(), 0u);
  EXPECT_LT(bit.bit_offset + bit.bit_size, bit.type->size() * 8 + 1);
  if (std::optional<uint32_t> bits =
          bpftool_bits("task_struct", "sched_reset_on_fork")) {
    EXPECT_EQ(bit.offset * 8 + bit.bit_offset, *bits);
  }
}

TEST(KernelTypes, AnonymousMembersAreFlattened) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  const Type sock = lookup_ok(kernel, "struct sock");
  const Field& common = field_ok(sock, "__sk_common");
  ASSERT_TRUE(common.type);
  EXPECT_FALSE(common.type->is_complete());
  EXPECT_EQ(common.type->record_name(), "struct sock_common");
  const Type sock_common = kernel.complete(*common.type);
  ASSERT_TRUE(sock_common.is_complete());
  // skc_dport sits in an anonymous struct in an anonymous union.
  const Field& dport = field_ok(sock_common, "skc_dport");
  ASSERT_TRUE(dport.type);
  EXPECT_EQ(*dport.type, Type::integer(2, false));
  EXPECT_EQ(dport.offset, 12u);
  const Field& num = field_ok(sock_common, "skc_num");
  EXPECT_EQ(num.offset, 14u);
  EXPECT_NE(sock_common.field("skc_daddr"), nullptr);
}

TEST(KernelTypes, FileAndInode) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  const Type file = lookup_ok(kernel, "struct file");
  const Field& f_inode = field_ok(file, "f_inode");
  ASSERT_TRUE(f_inode.type);
  ASSERT_TRUE(f_inode.type->is_pointer());
  EXPECT_EQ(f_inode.type->pointee().record_name(), "struct inode");
  if (std::optional<uint32_t> bits = bpftool_bits("file", "f_inode")) {
    EXPECT_EQ(f_inode.offset * 8, *bits);
  }
  const Type inode = kernel.complete(f_inode.type->pointee());
  const Field& i_ino = field_ok(inode, "i_ino");
  ASSERT_TRUE(i_ino.type);
  EXPECT_EQ(*i_ino.type, Type::integer(8, false));
  if (std::optional<uint32_t> bits = bpftool_bits("inode", "i_ino")) {
    EXPECT_EQ(i_ino.offset * 8, *bits);
  }
}

TEST(KernelTypes, NamedTypes) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  EXPECT_EQ(lookup_ok(kernel, "u64"), Type::integer(8, false));
  EXPECT_EQ(lookup_ok(kernel, "pid_t"), Type::integer(4, true));
  EXPECT_EQ(lookup_ok(kernel, "size_t"), Type::integer(8, false));
  EXPECT_EQ(lookup_ok(kernel, "unsigned int"), Type::integer(4, false));
  EXPECT_EQ(lookup_ok(kernel, "long unsigned int"), Type::integer(8, false));
  EXPECT_EQ(lookup_ok(kernel, "unsigned long long"), Type::integer(8, false));
  EXPECT_EQ(lookup_ok(kernel, "short"), Type::integer(2, true));
  EXPECT_EQ(lookup_ok(kernel, "signed char"), Type::integer(1, true));
  EXPECT_EQ(lookup_ok(kernel, "char").size(), 1u);
  EXPECT_EQ(lookup_ok(kernel, "_Bool"), Type::integer(1, false));
  EXPECT_EQ(lookup_ok(kernel, "enum pid_type"), Type::integer(4, false));
  EXPECT_TRUE(lookup_ok(kernel, "void").is_none());

  const Type pointer = lookup_ok(kernel, "struct task_struct *");
  ASSERT_TRUE(pointer.is_pointer());
  EXPECT_EQ(pointer.address_space(), AddressSpace::Kernel);
  EXPECT_FALSE(pointer.pointee().is_complete());
  EXPECT_EQ(pointer.pointee().record_name(), "struct task_struct");
  const Type void_pointer = lookup_ok(kernel, "void*");
  ASSERT_TRUE(void_pointer.is_pointer());
  EXPECT_TRUE(void_pointer.pointee().is_none());

  // A typedef of an anonymous struct is named by the typedef.
  const Type atomic = lookup_ok(kernel, "atomic_t");
  EXPECT_TRUE(atomic.is_record());
  EXPECT_EQ(atomic.record_name(), "atomic_t");
  EXPECT_NE(atomic.field("counter"), nullptr);
}

TEST(KernelTypes, UnknownNames) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  for (std::string_view name :
       {"struct no_such_struct_sonde", "union no_such_union_sonde",
        "no_such_typedef_sonde", "unsigned float", "enum no_such_enum"}) {
    Result<Type> type = kernel.lookup(name);
    EXPECT_FALSE(type) << name;
    if (!type) {
      EXPECT_NE(error_text(type.takeError()).find("no type"),
                std::string::npos);
    }
  }
  Result<FunctionSignature> function = kernel.function("no_such_fn_sonde");
  EXPECT_FALSE(function);
  llvm::consumeError(function.takeError());
  Result<std::vector<Field>> tracepoint =
      kernel.raw_tracepoint_arguments("no_such_tp_sonde");
  EXPECT_FALSE(tracepoint);
  llvm::consumeError(tracepoint.takeError());
  EXPECT_FALSE(kernel.has_function("no_such_fn_sonde"));
  EXPECT_FALSE(kernel.enum_value("NO_SUCH_ENUMERATOR_SONDE"));
}

TEST(KernelTypes, MissingBtfFile) {
  KernelTypes kernel("/nonexistent/sonde/vmlinux");
  llvm::Error error = kernel.load();
  ASSERT_TRUE(bool(error));
  EXPECT_NE(error_text(std::move(error)).find("/nonexistent/sonde/vmlinux"),
            std::string::npos);
  Result<Type> type = kernel.lookup("struct task_struct");
  EXPECT_FALSE(type);
  llvm::consumeError(type.takeError());
  // Base types need no BTF.
  Result<Type> base = kernel.lookup("unsigned char");
  ASSERT_TRUE(bool(base));
  EXPECT_EQ(*base, Type::integer(1, false));
  EXPECT_FALSE(kernel.has_function("vfs_read"));
}

TEST(KernelTypes, SondeBtfNamesTheFile) {
  setenv("SONDE_BTF", "/nonexistent/sonde/from_env", 1);
  KernelTypes kernel;
  unsetenv("SONDE_BTF");
  llvm::Error error = kernel.load();
  ASSERT_TRUE(bool(error));
  EXPECT_NE(error_text(std::move(error)).find("from_env"), std::string::npos);
  EXPECT_TRUE(kernel.modules().empty());
}

TEST(KernelTypes, FunctionArguments) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  Result<FunctionSignature> signature = kernel.function("vfs_read");
  ASSERT_TRUE(bool(signature)) << error_text(signature.takeError());
  const std::vector<Field>& args = signature->arguments;
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[0].name, "file");
  EXPECT_EQ(args[1].name, "buf");
  EXPECT_EQ(args[2].name, "count");
  EXPECT_EQ(args[3].name, "pos");
  for (size_t i = 0; i < args.size(); ++i) {
    EXPECT_EQ(args[i].offset, i * 8);
  }
  ASSERT_TRUE(args[0].type->is_pointer());
  EXPECT_EQ(args[0].type->pointee().record_name(), "struct file");
  ASSERT_TRUE(args[1].type->is_pointer());
  // Signedness of char depends on the kernel (-funsigned-char since 6.2).
  EXPECT_TRUE(args[1].type->pointee().is_integer());
  EXPECT_EQ(args[1].type->pointee().size(), 1u);
  EXPECT_EQ(*args[2].type, Type::integer(8, false));
  ASSERT_TRUE(args[3].type->is_pointer());
  EXPECT_EQ(args[3].type->pointee(), Type::integer(8, true));
  EXPECT_EQ(signature->return_type, Type::integer(8, true));

  Result<std::vector<Field>> same = kernel.function_arguments("vfs_read");
  ASSERT_TRUE(bool(same));
  EXPECT_EQ(same->size(), 4u);
}

TEST(KernelTypes, RawTracepointArguments) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  Result<std::vector<Field>> exec =
      kernel.raw_tracepoint_arguments("sched_process_exec");
  ASSERT_TRUE(bool(exec)) << error_text(exec.takeError());
  ASSERT_EQ(exec->size(), 3u);
  EXPECT_EQ((*exec)[0].name, "p");
  EXPECT_EQ((*exec)[1].name, "old_pid");
  EXPECT_EQ((*exec)[2].name, "bprm");
  EXPECT_EQ((*exec)[0].type->pointee().record_name(), "struct task_struct");
  EXPECT_EQ(*(*exec)[1].type, Type::integer(4, true));
  EXPECT_EQ((*exec)[2].type->pointee().record_name(), "struct linux_binprm");
  EXPECT_EQ((*exec)[2].offset, 16u);

  Result<std::vector<Field>> sched_switch =
      kernel.raw_tracepoint_arguments("sched_switch");
  ASSERT_TRUE(bool(sched_switch)) << error_text(sched_switch.takeError());
  ASSERT_EQ(sched_switch->size(), 4u);
  EXPECT_EQ((*sched_switch)[0].name, "preempt");
  EXPECT_EQ(*(*sched_switch)[0].type, Type::integer(1, false));
  EXPECT_EQ((*sched_switch)[1].name, "prev");
  EXPECT_EQ((*sched_switch)[2].name, "next");
  EXPECT_EQ((*sched_switch)[3].name, "prev_state");
  EXPECT_EQ((*sched_switch)[3].offset, 24u);
}

TEST(KernelTypes, FunctionsAndEnums) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  EXPECT_TRUE(kernel.has_function("vfs_read"));
  const std::vector<std::string> matching =
      kernel.functions_matching("vfs_rea*");
  EXPECT_NE(std::find(matching.begin(), matching.end(), "vfs_read"),
            matching.end());
  for (const std::string& name : matching) {
    EXPECT_TRUE(name.starts_with("vfs_rea")) << name;
  }
  EXPECT_EQ(kernel.enum_value("TASK_COMM_LEN"), 16);
  EXPECT_EQ(kernel.enum_value("PIDTYPE_TGID"), 1);
}

TEST(KernelTypes, ClosestField) {
  SKIP_WITHOUT_BTF();
  KernelTypes kernel(kVmlinux);
  const Type task = lookup_ok(kernel, "struct task_struct");
  EXPECT_EQ(closest_field(task, "pidd"), "pid");
  EXPECT_EQ(closest_field(task, "zzzzzzzzzzzzzz"), std::nullopt);
}

} // namespace
} // namespace sonde::btf
