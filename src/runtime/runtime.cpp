// SPDX-License-Identifier: Apache-2.0
#include "runtime/runtime.h"

#include "base/format_spec.h"
#include "diag/terminal_consumer.h"
#include "output/formatter.h"
#include "output/printf.h"
#include "runtime/actions.h"
#include "runtime/event_decoder.h"
#include "runtime/libbpf_log.h"
#include "runtime/map_reader.h"
#include "runtime/symbolizer.h"
#include "runtime/verifier_log.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace sonde::runtime {

namespace {

// The signals the event loop takes through a signalfd: SIGINT, SIGTERM and
// SIGHUP (a closed terminal) end the trace the same way, END and maps
// included; SIGCHLD reports the end of a `-c` command, SIGUSR1 runs the
// self probes (or prints the maps).
sigset_t handled_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1}) {
    sigaddset(&signals, signal);
  }
  return signals;
}

using codegen::EventHeader;
using codegen::EventKind;

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) {
      close(fd_);
    }
  }
  int get() const { return fd_; }

private:
  int fd_;
};

// How often (in events, or time for slow events such as system()) a long
// drain looks up from the events: for signals, an exit() whose record a
// full ring buffer could not take (exit_status map), lost events to report
// and output errors.
constexpr uint32_t kCheckInterval = 1024;
constexpr uint64_t kCheckIntervalNs = 50000000;

// The longest a run spends printing events still queued when it ends.
constexpr uint64_t kFinishBudgetNs = 1000000000;

// The least time between two reports of lost events while running.
constexpr uint64_t kLostReportIntervalNs = 1000000000;

uint64_t monotonic_ns() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return uint64_t(now.tv_sec) * 1000000000 + uint64_t(now.tv_nsec);
}

