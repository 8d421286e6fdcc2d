// SPDX-License-Identifier: Apache-2.0
#include "base/check.h"
#include "probes/probe_type.h"
#include "probes/providers.h"
#include "probes/tracefs.h"

#include <bpf/libbpf.h>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace sonde::probes {

namespace {

// The rows of probe_kinds.def, in ProbeKind order; each cell but the
// spelling and `registers` names an enumerator of its column's type.
constexpr ProbeTraits kTraits[] = {
#define PROBE_KIND(name, spelling, space, arguments, retval, args, registers,  \
                   func, pid, listing, trigger)                                \
  {spelling,                                                                   \
   types::AddressSpace::space,                                                 \
   ArgumentSource::arguments,                                                  \
   RetvalSource::retval,                                                       \
   ArgsRecord::args,                                                           \
   registers,                                                                  \
   FuncSymbol::func,                                                           \
   PidFilter::pid,                                                             \
   Listing::listing,                                                           \
   Trigger::trigger},
#include "probes/probe_kinds.def"
#undef PROBE_KIND
};

} // namespace

const ProbeTraits& traits(ProbeKind kind) {
  return kTraits[static_cast<size_t>(kind)];
}

Attachment Attachment::from_link_fd(int fd) {
  Attachment attachment;
  attachment.link_fd_ = fd;
  return attachment;
}

Attachment::Attachment(Attachment&& other) noexcept
    : link_(other.link_), link_fd_(other.link_fd_) {
  other.link_ = nullptr;
  other.link_fd_ = -1;
}

Attachment& Attachment::operator=(Attachment&& other) noexcept {
  if (this != &other) {
    reset();
    link_ = other.link_;
    link_fd_ = other.link_fd_;
    other.link_ = nullptr;
    other.link_fd_ = -1;
  }
  return *this;
}

Attachment::~Attachment() { reset(); }

void Attachment::reset() {
  if (link_ != nullptr) {
    bpf_link__destroy(link_);
    link_ = nullptr;
  }
  if (link_fd_ >= 0) {
    close(link_fd_);
    link_fd_ = -1;
  }
}

Result<std::vector<Attachment>>
ProbeType::attach_all(bpf_program* program,
                      const std::vector<AttachTarget>& targets) const {
  std::vector<Attachment> all;
  for (const AttachTarget& target : targets) {
    Result<std::vector<Attachment>> attached = attach(program, target);
    if (!attached) {
      return make_error("attaching '" + target.full_name +
                        "' failed: " + error_text(attached.takeError()));
    }
    for (Attachment& attachment : *attached) {
      all.push_back(std::move(attachment));
    }
  }
  return all;
}

void ProbeType::prepare(bpf_program*, const std::vector<AttachTarget>&) const {}

Result<types::Type> ProbeType::args_type(const AttachTarget&) const {
  return types::Type::none();
}

Result<RegisterArgs> ProbeType::register_args(const AttachTarget&) const {
  return make_error("this probe type has no arguments typed from registers");
}

std::optional<std::string>
ProbeType::context_struct(const AttachTarget&) const {
  // Every perf-event program (interval, profile, software, hardware,
  // watchpoint) gets the sample's data.
  if (program_type() == ProgramType::PerfEvent) {
    return "struct bpf_perf_event_data";
  }
  return std::nullopt;
}

std::optional<uint64_t> ProbeType::watched_address(const AttachTarget&) const {
  return std::nullopt;
}

KernelSupport ProbeType::kernel_support() const { return {}; }

Result<std::vector<std::string>> ProbeType::list() const {
  return std::vector<std::string>{};
}

Result<std::vector<std::string>>
ProbeType::arg_declarations(const AttachTarget&) const {
  return std::vector<std::string>{};
}

std::pair<std::string, std::optional<uint64_t>>
split_offset(const std::string& text) {
  size_t plus = text.rfind('+');
  if (plus == std::string::npos || plus == 0) {
    return {text, std::nullopt};
  }
  std::string number = text.substr(plus + 1);
  char* end = nullptr;
  uint64_t offset = std::strtoull(number.c_str(), &end, 0);
  if (number.empty() || *end != '\0') {
    return {text, std::nullopt};
  }
  return {text.substr(0, plus), offset};
}

