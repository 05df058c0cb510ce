/* dio write|read FILE MIB [KIB]: O_DIRECT writes (or reads) MIB MiB in
 * requests of KIB KiB (default 1024), prints "done" and waits to be killed,
 * so a test can compare procwatch with /proc/PID/io while the process still
 * exists. Small requests give many block events (sampling tests). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: dio write|read FILE MIB [KIB]\n");
    return 2;
  }
  int writing = strcmp(argv[1], "write") == 0;
  long mib = atol(argv[3]);
  long kib = argc == 5 ? atol(argv[4]) : 1024;
  if (kib < 4 || kib > 1024 || 1024 % kib != 0) {
    fprintf(stderr, "dio: KIB must divide 1024 and be at least 4\n");
    return 2;
  }
  size_t io = (size_t)kib << 10;
  int fd = open(argv[2], (writing ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY) | O_DIRECT, 0600);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  void* buf;
  if (posix_memalign(&buf, 4096, 1 << 20) != 0) return 1;
  memset(buf, 0xab, 1 << 20);
  for (long i = 0; i < mib * (1024 / kib); i++) {
    ssize_t n = writing ? write(fd, buf, io) : read(fd, buf, io);
    if (n != (ssize_t)io) {
      perror(writing ? "write" : "read");
      return 1;
    }
  }
  close(fd);
  printf("done\n");
  fflush(stdout);
  for (;;) pause();
}
