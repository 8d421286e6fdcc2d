// SPDX-License-Identifier: Apache-2.0
// A shared library with USDT probes and exported functions. The symbols
// tests dlopen it and check sonde's file offsets against where the dynamic
// loader actually mapped the functions and the semaphore.
#include <stdint.h>
#include <sys/sdt.h>

__attribute__((noinline)) int sonde_lib_add(int a, int b) {
  DTRACE_PROBE2(sonde_lib, add, a, b);
  return a + b;
}

__attribute__((noinline)) uint64_t sonde_lib_mix(uint8_t small,
                                                 int16_t medium,
                                                 uint64_t large) {
  STAP_PROBE3(sonde_lib, mix, small, medium, large);
  return small * 3 + medium * 5 + large;
}
