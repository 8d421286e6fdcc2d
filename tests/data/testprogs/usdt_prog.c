// SPDX-License-Identifier: Apache-2.0
// A program with USDT probes of several argument sizes and signs, a
// constant argument, a semaphore-guarded probe (usdt_prog_guarded.c) and a
// library with probes of its own. Built as PIE and non-PIE.
//
//   sonde_usdt_prog             fires every probe once
//   sonde_usdt_prog --offsets   prints, from its own /proc/self/maps, the
//                               file offsets and first bytes of
//                               sonde_prog_target and the semaphore
//   sonde_usdt_prog --wait      prints "ready" and waits for stdin to close
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sdt.h>

int sonde_lib_add(int a, int b);
int sonde_prog_guarded(int value, long other);
extern unsigned short sonde_guarded_semaphore;

// The tests compare sonde's file offset for this function with where the
// kernel mapped it in this process.
__attribute__((noinline)) int sonde_prog_target(int x) { return x * 7 + 1; }

__attribute__((noinline)) void sonde_prog_fire(int8_t tiny,
                                               uint16_t word,
                                               int32_t number,
                                               uint64_t big,
                                               const char* text,
                                               int64_t negative) {
  DTRACE_PROBE6(sonde, types, tiny, word, number, big, text, negative);
  DTRACE_PROBE1(sonde, constant, 5);
  DTRACE_PROBE(sonde, noargs);
}

// The file offset at which `address` is mapped, found by scanning this
// process's maps: start-end perms offset dev inode path.
static int file_offset_of(const void* address, unsigned long* offset) {
  FILE* maps = fopen("/proc/self/maps", "r");
  if (maps == NULL) {
    return -1;
  }
  char line[4096];
  int found = -1;
  while (fgets(line, sizeof(line), maps) != NULL) {
    unsigned long start = 0;
    unsigned long end = 0;
    unsigned long file_offset = 0;
    if (sscanf(line, "%lx-%lx %*s %lx", &start, &end, &file_offset) != 3) {
      continue;
    }
    unsigned long at = (unsigned long)address;
    if (at >= start && at < end) {
      *offset = at - start + file_offset;
      found = 0;
      break;
    }
  }
  fclose(maps);
  return found;
}

static int print_offsets(void) {
  unsigned long offset = 0;
  if (file_offset_of((const void*)&sonde_prog_target, &offset) != 0) {
    return 1;
  }
  printf("function sonde_prog_target %lx ", offset);
  const unsigned char* code = (const unsigned char*)&sonde_prog_target;
  for (int i = 0; i < 16; ++i) {
    printf("%02x", code[i]);
  }
  printf("\n");
  if (file_offset_of(&sonde_guarded_semaphore, &offset) != 0) {
    return 1;
  }
  printf("semaphore sonde_guarded_semaphore %lx\n", offset);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "--offsets") == 0) {
    return print_offsets();
  }
  if (argc > 1 && strcmp(argv[1], "--wait") == 0) {
    printf("ready\n");
    fflush(stdout);
    char buffer[64];
    while (fread(buffer, 1, sizeof(buffer), stdin) > 0) {
    }
    return 0;
  }
  sonde_prog_fire(-3, 60000, -100000, 1ull << 40, "hello", -5);
  return sonde_prog_target(argc) + sonde_lib_add(1, 2) +
             sonde_prog_guarded(argc, 4) ==
         0;
}
