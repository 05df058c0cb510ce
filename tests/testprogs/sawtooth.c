/* sawtooth MIB PERIOD_S: allocates MIB MiB over 3/4 of PERIOD_S seconds
 * (touched anonymous memory, one mmap per step), then frees all of it and
 * idles for the rest of the period: an allocate/free cycle, forever.
 * Prints "ready" at the start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define STEPS 30

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const size_t chunk = ((size_t)atol(argv[1]) << 20) / STEPS;
  const long period_us = atol(argv[2]) * 1000000L;
  if (chunk == 0 || period_us <= 0) return 2;
  void* slots[STEPS];
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    for (int i = 0; i < STEPS; ++i) {
      slots[i] = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (slots[i] == MAP_FAILED) return 1;
      memset(slots[i], 1, chunk);
      usleep((useconds_t)(period_us * 3 / 4 / STEPS));
    }
    /* munmap, not free(): the memory really goes back to the kernel. */
    for (int i = 0; i < STEPS; ++i) munmap(slots[i], chunk);
    usleep((useconds_t)(period_us / 4));
  }
}
