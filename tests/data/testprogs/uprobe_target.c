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

// Calls sonde_add from a chain of known functions, for ustack tests.
__attribute__((noipa)) int sonde_inner(int i) { return sonde_add(i, 10); }

__attribute__((noipa)) int sonde_outer(int i) { return sonde_inner(i); }

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
  total += getpid() > 0;
  if (linger_ms > 0) {
    usleep((useconds_t)linger_ms * 1000);
  }
  return total == 0;
}
