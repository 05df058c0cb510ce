/* cache MIB SECONDS: fills a cache of MIB MiB over SECONDS seconds (touched
 * anonymous memory), then keeps using it without growing: a cache that
 * plateaus. Prints "ready" at the start and "full" once it is full. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const size_t total = (size_t)atol(argv[1]) << 20;
  const long steps = atol(argv[2]) * 10;
  if (steps <= 0) return 2;
  const size_t chunk = total / (size_t)steps;
  char** slots = calloc((size_t)steps, sizeof *slots);
  printf("ready\n");
  fflush(stdout);
  for (long i = 0; i < steps; ++i) {
    slots[i] = malloc(chunk);
    if (!slots[i]) return 1;
    memset(slots[i], 1, chunk);
    usleep(100000);
  }
  printf("full\n");
  fflush(stdout);
  for (unsigned long n = 0;; ++n) {
    /* Cache hits: read and rewrite entries, no new memory. */
    slots[n % (unsigned long)steps][n % chunk] ^= 1;
    usleep(1000);
  }
}
