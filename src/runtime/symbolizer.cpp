// SPDX-License-Identifier: Apache-2.0
#include "runtime/symbolizer.h"

#include "base/strings.h"
#include "probes/tracefs.h"
#include "symbols/dwarf_types.h"
#include "symbols/kallsyms.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <ftw.h>
#include <pwd.h>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <tuple>

namespace sonde::runtime {

Symbolizer::Symbolizer(bpf_object* object,
                       const codegen::RuntimeMetadata& metadata)
    : object_(object), metadata_(metadata) {}

Symbolizer::~Symbolizer() = default;

int Symbolizer::stack_map_fd(uint32_t depth, bool build_id) {
  auto found = stack_fds_.find({depth, build_id});
  if (found != stack_fds_.end()) {
    return found->second;
  }
  bpf_map* map = bpf_object__find_map_by_name(
      object_, codegen::stack_map_name(depth, build_id).c_str());
  int fd = map == nullptr ? -1 : bpf_map__fd(map);
  stack_fds_[{depth, build_id}] = fd;
  return fd;
}

std::vector<uint64_t> Symbolizer::stack(const types::Type& type,
                                        const char* data) {
  int64_t id = 0;
  std::memcpy(&id, data, sizeof(id));
  int fd = stack_map_fd(type.element_count(), false);
  if (id < 0 || fd < 0) {
    return {};
  }
  std::vector<uint64_t> frames(type.element_count(), 0);
  uint32_t key = static_cast<uint32_t>(id);
  if (bpf_map_lookup_elem(fd, &key, frames.data()) != 0) {
    return {};
  }
  auto end = std::find(frames.begin(), frames.end(), uint64_t(0));
  frames.erase(end, frames.end());
  // A user stack taken where a uprobe or USDT probe entered starts at the
  // probed instruction, which tells where its file is loaded.
  uint64_t process = 0;
  if (type.is_user_stack()) {
    std::memcpy(&process, data + 8, sizeof(process));
  }
  std::optional<codegen::SymbolTag> tag = codegen::SymbolTag::of(process);
  if (tag && !frames.empty() && tag->program < metadata_.programs.size()) {
    const codegen::ProgramMeta& meta = metadata_.programs[tag->program];
    auto pid = static_cast<uint32_t>(process);
    if (!meta.targets.empty() &&
        probes::retval_source(meta.targets[0].kind) ==
            probes::RetvalSource::None &&
        !maps_resolve(pid, frames[0])) {
      learn_bias(pid, tag->program, frames[0]);
    }
  }
  return frames;
}

std::vector<output::BuildIdFrame>
Symbolizer::build_id_stack(const types::Type& type, const char* data) {
  int64_t id = 0;
  std::memcpy(&id, data, sizeof(id));
  int fd = stack_map_fd(type.element_count(), true);
  if (id < 0 || fd < 0) {
    return {};
  }
  std::vector<bpf_stack_build_id> raw(type.element_count());
  uint32_t key = static_cast<uint32_t>(id);
  if (bpf_map_lookup_elem(fd, &key, raw.data()) != 0) {
    return {};
  }
  std::vector<output::BuildIdFrame> frames;
  for (const bpf_stack_build_id& entry : raw) {
    if (entry.status == BPF_STACK_BUILD_ID_EMPTY) {
      break; // the frames past the stack's end
    }
    output::BuildIdFrame frame;
    frame.has_build_id = entry.status == BPF_STACK_BUILD_ID_VALID;
    if (frame.has_build_id) {
      frame.build_id.assign(std::begin(entry.build_id),
                            std::end(entry.build_id));
      frame.offset_or_ip = entry.offset;
    } else {
      frame.offset_or_ip = entry.ip;
    }
    frames.push_back(std::move(frame));
  }
  return frames;
}

output::ResolvedSymbol Symbolizer::kernel_symbol(uint64_t address) {
  Result<const symbols::Kallsyms*> kallsyms = symbols::Kallsyms::system();
  if (!kallsyms) {
    llvm::consumeError(kallsyms.takeError());
    return {};
  }
  std::optional<symbols::KernelSymbolHit> hit = (*kallsyms)->lookup(address);
  if (!hit) {
    return {};
  }
  return {true, std::string(hit->symbol->name), hit->offset,
          std::string(hit->symbol->module)};
}

Symbolizer::Process& Symbolizer::process(uint32_t pid) {
  std::unique_ptr<Process>& slot = processes_[pid];
  if (slot != nullptr) {
    return *slot;
  }
  slot = std::make_unique<Process>();
  Result<symbols::ProcessMaps> maps = symbols::ProcessMaps::read(pid);
  if (maps) {
    slot->maps.emplace(std::move(*maps));
  } else {
    llvm::consumeError(maps.takeError());
  }
  // JIT compilers (V8, the JVM with perf-map-agent, ...) write
  // "START SIZE name" lines, in hex, to /tmp/perf-PID.map.
  std::ifstream perf_map("/tmp/perf-" + std::to_string(pid) + ".map");
  std::string line;
  while (std::getline(perf_map, line)) {
    std::istringstream fields(line);
    JitSymbol symbol;
    if (!(fields >> std::hex >> symbol.start >> symbol.size)) {
      continue;
    }
    std::getline(fields >> std::ws, symbol.name);
    slot->jit.push_back(std::move(symbol));
  }
  std::sort(
      slot->jit.begin(), slot->jit.end(),
      [](const JitSymbol& a, const JitSymbol& b) { return a.start < b.start; });
  return *slot;
}

output::ResolvedSymbol Symbolizer::user_symbol(uint64_t address,
                                               uint64_t process_word) {
  auto pid = static_cast<uint32_t>(process_word);
  Process& traced = process(pid);
  output::ResolvedSymbol resolved;
  if (traced.maps) {
    Result<symbols::AddressInfo> info = traced.maps->resolve(address);
    if (info) {
      resolved.module = info->map.path;
      if (info->symbol && info->file) {
        resolved.found = true;
        resolved.name =
            std::string(info->file->display_name(*info->symbol->symbol));
        resolved.offset = info->symbol->offset;
        return resolved;
      }
    } else {
      llvm::consumeError(info.takeError());
    }
  }
  // Without maps (the process exited), or with maps read before the
  // process ran the probed file (it was starting when they were
  // preloaded): the files the probe names.
  if (output::ResolvedSymbol probed = probed_file_symbol(address, process_word);
      probed.found) {
    return probed;
  }
  auto after = std::upper_bound(traced.jit.begin(), traced.jit.end(), address,
                                [](uint64_t value, const JitSymbol& symbol) {
                                  return value < symbol.start;
                                });
  if (after != traced.jit.begin()) {
    const JitSymbol& symbol = *std::prev(after);
    if (address < symbol.start + symbol.size) {
      resolved.found = true;
      resolved.name = symbol.name;
      resolved.offset = address - symbol.start;
      if (resolved.module.empty()) {
        resolved.module = "/tmp/perf-" + std::to_string(pid) + ".map";
      }
    }
  }
  return resolved;
}

output::UserSourceFrame Symbolizer::user_source(uint64_t address,
                                                uint64_t process_word,
                                                bool return_address) {
  auto pid = static_cast<uint32_t>(process_word);
  output::UserSourceFrame source;
  if (!metadata_.show_debug_info) {
    return source;
  }
  // A return address is the instruction after the call, which may already
  // be the next line.
  uint64_t at = return_address && address > 0 ? address - 1 : address;
  std::shared_ptr<const symbols::ElfFile> file;
  std::optional<uint64_t> elf_address;
  Process& traced = process(pid);
  if (traced.maps) {
    Result<symbols::AddressInfo> info = traced.maps->resolve(at);
    if (info && info->symbol) {
      file = info->file;
      elf_address = info->elf_address;
    } else if (!info) {
      llvm::consumeError(info.takeError());
    }
  }
  if (!file) {
    // The process has exited: a probed file whose place is known.
    std::tie(file, elf_address) = probed_file_at(at, process_word);
  }
  if (!file || !elf_address || without_dwarf_.count(file->path()) != 0) {
    return source;
  }
  Result<std::shared_ptr<symbols::DwarfFile>> dwarf =
      symbols::DwarfFile::open(file->path(), file->debug_file());
  if (!dwarf) {
    llvm::consumeError(dwarf.takeError());
    without_dwarf_[file->path()] = true;
    return source;
  }
  symbols::SourceFrames frames = (*dwarf)->source_frames(*elf_address);
  for (symbols::InlinedFrame& frame : frames.inlined) {
    source.inlined.emplace_back(std::move(frame.name),
                                std::move(frame.location));
  }
  source.location = std::move(frames.location);
  return source;
}

bool Symbolizer::maps_resolve(uint32_t pid, uint64_t address) {
  Process& traced = process(pid);
  if (!traced.maps) {
    return false;
  }
  // The maps of a process that was exiting when they were read are empty.
  Result<symbols::AddressInfo> info = traced.maps->resolve(address);
  if (!info) {
    llvm::consumeError(info.takeError());
    return false;
  }
  return info->symbol.has_value() && info->file != nullptr;
}

std::optional<output::ResolvedSymbol>
Symbolizer::learn_bias(uint32_t pid, uint32_t program, uint64_t address) {
  // The targets whose instruction the address can be: at that address in a
  // position-dependent file, at the same offset in a page otherwise (PIE
  // objects load at a page-aligned bias).
  std::optional<output::ResolvedSymbol> found;
  std::optional<std::pair<std::string, uint64_t>> bias;
  for (const probes::AttachTarget& target :
       metadata_.programs[program].targets) {
    Result<std::shared_ptr<const symbols::ElfFile>> file =
        symbols::ElfFile::open(target.target.at(0));
    if (!file) {
      llvm::consumeError(file.takeError());
      continue;
    }
    std::optional<uint64_t> vaddr =
        (*file)->layout().vaddr_of_offset(target.file_offset);
    if (!vaddr) {
      continue;
    }
    bool fixed = (*file)->kind() == symbols::ElfKind::Executable;
    if (fixed ? *vaddr != address
              : (*vaddr - address) % 4096 != 0 || address < *vaddr) {
      continue;
    }
    std::pair<std::string, uint64_t> candidate{(*file)->path(),
                                               fixed ? 0 : address - *vaddr};
    if (bias && *bias != candidate) {
      // Several targets fit: the address does not say which it is.
      return std::nullopt;
    }
    bias = candidate;
    std::optional<symbols::SymbolHit> hit = (*file)->function_at(*vaddr);
    if (hit) {
      found = output::ResolvedSymbol{
          true, std::string((*file)->display_name(*hit->symbol)), hit->offset,
          target.target.at(0)};
    }
  }
  if (bias) {
    biases_[{pid, bias->first}] = bias->second;
  }
  return found;
}

std::pair<std::shared_ptr<const symbols::ElfFile>, std::optional<uint64_t>>
Symbolizer::probed_file_at(uint64_t address, uint64_t process_word) {
  std::optional<codegen::SymbolTag> tag = codegen::SymbolTag::of(process_word);
  auto pid = static_cast<uint32_t>(process_word);
  if (!tag || tag->program >= metadata_.programs.size()) {
    return {};
  }
  // A position-dependent executable, or a file whose bias was learned.
  for (const probes::AttachTarget& target :
       metadata_.programs[tag->program].targets) {
    Result<std::shared_ptr<const symbols::ElfFile>> file =
        symbols::ElfFile::open(target.target.at(0));
    if (!file) {
      llvm::consumeError(file.takeError());
      continue;
    }
    uint64_t bias = 0;
    if ((*file)->kind() != symbols::ElfKind::Executable) {
      auto learned = biases_.find({pid, (*file)->path()});
      if (learned == biases_.end() || address < learned->second) {
        continue;
      }
      bias = learned->second;
    }
    Result<uint64_t> offset = (*file)->layout().file_offset(address - bias);
    if (!offset) {
      llvm::consumeError(offset.takeError());
      continue;
    }
    return {*file, address - bias};
  }
  return {};
}

output::ResolvedSymbol Symbolizer::probed_file_symbol(uint64_t address,
                                                      uint64_t process_word) {
  std::optional<codegen::SymbolTag> tag = codegen::SymbolTag::of(process_word);
  auto pid = static_cast<uint32_t>(process_word);
  if (!tag || tag->program >= metadata_.programs.size()) {
    return {};
  }
  if (tag->probe_address) {
    if (std::optional<output::ResolvedSymbol> symbol =
            learn_bias(pid, tag->program, address)) {
      return *symbol;
    }
  }
  auto [file, elf_address] = probed_file_at(address, process_word);
  if (!file || !elf_address) {
    return {};
  }
  if (std::optional<symbols::SymbolHit> hit = file->function_at(*elf_address)) {
    return {true, std::string(file->display_name(*hit->symbol)), hit->offset,
            file->path()};
  }
  return {};
}

void Symbolizer::preload(const std::vector<std::string>& files) {
  std::set<std::pair<uint64_t, uint64_t>> wanted;
  for (const std::string& file : files) {
    struct stat status;
    if (::stat(file.c_str(), &status) == 0) {
      wanted.emplace(status.st_dev, status.st_ino);
    }
  }
  if (wanted.empty()) {
    return;
  }
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc", error)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) {
      continue;
    }
    auto pid = static_cast<uint32_t>(std::stoul(name));
    Result<symbols::ProcessMaps> maps =
        symbols::ProcessMaps::read(static_cast<int>(pid));
    if (!maps) {
      llvm::consumeError(maps.takeError());
      continue;
    }
    bool maps_one = false;
    for (const symbols::MappedObject& object : maps->objects()) {
      struct stat status;
      maps_one =
          maps_one || (!object.open_path.empty() &&
                       ::stat(object.open_path.c_str(), &status) == 0 &&
                       wanted.count({status.st_dev, status.st_ino}) != 0);
    }
    if (maps_one && processes_.count(pid) == 0) {
      auto slot = std::make_unique<Process>();
      slot->maps.emplace(std::move(*maps));
      processes_[pid] = std::move(slot);
    }
  }
}

