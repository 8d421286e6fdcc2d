// SPDX-License-Identifier: Apache-2.0
// The target of tests/runtime/debuginfo.test, uprobe_paths.test and
// usdt_forms.test. tests/data/testprogs/CMakeLists.txt builds it several
// ways: with DWARF, with split DWARF (.dwo files, and a .dwp package),
// stripped with a separate debug file found through .gnu_debuglink in
// .debug/ or only by its build id; the tests name functions and lines of
// this file, so keep their line numbers when editing.
//
//   debuginfo_target [N]   runs the work N times (default 1), 100 ms
//                          apart; 0 runs it until killed
#include <stdint.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <unistd.h>

struct sonde_item {
  int id;
  const char* name;
};

// A function whose symbol has no size (no .size directive), which uprobes
// refuse without --unsafe.
__asm__(".text\n"
        ".globl sonde_sizeless\n"
        ".type sonde_sizeless, @function\n"
        "sonde_sizeless:\n"
        "  ret\n");
void sonde_sizeless(void);

__attribute__((noinline)) int sonde_leaf(int x) {
  sonde_sizeless(); // a call: push %rbp first, so stacks show the caller
  return x * 2;
}

// Inlined into sonde_outer: a stack taken in sonde_leaf shows it as an
// [inlined] frame with show_debug_info.
static inline __attribute__((always_inline)) int sonde_inner(int x) {
  return sonde_leaf(x) + 1;
}

__attribute__((noinline)) int sonde_outer(int x) { // clang-format off
  return sonde_inner(x) + 3;
} // clang-format on

// Source-line probes: line 50 runs `count` times, line 52 once.
__attribute__((noinline)) int sonde_lines(const struct sonde_item* item,
                                          int count) {
  int total = 0;
  for (int i = 0; i < count; i++) {
    total += item->id * i;
  }
  return total + sonde_outer(item->id);
}

__attribute__((noinline)) void sonde_notes(void) {
  // Unsigned constants that the assembler writes as negative immediates
  // (4@$-202182160), which must not be sign-extended.
  DTRACE_PROBE3(sonde_dbg, const_unsigned, (uint32_t)4092785136u,
                (uint16_t)61936, (uint8_t)240);
  DTRACE_PROBE1(sonde_dbg, probe2, 1);
  DTRACE_PROBE1(sonde_other, probe2, 2);
  DTRACE_PROBE1(sonde_other, probe3, 3);
  // One probe at two sites: it still counts as one probe.
  DTRACE_PROBE(sonde_dbg, twice);
  DTRACE_PROBE(sonde_dbg, twice);
}

static void work(void) {
  struct sonde_item item = {7, "item"};
  sonde_lines(&item, 3);
  sonde_sizeless();
  sonde_notes();
}

int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 1;
  for (int i = 0; rounds == 0 || i < rounds; i++) {
    if (i > 0) {
      usleep(100000);
    }
    work();
  }
  return 0;
}
