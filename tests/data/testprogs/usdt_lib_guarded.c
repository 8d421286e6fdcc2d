// SPDX-License-Identifier: Apache-2.0
// The semaphore-guarded probe of the test library. sys/sdt.h makes every
// probe of a translation unit that defines _SDT_HAS_SEMAPHORES reference
// PROVIDER_NAME_semaphore, so guarded probes live in their own file.
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

// The conventional semaphore: an unsigned short in .probes, which the
// kernel's uprobe reference counter increments while the probe is traced.
__extension__ unsigned short sonde_lib_guarded_semaphore __attribute__((unused))
__attribute__((section(".probes")));

__attribute__((noinline)) long sonde_lib_guarded(long value) {
  if (sonde_lib_guarded_semaphore) {
    STAP_PROBE1(sonde_lib, guarded, value);
  }
  return value * 3;
}
