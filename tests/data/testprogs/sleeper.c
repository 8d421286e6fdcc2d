// SPDX-License-Identifier: Apache-2.0
// Sleeps known lengths, for latency histograms in the runtime tests:
// `sleeper US:COUNT...` calls nanosleep COUNT times for US microseconds,
// for each argument in turn, after a short pause so the tracer is ready.
#include <stdlib.h>
#include <time.h>

static void sleep_us(long us) {
  struct timespec length = {us / 1000000, (us % 1000000) * 1000};
  nanosleep(&length, NULL);
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* rest = NULL;
    long us = strtol(argv[i], &rest, 10);
    long count = *rest == ':' ? strtol(rest + 1, NULL, 10) : 1;
    for (long j = 0; j < count; ++j) {
      sleep_us(us);
    }
  }
  return 0;
}