std::string format_time(const std::string& format, int64_t epoch_nanoseconds) {
  // %f is not strftime's: replace it with the microseconds first.
  std::string expanded;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '%' && i + 1 < format.size()) {
      if (format[i + 1] == 'f') {
        char micro[8];
        snprintf(
            micro, sizeof(micro), "%06lld",
            static_cast<long long>((epoch_nanoseconds % 1000000000) / 1000));
        expanded += micro;
      } else {
        expanded += format.substr(i, 2);
      }
      ++i;
      continue;
    }
    expanded += format[i];
  }
  time_t seconds = static_cast<time_t>(epoch_nanoseconds / 1000000000);
  struct tm local;
  localtime_r(&seconds, &local);
  std::string text(expanded.size() * 4 + 64, '\0');
  size_t length = strftime(text.data(), text.size(), expanded.c_str(), &local);
  text.resize(length);
  return text;
}

std::string Symbolizer::timestamp(uint64_t format_id, uint64_t boot_ns) {
  if (format_id >= metadata_.time_formats.size()) {
    return "";
  }
  if (!boot_offset_) {
    timespec real;
    timespec boot;
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_BOOTTIME, &boot);
    boot_offset_ = (int64_t(real.tv_sec) - boot.tv_sec) * 1000000000 +
                   (int64_t(real.tv_nsec) - boot.tv_nsec);
  }
  return format_time(metadata_.time_formats[format_id],
                     static_cast<int64_t>(boot_ns) + *boot_offset_);
}