types::Type context_record(std::string name, std::vector<types::Field> fields) {
  for (types::Field& field : fields) {
    const types::Type& type = *field.type;
    if (type.is_integer()) {
      field.type = std::make_shared<const types::Type>(
          types::Type::integer(8, type.is_signed()));
    } else if (!type.is_pointer()) {
      field.type = std::make_shared<const types::Type>(types::Type::u64());
    }
  }
  const uint32_t size = 8 * static_cast<uint32_t>(fields.size());
  return types::Type::record(std::move(name), std::move(fields), size);
}

Result<std::vector<std::string>>
record_declarations(Result<types::Type> record) {
  if (!record) {
    return record.takeError();
  }
  std::vector<std::string> declarations;
  for (const types::Field& field : record->fields()) {
    declarations.push_back(field.type->name() + " " + field.name);
  }
  return declarations;
}

Result<std::vector<Attachment>> single_attachment(bpf_link* link) {
  if (link == nullptr) {
    return make_error(attach_error_text(errno));
  }
  std::vector<Attachment> attachments;
  attachments.emplace_back(link);
  return attachments;
}

std::string attach_error_text(int error) {
  std::string text = std::strerror(error);
  if (error == EPERM || error == EACCES) {
    text += " (tracing needs root, or CAP_BPF and CAP_PERFMON)";
  }
  return text;
}

std::unique_ptr<ProbeCatalog>
ProbeCatalog::create(std::shared_ptr<const Tracefs> tracefs) {
  auto catalog = std::make_unique<ProbeCatalog>();
  // The registry: one line per provider, canonical name first. bpftrace
  // HEAD spells BEGIN/END in lower case; both are accepted.
  catalog->add(make_begin_end_probe(ProbeKind::Begin), {"BEGIN", "begin"});
  catalog->add(make_begin_end_probe(ProbeKind::End), {"END", "end"});
  catalog->add(make_tracepoint_probe(tracefs), {"tracepoint", "t"});
  catalog->add(make_interval_probe(), {"interval", "i"});
  catalog->add(make_profile_probe(), {"profile", "p"});
  catalog->add(make_software_probe(), {"software", "s"});
  catalog->add(make_hardware_probe(), {"hardware", "h"});
  catalog->add(make_uprobe_probe(false), {"uprobe", "u"});
  catalog->add(make_uprobe_probe(true), {"uretprobe", "ur"});
  catalog->add(make_usdt_probe(), {"usdt", "U"});
  catalog->add(make_kprobe_probe(false), {"kprobe", "k"});
  catalog->add(make_kprobe_probe(true), {"kretprobe", "kr"});
  catalog->add(make_rawtracepoint_probe(tracefs), {"rawtracepoint", "rt"});
  catalog->add(make_fentry_probe(false), {"fentry", "f", "kfunc"});
  catalog->add(make_fentry_probe(true), {"fexit", "fr", "kretfunc"});
  catalog->add(make_watchpoint_probe(),
               {"watchpoint", "w", "asyncwatchpoint", "aw"});
  catalog->add(make_iter_probe(), {"iter", "it"});
  catalog->add(make_self_probe(), {"self"});
  return catalog;
}

const ProbeCatalog& ProbeCatalog::system() {
  // Built on first use and never destroyed before exit; tracefs itself is
  // found only when the tracepoint provider first needs it.
  static const std::unique_ptr<ProbeCatalog> catalog = create(nullptr);
  return *catalog;
}

const ProbeType* ProbeCatalog::find(const std::string& provider) const {
  for (const auto& [name, type] : names_) {
    if (name == provider) {
      return type;
    }
  }
  return nullptr;
}

const ProbeType& ProbeCatalog::get(ProbeKind kind) const {
  for (const std::unique_ptr<ProbeType>& type : types_) {
    if (type->kind() == kind) {
      return *type;
    }
  }
  SONDE_CHECK(false, "probe kind without a registered provider");
}

std::vector<std::string> ProbeCatalog::provider_names() const {
  std::vector<std::string> names;
  names.reserve(names_.size());
  for (const auto& entry : names_) {
    names.push_back(entry.first);
  }
  return names;
}

void ProbeCatalog::add(std::unique_ptr<ProbeType> type,
                       std::vector<std::string> names) {
  SONDE_CHECK(type != nullptr);
  for (std::string& name : names) {
    SONDE_CHECK(find(name) == nullptr, "provider name registered twice");
    names_.emplace_back(std::move(name), type.get());
  }
  types_.push_back(std::move(type));
}

} // namespace sonde::probes
