// SPDX-License-Identifier: Apache-2.0
// Runs code from a file that is not ELF (a flat binary): maps FILE
// executable and calls the code at OFFSET once, for the uprobe-by-address
// test of tests/runtime/uprobe_paths.test. The code must return (`ret`).
//
//   flat_runner FILE OFFSET
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: flat_runner FILE OFFSET\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    perror(argv[1]);
    return 1;
  }
  void* code = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (code == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  void (*function)(void) =
      (void (*)(void))((char*)code + strtoul(argv[2], NULL, 0));
  function();
  return 0;
}
