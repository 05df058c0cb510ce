/* touchmem MIB: allocates MIB MiB of anonymous memory and touches every
 * page, prints "done" and waits to be killed. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  size_t bytes = (size_t)atol(argv[1]) << 20;
  char* p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 1;
  for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
  printf("done\n");
  fflush(stdout);
  for (;;) pause();
}
