// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "probes/probe_type.h"

#include <memory>
#include <string>

// Constructors of the providers, one per file; catalog.cpp registers them.
// Tests build providers directly to check one at a time.
namespace sonde::probes {

class Tracefs;

// BEGIN and END (kind Begin or End): `BEGIN`, `begin`, optionally followed
// by `:*`. Built as raw tracepoint programs that the runtime runs with
// BPF_PROG_TEST_RUN, so attach() returns no attachments.
std::unique_ptr<ProbeType> make_begin_end_probe(ProbeKind kind);

// `tracepoint:category:event` with `*`/`?` wildcards in both parts. Events
// come from `tracefs`; null means the system tracefs, located on first use.
std::unique_ptr<ProbeType>
make_tracepoint_probe(std::shared_ptr<const Tracefs> tracefs);

// `interval:UNIT:N` (UNIT s, ms, us or hz) and `interval:N[SUFFIX]` (ns by
// default; suffixes ns, us, ms, s, m, h, d). Fires on the first online CPU.
std::unique_ptr<ProbeType> make_interval_probe();

// `profile:UNIT:N` / `profile:DURATION`, same forms as interval; samples on
// every online CPU (hz:N as a frequency).
std::unique_ptr<ProbeType> make_profile_probe();

// `software:EVENT[:COUNT]` and `hardware:EVENT[:COUNT]` (events and
// aliases as in bpftrace), a sample every COUNT events on every CPU.
std::unique_ptr<ProbeType> make_software_probe();
std::unique_ptr<ProbeType> make_hardware_probe();

// `uprobe:BIN:FN[+OFF]`, `uprobe:BIN:0xADDR` and `uretprobe:BIN:FN`: BIN is
// a path, a program in $PATH or a library name (`libc`); FN may be a glob
// or a demangled C++ name.
std::unique_ptr<ProbeType> make_uprobe_probe(bool return_probe);

// `usdt:BIN:PROVIDER:PROBE` and `usdt:BIN:PROBE` (any provider), globs in
// both; one target per probe site, each with its decoded arguments and
// semaphore.
std::unique_ptr<ProbeType> make_usdt_probe();

// `kprobe:FN`, `kprobe:FN+OFF`, `kprobe:MODULE:FN` (globs in FN and
// MODULE, over the text symbols of /proc/kallsyms) and `kretprobe:...`
// without an offset.
std::unique_ptr<ProbeType> make_kprobe_probe(bool return_probe);

// `rawtracepoint:EVENT` and `rawtracepoint:MODULE:EVENT` (globs in
// EVENT; MODULE is accepted and not checked yet): BPF_PROG_TYPE_RAW_TRACEPOINT
// with `arg0..argN`. Names come from `tracefs` (null: the system's, located on
// first use).
std::unique_ptr<ProbeType>
make_rawtracepoint_probe(std::shared_ptr<const Tracefs> tracefs);

// `fentry:FN`, `fentry:MODULE:FN` and `fexit:...` (aliases kfunc and
// kretfunc): BPF trampolines, one program per function.
std::unique_ptr<ProbeType> make_fentry_probe(bool exit_probe);

// `watchpoint:ADDR:LEN:MODE` (and the older `asyncwatchpoint`): a hardware
// breakpoint on an address of the `-p`/`-c` process.
std::unique_ptr<ProbeType> make_watchpoint_probe();

// `iter:task`, `iter:task_file`, `iter:task_vma`, ...: a BPF iterator the
// runtime runs once; it cannot be mixed with other probes.
std::unique_ptr<ProbeType> make_iter_probe();

// `self:signal:SIGUSR1`: run by the runtime, like BEGIN, each time sonde
// receives SIGUSR1.
std::unique_ptr<ProbeType> make_self_probe();

// The text for a failed attach: strerror, plus what usually fixes it for
// permission errors. Used by every provider's attach().
std::string attach_error_text(int error);

// The result of a libbpf attach call that makes one link: the attachment,
// or an error from errno when `link` is null.
Result<std::vector<Attachment>> single_attachment(bpf_link* link);

} // namespace sonde::probes