// Detaches every attachment. Releasing a tracepoint or kprobe perf event
// waits for an RCU grace period in the kernel (tens of milliseconds), so
// hundreds of probes take seconds one after the other; from many threads
// at once the waits overlap.
void detach_all(std::vector<probes::Attachment>& attachments) {
  constexpr size_t kMaxThreads = 64;
  size_t count = attachments.size();
  size_t threads = std::min(kMaxThreads, count / 4);
  if (threads < 2) {
    attachments.clear();
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < count; i = next++) {
        attachments[i] = probes::Attachment();
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  attachments.clear();
}

// One run of an artifact: the loaded object, its attachments and the event
// stream. Destruction detaches and unloads everything, whatever path the
// run took.
class Session : private EventActions {
public:
  Session(const codegen::Artifact& artifact,
          const probes::ProbeCatalog& catalog,
          const RunOptions& options,
          llvm::raw_ostream& out,
          llvm::raw_ostream& err)
      : artifact_(artifact), metadata_(artifact.metadata), catalog_(catalog),
        options_(options), out_(out), err_(err),
        formatter_(output::make_formatter(options.format, out, err)) {}

  ~Session() {
    detach_all(attachments_);
    ring_buffer__free(ring_);
    bpf_object__close(object_);
  }

  int run() {
    if (!check_kernel_support(probes::KernelSupport::Level::None)) {
      return 1;
    }
    if (!load()) {
      return 1;
    }
    if (options_.dry_run) {
      // Loaded and verified: that is all a dry run checks.
      return 0;
    }
    if (!open_events()) {
      return 1;
    }
    // BEGIN's output is held until "Attached N probes" is out, so that
    // record comes first in JSON output, as in bpftrace.
    holding_ = true;
    run_triggered(probes::Trigger::Begin);
    drain();
    holding_ = false;
    if (!exit_requested_) {
      if (!check_kernel_support(probes::KernelSupport::Level::LoadOnly) ||
          !attach_all()) {
        replay_held_events();
        return 1;
      }
      // Before the announcement, which may start the traced programs.
      preload_symbols();
      announce_attached();
      replay_held_events();
      if (options_.child != nullptr) {
        options_.child->release();
      }
      if (!iterators_.empty()) {
        // An iterator is the whole trace: it runs once, then END.
        run_iterators();
      } else if (has_probes_to_wait_for() || options_.child != nullptr ||
                 options_.traced_pid != 0) {
        // A script with only BEGIN and END probes has nothing to wait
        // for, unless it traces a process.
        loop();
      }
      detach_all(attachments_);
    } else {
      announce_attached();
      replay_held_events();
    }
    finish_events();
    // END runs even after exit(), as in bpftrace.
    exit_requested_ = false;
    run_triggered(probes::Trigger::End);
    drain();
    report_lost(/*final=*/true);
    report_full_maps();
    if (artifact_.metadata.print_maps_on_exit && !output_failed_) {
      formatter_->end();
      print_maps();
    }
    out_.flush();
    check_output();
    return exit_code_;
  }

private:
  bool load() {
    LIBBPF_OPTS(bpf_object_open_opts, open_options);
    open_options.object_name = "sonde";
    object_ = bpf_object__open_mem(artifact_.elf.data(), artifact_.elf.size(),
                                   &open_options);
    if (object_ == nullptr) {
      err_ << "sonde: error: cannot open the BPF object: "
           << std::strerror(errno) << "\n"
           << take_libbpf_messages();
      return false;
    }
    for (const codegen::ProgramMeta& meta : metadata_.programs) {
      if (!meta.targets.empty()) {
        catalog_.get(meta.targets[0].kind).prepare(program(meta), meta.targets);
      }
    }
    if (bpf_object__load(object_) != 0) {
      int error = errno;
      report_load_failure(take_libbpf_messages(), error);
      return false;
    }
    take_libbpf_messages();
    if (bpf_map* status = bpf_object__find_map_by_name(
            object_, metadata_.exit_status_map.c_str())) {
      exit_status_fd_ = bpf_map__fd(status);
    }
    symbolizer_ = std::make_unique<Symbolizer>(object_, metadata_);
    formatter_->set_resolver(symbolizer_.get());
    // `elapsed` counts from here.
    if (bpf_map* start = bpf_object__find_map_by_name(
            object_, metadata_.start_time_map.c_str())) {
      timespec now;
      clock_gettime(CLOCK_BOOTTIME, &now);
      uint64_t nanoseconds = uint64_t(now.tv_sec) * 1000000000 + now.tv_nsec;
      uint32_t key = 0;
      bpf_map_update_elem(bpf_map__fd(start), &key, &nanoseconds, BPF_ANY);
    }
    return true;
  }

  // Reports a refused load at the script line the verifier was checking,
  // or at the probe when its log names no line.
  void report_load_failure(const std::string& log, int error) {
    std::optional<LoadFailure> failure = parse_load_failure(log);
    const codegen::ProgramMeta* meta = nullptr;
    for (const codegen::ProgramMeta& program : metadata_.programs) {
      if (failure && program.function_name == failure->program) {
        meta = &program;
      }
    }
    if (meta == nullptr) {
      err_ << "sonde: error: the kernel refused to load the BPF programs: "
           << std::strerror(error) << "\n";
      if (!options_.verbose) {
        err_ << log;
      }
      return;
    }
    const SourceBuffer& source = script_source();
    uint32_t offset = meta->source_offset;
    if (failure->line != 0) {
      std::string_view text = source.line_text(failure->line);
      size_t indent = text.find_first_not_of(" \t");
      uint32_t column =
          indent == std::string_view::npos ? 1 : uint32_t(indent) + 1;
      offset = source.offset_of({failure->line, column});
    }
    diag::TerminalConsumer consumer(source, err_, options_.color);
    diag::DiagnosticEngine engine(consumer);
    auto report =
        engine.build(diag::Kind::VerifierRejected, {offset, offset + 1},
                     {meta->targets.at(0).full_name, failure->reason});
    if (!options_.verbose) {
      report.hint(diag::Kind::VerifierLogHint);
    }
    report.emit();
  }

  bool open_events() {
    bpf_map* events =
        bpf_object__find_map_by_name(object_, metadata_.events_map.c_str());
    ring_ = ring_buffer__new(bpf_map__fd(events), &Session::on_event, this,
                             nullptr);
    if (ring_ == nullptr) {
      err_ << "sonde: error: cannot open the event ring buffer: "
           << std::strerror(errno) << "\n";
      return false;
    }
    decoder_.emplace(metadata_, *formatter_, symbolizer_.get(),
                     static_cast<EventActions&>(*this), options_.warnings);
    return true;
  }

  bpf_program* program(const codegen::ProgramMeta& meta) {
    return bpf_object__find_program_by_name(object_,
                                            meta.function_name.c_str());
  }

  // The probes of a trigger the runtime runs itself, in the order they were
  // written, through BPF_PROG_TEST_RUN: no attachment, and done before the
  // other probes attach (BEGIN), after they detach (END) or on SIGUSR1
  // (self). An exit() skips the rest.
  void run_triggered(probes::Trigger trigger) {
    for (const codegen::ProgramMeta& meta : metadata_.programs) {
      if (meta.targets.empty() || exit_requested_ ||
          probes::traits(meta.targets[0].kind).trigger != trigger) {
        continue;
      }
      LIBBPF_OPTS(bpf_test_run_opts, run_options);
      if (bpf_prog_test_run_opts(bpf_program__fd(program(meta)),
                                 &run_options) != 0) {
        err_ << "sonde: error: running "
             << probes::kind_spelling(meta.targets[0].kind)
             << " failed: " << std::strerror(errno) << "\n";
      }
      drain();
    }
  }

  // Refuses, before anything is loaded (`level` None) or attached
  // (LoadOnly), a probe type the kernel cannot run at that level, naming
  // the missing facility.
  bool check_kernel_support(probes::KernelSupport::Level level) {
    for (const codegen::ProgramMeta& meta : metadata_.programs) {
      for (const probes::AttachTarget& target : meta.targets) {
        probes::KernelSupport support =
            catalog_.get(target.kind).kernel_support();
        if (support.level == level) {
          err_ << "sonde: error: " << support.reason << "\n";
          return false;
        }
      }
    }
    return true;
  }

  // Reads each iterator to its end, which runs its program once per
  // object; the events it writes are printed as they come. exit() ends
  // the trace after the iteration, whose every event is printed: the
  // kernel walks all the objects whatever the program does, as with
  // bpftrace.
  void run_iterators() {
    iterating_ = true;
    for (bpf_link* link : iterators_) {
      FileDescriptor iterator(bpf_iter_create(bpf_link__fd(link)));
      if (iterator.get() < 0) {
        err_ << "sonde: error: cannot start the iterator: "
             << std::strerror(errno) << "\n";
        exit_code_ = 1;
        return;
      }
      char buffer[4096];
      while (!interrupted_) {
        ssize_t got = ::read(iterator.get(), buffer, sizeof(buffer));
        if (got < 0 && errno == EINTR) {
          continue;
        }
        if (got < 0) {
          err_ << "sonde: error: reading the iterator failed: "
               << std::strerror(errno) << "\n";
          exit_code_ = 1;
          break;
        }
        drain();
        if (got == 0) {
          break;
        }
      }
      if (exit_requested_) {
        break;
      }
    }
    iterating_ = false;
  }

  // The processes already running the probed files keep resolvable
  // addresses should they exit before their events are printed.
  void preload_symbols() {
    std::vector<std::string> files;
    for (const codegen::ProgramMeta& meta : metadata_.programs) {
      for (const probes::AttachTarget& target : meta.targets) {
        if (probes::user_space_probe(target.kind) && !target.target.empty()) {
          files.push_back(target.target[0]);
        }
      }
    }
    if (!files.empty()) {
      symbolizer_->preload(files);
    }
  }

  bool attach_all() {
    // Kinds whose sites run their newest program first are attached last
    // first, so probes on one site run in the order they are written.
    std::vector<const codegen::ProgramMeta*> in_order;
    std::vector<const codegen::ProgramMeta*> reversed;
    for (const codegen::ProgramMeta& meta : metadata_.programs) {
      if (meta.targets.empty() ||
          !probes::is_attached(probes::traits(meta.targets[0].kind).trigger)) {
        continue;
      }
      bool newest_first =
          catalog_.get(meta.targets[0].kind).runs_newest_first();
      (newest_first ? reversed : in_order).push_back(&meta);
    }
    in_order.insert(in_order.end(), reversed.rbegin(), reversed.rend());
    for (const codegen::ProgramMeta* meta : in_order) {
      if (!attach_program(*meta)) {
        return false;
      }
    }
    return true;
  }

  // Attaches one program to its targets, a run of targets of one kind at a
  // time (a probe may name several kinds).
  bool attach_program(const codegen::ProgramMeta& meta) {
    for (size_t first = 0; first < meta.targets.size();) {
      size_t last = first + 1;
      while (last < meta.targets.size() &&
             meta.targets[last].kind == meta.targets[first].kind) {
        ++last;
      }
      std::vector<probes::AttachTarget> run(meta.targets.begin() + first,
                                            meta.targets.begin() + last);
      first = last;
      probes::Trigger trigger = probes::traits(run[0].kind).trigger;
      const probes::ProbeType& type = catalog_.get(run[0].kind);
      // Watchpoints are attached one by one: unwatch() finds each by its
      // address.
      if (type.watched_address(run[0])) {
        for (const probes::AttachTarget& target : run) {
          Result<std::vector<probes::Attachment>> attached =
              type.attach(program(meta), target);
          if (!attached) {
            err_ << "sonde: error: attaching '" << target.full_name
                 << "' failed: " << error_text(attached.takeError()) << "\n";
            return false;
          }
          std::optional<uint64_t> watched = type.watched_address(target);
          for (probes::Attachment& attachment : *attached) {
            if (watched) {
              watchpoints_.emplace(*watched, attachments_.size());
            }
            attachments_.push_back(std::move(attachment));
          }
        }
        continue;
      }
      Result<std::vector<probes::Attachment>> attached =
          type.attach_all(program(meta), run);
      if (!attached) {
        err_ << "sonde: error: " << error_text(attached.takeError()) << "\n";
        return false;
      }
      for (probes::Attachment& attachment : *attached) {
        if (trigger == probes::Trigger::Iterator) {
          iterators_.push_back(attachment.link());
        }
        attachments_.push_back(std::move(attachment));
      }
    }
    return true;
  }

  // unwatch(addr): detaches every watchpoint on `address` (a no-op when
  // there is none, or it is gone already).
  void unwatch(uint64_t address) override {
    auto [first, last] = watchpoints_.equal_range(address);
    for (auto it = first; it != last; ++it) {
      if (it->second < attachments_.size()) {
        attachments_[it->second] = probes::Attachment();
      }
    }
    watchpoints_.erase(first, last);
  }

  bool has_trigger(probes::Trigger trigger) const {
    for (const codegen::ProgramMeta& meta : metadata_.programs) {
      for (const probes::AttachTarget& target : meta.targets) {
        if (probes::traits(target.kind).trigger == trigger) {
          return true;
        }
      }
    }
    return false;
  }

  // SIGUSR1 runs the self probes; without any it prints every map, as
  // bpftrace does.
  void on_user_signal() {
    if (has_trigger(probes::Trigger::Signal)) {
      run_triggered(probes::Trigger::Signal);
    } else {
      print_maps();
    }
    out_.flush();
  }

  // Whether a probe can still fire once BEGIN has run (self probes wait for
  // SIGUSR1).
  bool has_probes_to_wait_for() const {
    for (const codegen::ProgramMeta& meta : metadata_.programs) {
      for (const probes::AttachTarget& target : meta.targets) {
        probes::Trigger trigger = probes::traits(target.kind).trigger;
        if (trigger != probes::Trigger::Begin &&
            trigger != probes::Trigger::End) {
          return true;
        }
      }
    }
    return false;
  }

  void announce_attached() {
    // A probe counts once however many sites it has (a USDT probe inlined
    // in several places, a source line in several functions), and once
    // per script probe that names it.
    std::set<std::pair<uint32_t, std::string>> seen;
    for (const codegen::ProgramMeta& meta : metadata_.programs) {
      for (const probes::AttachTarget& target : meta.targets) {
        seen.emplace(meta.source_offset, target.full_name);
      }
    }
    size_t count = seen.size();
    if (!options_.quiet) {
      formatter_->attached_probes(count);
      err_.flush();
      out_.flush();
    }
    if (options_.notify_attached) {
      out_ << "__SONDE_ATTACHED__\n";
      out_.flush();
    }
  }

  // Waits for events and signals. The ring buffer wakes the loop when data
  // arrives, and exit() forces a wakeup, so nothing here polls on a timer.
  void loop() {
    wait_for_events();
    signal_fd_ = -1; // Closed by wait_for_events().
  }

  void wait_for_events() {
    sigset_t signals = handled_signals();
    FileDescriptor signal_fd(
        signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK));
    signal_fd_ = signal_fd.get();
    FileDescriptor epoll_fd(epoll_create1(EPOLL_CLOEXEC));
    epoll_event signal_event{};
    signal_event.events = EPOLLIN;
    signal_event.data.fd = signal_fd.get();
    epoll_ctl(epoll_fd.get(), EPOLL_CTL_ADD, signal_fd.get(), &signal_event);
    // -p: the trace ends when the process does (its pidfd turns readable).
    FileDescriptor traced(
        options_.traced_pid != 0
            ? static_cast<int>(syscall(SYS_pidfd_open, options_.traced_pid, 0))
            : -1);
    if (traced.get() >= 0) {
      epoll_event traced_event{};
      traced_event.events = EPOLLIN;
      traced_event.data.fd = traced.get();
      epoll_ctl(epoll_fd.get(), EPOLL_CTL_ADD, traced.get(), &traced_event);
    }
    epoll_event ring_event{};
    ring_event.events = EPOLLIN;
    ring_event.data.fd = ring_buffer__epoll_fd(ring_);
    epoll_ctl(epoll_fd.get(), EPOLL_CTL_ADD, ring_event.data.fd, &ring_event);

    while (!exit_requested_ && !interrupted_) {
      epoll_event ready[3];
      int count = epoll_wait(epoll_fd.get(), ready, 3, -1);
      if (count < 0 && errno == EINTR) {
        continue;
      }
      if (count < 0) {
        err_ << "sonde: error: waiting for events failed: "
             << std::strerror(errno) << "\n";
        return;
      }
      for (int i = 0; i < count; ++i) {
        if (ready[i].data.fd == traced.get()) {
          interrupted_ = true;
        } else if (ready[i].data.fd == signal_fd.get()) {
          take_signals();
        } else {
          drain();
        }
      }
      for (; pending_user_signals_ > 0 && !interrupted_ && !exit_requested_;
           --pending_user_signals_) {
        on_user_signal();
      }
    }
  }

  // Prints every event waiting in the ring buffer, up to an exit().
  void drain() {
    if (!exit_requested_ || iterating_) {
      ring_buffer__consume(ring_);
    }
    exit_if_requested();
    report_lost(/*final=*/false);
    out_.flush();
    check_output();
  }

  // Reads the signals waiting in the signalfd: SIGUSR1 runs the self
  // probes, SIGCHLD ends the run once the -c command has exited, and the
  // others end it.
  void take_signals() {
    signalfd_siginfo info;
    while (signal_fd_ >= 0 &&
           ::read(signal_fd_, &info, sizeof(info)) == sizeof(info)) {
      if (info.ssi_signo == SIGUSR1) {
        // Run from the loop: here a drain may be under way.
        ++pending_user_signals_;
      } else if (info.ssi_signo != SIGCHLD) {
        interrupted_ = true;
      } else if (options_.child != nullptr && options_.child->reap()) {
        // The traced command is done: so is the trace.
        interrupted_ = true;
      }
    }
  }

  // exit() whose record the full ring buffer could not take. Only looked
  // for once events were lost: otherwise the record is queued in order,
  // behind events that must still be printed.
  bool exit_if_requested() {
    if (exit_requested_ || exit_status_fd_ < 0 || reported_lost_ == 0) {
      return exit_requested_;
    }
    uint32_t key = 0;
    uint64_t status = 0;
    if (bpf_map_lookup_elem(exit_status_fd_, &key, &status) == 0 &&
        (status >> 32) != 0) {
      exit_requested_ = true;
      exit_code_ = static_cast<int32_t>(status & 0xffffffff);
    }
    return exit_requested_;
  }

  // A write to the output failed (a closed pipe, a full disk): the run ends
  // as after SIGTERM, and the error is reported once on stderr.
  void check_output() {
    llvm::raw_fd_ostream* file = options_.out_file;
    if (file == nullptr || !file->has_error() || output_failed_) {
      return;
    }
    output_failed_ = true;
    interrupted_ = true;
    err_ << "sonde: error: cannot write the output: " << file->error().message()
         << "\n";
    file->clear_error();
    exit_code_ = 1;
  }

  void replay_held_events() {
    for (const std::string& event : held_events_) {
      handle_event(event.data(), event.size());
    }
    held_events_.clear();
    out_.flush();
  }

  // After the probes are detached: events still queued are printed when
  // the run ended by a signal, and dropped when it ended by exit(). A
  // backlog that takes longer than kFinishBudgetNs to print (a flood of
  // system() calls) is dropped too, and counted, so that a signal ends
  // the run promptly.
  void finish_events() {
    discarding_ = exit_requested_;
    exit_requested_ = false;
    finish_deadline_ns_ = monotonic_ns() + kFinishBudgetNs;
    ring_buffer__consume(ring_);
    finish_deadline_ns_ = 0;
    over_budget_ = false;
    discarding_ = false;
    out_.flush();
    if (unprinted_ != 0) {
      err_ << "sonde: warning: " << unprinted_
           << " queued events were not printed: the run was ending\n";
    }
  }

  static int on_event(void* context, void* data, size_t size) {
    return static_cast<Session*>(context)->handle_event(
        static_cast<const char*>(data), size);
  }

  int handle_event(const char* data, size_t size) {
    if (size < sizeof(EventHeader)) {
      return 0;
    }
    if (over_budget_) {
      ++unprinted_;
      return 0;
    }
    if (discarding_) {
      return 0;
    }
    int result = dispatch_event(data, size);
    if (result != 0 || (++events_since_check_ < kCheckInterval &&
                        monotonic_ns() - last_check_ns_ < kCheckIntervalNs)) {
      return result;
    }
    // A flood keeps ring_buffer__consume from returning: what drain()
    // checks between batches is checked here too.
    events_since_check_ = 0;
    last_check_ns_ = monotonic_ns();
    take_signals();
    report_lost(/*final=*/false);
    out_.flush();
    check_output();
    if (finish_deadline_ns_ != 0 && last_check_ns_ > finish_deadline_ns_) {
      over_budget_ = true;
      return 0;
    }
    // In the event loop, a signal or exit() stops the drain at once.
    if ((exit_if_requested() && !iterating_) ||
        (interrupted_ && signal_fd_ >= 0)) {
      return -ECANCELED;
    }
    return 0;
  }

  // Prints one event or acts on it; BEGIN's are held until the attach
  // message is out.
  int dispatch_event(const char* data, size_t size) {
    EventHeader header;
    std::memcpy(&header, data, sizeof(header));
    if (holding_ && header.kind != static_cast<uint32_t>(EventKind::Exit)) {
      held_events_.emplace_back(data, size);
      return 0;
    }
    if (std::optional<int> status = decoder_->decode(data, size)) {
      // The first exit() gives the status.
      if (!exit_requested_) {
        exit_code_ = *status;
      }
      exit_requested_ = true;
      // Events queued after exit() are not printed, but an iteration's.
      return iterating_ ? 0 : -ECANCELED;
    }
    return 0;
  }

  const SourceBuffer& script_source() {
    if (!source_) {
      source_.emplace(metadata_.source_name, metadata_.source_text);
    }
    return *source_;
  }

  // EventActions: what records ask beyond printing.
  output::MapSnapshot read_map(const codegen::MapMeta& map) override {
    return resolved(runtime::read_map(map_fd(map), map));
  }

  void clear_map(const codegen::MapMeta& map) override {
    runtime::clear_map(map_fd(map), map);
  }

  void zero_map(const codegen::MapMeta& map) override {
    runtime::zero_map(map_fd(map), map);
  }

  std::string run_command(const std::string& command) override {
    // What the command writes comes after what sonde printed before it.
    out_.flush();
    return runtime::run_command(command);
  }

  std::string read_file(const std::string& path) override {
    return read_file_for_cat(path, artifact_.metadata.max_cat_bytes);
  }

  int map_fd(const codegen::MapMeta& map) {
    return bpf_map__fd(
        bpf_object__find_map_by_name(object_, map.bpf_name.c_str()));
  }

  output::MapSnapshot resolved(output::MapSnapshot snapshot) {
    snapshot.resolver = symbolizer_.get();
    return snapshot;
  }

  // Maps whose updates failed because they were full, once at exit.
  void report_full_maps() {
    bpf_map* counters =
        bpf_object__find_map_by_name(object_, metadata_.map_full_map.c_str());
    if (counters == nullptr) {
      return;
    }
    for (uint32_t i = 0; i < metadata_.maps.size(); ++i) {
      uint64_t failed = read_percpu_counter(bpf_map__fd(counters), i);
      if (failed == 0) {
        continue;
      }
      const types::MapShape& shape = metadata_.maps[i].shape;
      err_ << "sonde: warning: map '" << shape.name << "' is full: " << failed
           << " update(s) dropped; ";
      if (shape.max_entries != 0) {
        err_ << "it is declared with " << shape.max_entries << " entries\n";
      } else {
        err_ << "raise max_map_keys (now " << metadata_.max_map_keys
             << ") with config = { max_map_keys = N } or "
                "BPFTRACE_MAX_MAP_KEYS\n";
      }
    }
  }

  // Events the ring buffer could not take since the last report: while
  // running at most once a second, and whatever is left at the end.
  void report_lost(bool final) {
    uint64_t now = monotonic_ns();
    if (ring_ == nullptr ||
        (!final && now - last_lost_check_ns_ < kLostReportIntervalNs)) {
      return;
    }
    last_lost_check_ns_ = now;
    bpf_map* lost =
        bpf_object__find_map_by_name(object_, metadata_.lost_map.c_str());
    uint64_t count = read_percpu_counter(bpf_map__fd(lost));
    if (count > reported_lost_) {
      formatter_->lost_events(count - reported_lost_);
      reported_lost_ = count;
    }
  }

  // Every non-empty map, in name order: at exit, and on SIGUSR1 when no
  // self probe takes the signal.
  void print_maps() {
    std::vector<const codegen::MapMeta*> maps;
    for (const codegen::MapMeta& meta : metadata_.maps) {
      maps.push_back(&meta);
    }
    std::sort(maps.begin(), maps.end(),
              [](const codegen::MapMeta* a, const codegen::MapMeta* b) {
                return a->shape.name < b->shape.name;
              });
    for (const codegen::MapMeta* meta : maps) {
      output::MapSnapshot snapshot = read_map(*meta);
      // A keyless map without its element (never set, or cleared or
      // deleted) is empty like any other (COMPAT 60).
      if (snapshot.shape.is_scalar() && snapshot.entries.empty()) {
        continue;
      }
      formatter_->map(snapshot, {});
    }
  }

  const codegen::Artifact& artifact_;
  const codegen::RuntimeMetadata& metadata_;
  const probes::ProbeCatalog& catalog_;
  const RunOptions& options_;
  llvm::raw_ostream& out_;
  llvm::raw_ostream& err_;

  bpf_object* object_ = nullptr;
  ring_buffer* ring_ = nullptr;
  std::vector<probes::Attachment> attachments_;
  // Watched addresses → their perf event links in attachments_, for
  // unwatch().
  std::multimap<uint64_t, size_t> watchpoints_;
  // The links of iter probes (owned by attachments_).
  std::vector<bpf_link*> iterators_;
  std::unique_ptr<output::Formatter> formatter_;
  std::unique_ptr<Symbolizer> symbolizer_;
  // The script, indexed by line on first use (load errors, errorf/warnf).
  std::optional<SourceBuffer> source_;
  std::optional<EventDecoder> decoder_;
  bool exit_requested_ = false;
  // In run_iterators(): exit() does not end the iteration.
  bool iterating_ = false;
  // See exit_if_requested(); -1 when the program never calls exit().
  int exit_status_fd_ = -1;
  uint32_t events_since_check_ = 0;
  // SIGUSR1s taken but not acted on yet.
  uint32_t pending_user_signals_ = 0;
  uint64_t last_check_ns_ = 0;
  // While finish_events() prints the backlog: when it stops printing; and
  // how many events it dropped.
  uint64_t finish_deadline_ns_ = 0;
  bool over_budget_ = false;
  uint64_t unprinted_ = 0;
  // The event loop's signalfd (non-blocking), -1 outside the loop.
  int signal_fd_ = -1;
  // Lost events already reported, and when the counter was last read.
  uint64_t reported_lost_ = 0;
  uint64_t last_lost_check_ns_ = 0;
  bool output_failed_ = false;
  bool discarding_ = false;
  // Events from BEGIN, kept until the attach message is printed.
  bool holding_ = false;
  std::vector<std::string> held_events_;
  // SIGINT or SIGTERM arrived.
  bool interrupted_ = false;
  int exit_code_ = 0;
};

} // namespace

int run(const codegen::Artifact& artifact,
        const probes::ProbeCatalog& catalog,
        const RunOptions& options,
        llvm::raw_ostream& out,
        llvm::raw_ostream& err) {
  capture_libbpf_messages(options.verbose);
  // The event loop's signals are blocked from here on, so none is lost (or
  // kills sonde, as SIGUSR1 would) between loading and waiting. A closed
  // output is seen as a write error, not SIGPIPE.
  sigset_t signals = handled_signals();
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return Session(artifact, catalog, options, out, err).run();
}

} // namespace sonde::runtime