std::string Symbolizer::username(uint64_t uid) {
  auto found = usernames_.find(uid);
  if (found != usernames_.end()) {
    return found->second;
  }
  passwd entry;
  passwd* result = nullptr;
  char buffer[4096];
  std::string name = std::to_string(uid);
  if (getpwuid_r(static_cast<uid_t>(uid), &entry, buffer, sizeof(buffer),
                 &result) == 0 &&
      result != nullptr) {
    name = result->pw_name;
  }
  usernames_[uid] = name;
  return name;
}

namespace {

// nftw has no user argument: the search state lives here for one walk.
uint64_t searched_inode = 0;
std::string found_path;

int match_cgroup(const char* path,
                 const struct stat* status,
                 int type,
                 FTW* /*walk*/) {
  if (type == FTW_D && status->st_ino == searched_inode) {
    found_path = path;
    return 1;
  }
  return 0;
}

// The mounted cgroup hierarchies, as bpftrace names them: cgroup2 is
// "unified", a v1 hierarchy is named by its controllers ("cpu,cpuacct") or
// its name= option. unified comes first, the others by name.
std::vector<std::pair<std::string, std::string>> cgroup_hierarchies() {
  std::vector<std::pair<std::string, std::string>> unified;
  std::vector<std::pair<std::string, std::string>> legacy;
  std::ifstream mounts("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mounts, line)) {
    // "id parent dev root mountpoint options [tags] - fstype source super".
    std::istringstream fields(line);
    std::vector<std::string> words;
    for (std::string word; fields >> word;) {
      words.push_back(word);
    }
    auto dash = std::find(words.begin(), words.end(), "-");
    if (words.size() < 5 || dash == words.end() || words.end() - dash < 4) {
      continue;
    }
    const std::string& type = dash[1];
    if (type == "cgroup2") {
      unified.emplace_back("unified", words[4]);
    } else if (type == "cgroup") {
      std::string name;
      for (const std::string& option : split(dash[3], ',')) {
        if (option == "rw" || option == "ro") {
          continue;
        }
        std::string_view controller = option;
        if (controller.starts_with("name=")) {
          controller.remove_prefix(5);
        } else if (controller.find('=') != std::string_view::npos) {
          continue;
        }
        name += (name.empty() ? "" : ",") + std::string(controller);
      }
      legacy.emplace_back(name, words[4]);
    }
  }
  std::sort(legacy.begin(), legacy.end());
  unified.insert(unified.end(), legacy.begin(), legacy.end());
  return unified;
}

} // namespace

