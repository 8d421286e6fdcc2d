// SPDX-License-Identifier: Apache-2.0
// A process for the -p, -c and watchpoint runtime tests: it ticks TICKS
// times, DELAY_MS apart (after a first delay of START_MS, by default the
// same, so that a tracer started after it can attach), and each tick
//   - calls sonde_tick(i) (a uprobe target),
//   - fires the USDT probe pid_target:tick with i,
//   - calls sonde_lib_add(i, 1) in libsonde_usdt_lib (USDT sonde_lib:add),
//   - writes i + 1 to the global sonde_watched (a watchpoint target).
// Built without PIE, so `nm` gives sonde_watched's runtime address.
//
//   pid_target [TICKS [DELAY_MS [START_MS]]]   defaults 5, 0 and DELAY_MS
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>

int sonde_lib_add(int a, int b);

volatile long sonde_watched;

__attribute__((noipa)) int sonde_tick(int i) {
  __asm__ volatile("" ::: "memory");
  return i * 2;
}

static void pause_ms(long ms) {
  struct timespec delay = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&delay, NULL);
}

int main(int argc, char** argv) {
  int ticks = argc > 1 ? atoi(argv[1]) : 5;
  long delay = argc > 2 ? atol(argv[2]) : 0;
  long start = argc > 3 ? atol(argv[3]) : delay;
  int total = 0;
  pause_ms(start);
  for (int i = 0; i < ticks; ++i) {
    total += sonde_tick(i);
    DTRACE_PROBE1(pid_target, tick, i);
    total += sonde_lib_add(i, 1);
    sonde_watched = i + 1;
    pause_ms(delay);
  }
  return total < 0;
}
