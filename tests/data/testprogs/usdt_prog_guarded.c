// SPDX-License-Identifier: Apache-2.0
// The semaphore-guarded probe of the test program (see usdt_lib_guarded.c
// for why it has its own file).
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__extension__ unsigned short sonde_guarded_semaphore __attribute__((unused))
__attribute__((section(".probes")));

__attribute__((noinline)) int sonde_prog_guarded(int value, long other) {
  if (sonde_guarded_semaphore) {
    STAP_PROBE2(sonde, guarded, value, other);
  }
  return value + (int)other;
}