std::string Symbolizer::cgroup_path(uint64_t id) {
  auto found = cgroup_paths_.find(id);
  if (found != cgroup_paths_.end()) {
    return found->second;
  }
  // A cgroup id is its directory's inode number; every hierarchy that has
  // it is listed, "unified:/user.slice,cpu:/" (COMPAT 50).
  std::string paths;
  for (const auto& [name, root] : cgroup_hierarchies()) {
    searched_inode = id;
    found_path.clear();
    nftw(root.c_str(), match_cgroup, 16, FTW_PHYS | FTW_MOUNT);
    if (found_path.empty()) {
      continue;
    }
    paths +=
        (paths.empty() ? "" : ",") + name + ":" +
        (found_path.size() == root.size() ? std::string("/")
                                          : found_path.substr(root.size()));
  }
  if (paths.empty()) {
    paths = std::to_string(id);
  }
  cgroup_paths_[id] = paths;
  return paths;
}

std::string_view Symbolizer::truncation_trailer() {
  return metadata_.str_trunc_trailer;
}

std::string Symbolizer::gfp_flags(uint64_t flags) {
  if (!gfp_names_) {
    // The kernel prints gfp_t with the same table in every kmem event;
    // without tracefs the flags print in hex.
    gfp_names_.emplace();
    if (Result<probes::Tracefs*> tracefs = probes::Tracefs::system()) {
      for (const char* event : {"kmalloc", "mm_page_alloc"}) {
        std::optional<std::string> text =
            read_file((*tracefs)->root() + "/events/kmem/" + event + "/format");
        if (text) {
          *gfp_names_ = output::parse_print_flags(*text, "gfp_flags");
        }
        if (!gfp_names_->empty()) {
          break;
        }
      }
    } else {
      llvm::consumeError(tracefs.takeError());
    }
  }
  return output::flags_text(flags, *gfp_names_);
}

} // namespace sonde::runtime
