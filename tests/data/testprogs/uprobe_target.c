// SPDX-License-Identifier: Apache-2.0
// A uprobe target for the runtime tests: functions with known arguments
// and return values, and calls into libc by name.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noipa)) int sonde_add(int a, int b) {
  __asm__ volatile("" ::: "memory");
  return a + b;
}

__attribute__((noipa)) size_t sonde_greet(const char* text) {
  __asm__ volatile("" ::: "memory");
  return strlen(text);
}

// A struct for scripts that define it themselves and cast arg0 to it.
struct sonde_point {
  int x;
  int y;
  char label[8];
  unsigned flags : 3;
  unsigned level : 5;
};

__attribute__((noipa)) int sonde_point_sum(const struct sonde_point* p) {
  __asm__ volatile("" ::: "memory");
  return p->x + p->y;
}

// Read by uaddr("sonde_global_counter") in the runtime tests; main sets
// it before calling sonde_args.
long sonde_global_counter = 1;

// Two registers' worth of struct, passed by value.
struct sonde_pair {
  long first;
  int second;
};

// Parameters of many kinds for `args` typed from DWARF: integers of each
// width and signedness, a string, a struct pointer, a double (in an SSE
// register), a 16-byte struct that no longer fits in the registers left
// (so it goes on the stack) and an int that still gets r9.
__attribute__((noipa)) int sonde_args(signed char small,
                                      unsigned short half,
                                      long long wide,
                                      const char* name,
                                      const struct sonde_point* point,
                                      double ratio,
                                      struct sonde_pair pair,
                                      unsigned flag) {
  __asm__ volatile("" ::: "memory");
  return small + half + (int)wide + name[0] + point->x + (int)ratio +
         pair.second + (int)flag;
}

// A struct passed in two registers (rdi, rsi), then an int in rdx.
__attribute__((noipa)) long sonde_pair_sum(struct sonde_pair pair, int scale) {
  __asm__ volatile("" ::: "memory");
  return (pair.first + pair.second) * scale;
}

// Calls sonde_add from a chain of known functions, for ustack tests.
__attribute__((noipa)) int sonde_inner(int i) { return sonde_add(i, 10); }

__attribute__((noipa)) int sonde_outer(int i) { return sonde_inner(i); }

// uprobe_target [ROUNDS [LINGER_MS]]: LINGER_MS keeps the process alive at
// the end so its /proc/PID/maps can still be read when stacks print.
int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 3;
  int linger_ms = argc > 2 ? atoi(argv[2]) : 0;
  int total = 0;
  for (int i = 0; i < rounds; ++i) {
    total += sonde_outer(i);
  }
  // On the stack, so the page is resident when the probe reads it (a probe
  // cannot fault in a .rodata page the program has not touched yet).
  char text[] = "hello uprobe";
  total += (int)sonde_greet(text);
  struct sonde_point point = {3, -4, "pt", 5, 17};
  total += sonde_point_sum(&point);
  sonde_global_counter = 4200 + rounds;
  char name[] = "dwarf args";
  struct sonde_pair pair = {-7000000000L, 21};
  total += sonde_args(-5, 65000, -123456789012LL, name, &point, 2.5, pair, 7u);
  total += (int)sonde_pair_sum(pair, 3);
  total += getpid() > 0;
  if (linger_ms > 0) {
    usleep((useconds_t)linger_ms * 1000);
  }
  return total == 0;
}
