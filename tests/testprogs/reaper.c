/* reaper FILE MIB: the shape of `bash -> sh -c 'dd ...'`. This process
 * forks a child, which forks a grandchild that writes MIB MiB to FILE with
 * O_DIRECT and exits; the child reaps it and exits; this process reaps the
 * child, prints "done CHILD GRANDCHILD" (their pids) and waits to be
 * killed. The kernel then has the grandchild's IO in the child's and this
 * process's signal_struct ioac (wait_task_zombie()), though neither wrote. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_file(const char* path, long mib) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0600);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  void* buf;
  if (posix_memalign(&buf, 4096, 1 << 20) != 0) return 1;
  memset(buf, 0xab, 1 << 20);
  for (long i = 0; i < mib; i++) {
    if (write(fd, buf, 1 << 20) != 1 << 20) {
      perror("write");
      return 1;
    }
  }
  close(fd);
  return 0;
}

/* The exit status of pid, or -1. */
static int reap(pid_t pid) {
  int status;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: reaper FILE MIB\n");
    return 2;
  }
  long mib = atol(argv[2]);
  int pipefd[2];
  if (pipe(pipefd) != 0) return 1;
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    pid_t grandchild = fork();
    if (grandchild < 0) _exit(1);
    if (grandchild == 0) _exit(write_file(argv[1], mib));
    /* Tell the top process who wrote. */
    if (write(pipefd[1], &grandchild, sizeof grandchild) != sizeof grandchild) _exit(1);
    _exit(reap(grandchild) == 0 ? 0 : 1);
  }
  pid_t grandchild = 0;
  if (read(pipefd[0], &grandchild, sizeof grandchild) != sizeof grandchild) return 1;
  if (reap(child) != 0) return 1;
  printf("done %d %d\n", (int)child, (int)grandchild);
  fflush(stdout);
  for (;;) pause();
}
