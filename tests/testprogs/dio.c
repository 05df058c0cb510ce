/* dio write|read FILE MIB: O_DIRECT writes (or reads) MIB MiB in 1 MiB
 * requests, prints "done" and waits to be killed, so a test can compare
 * procwatch with /proc/PID/io while the process still exists. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: dio write|read FILE MIB\n");
    return 2;
  }
  int writing = strcmp(argv[1], "write") == 0;
  long mib = atol(argv[3]);
  int fd = open(argv[2], (writing ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY) | O_DIRECT, 0600);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  void* buf;
  if (posix_memalign(&buf, 4096, 1 << 20) != 0) return 1;
  memset(buf, 0xab, 1 << 20);
  for (long i = 0; i < mib; i++) {
    ssize_t n = writing ? write(fd, buf, 1 << 20) : read(fd, buf, 1 << 20);
    if (n != (1 << 20)) {
      perror(writing ? "write" : "read");
      return 1;
    }
  }
  close(fd);
  printf("done\n");
  fflush(stdout);
  for (;;) pause();
}
