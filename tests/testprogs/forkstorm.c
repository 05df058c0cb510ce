/* forkstorm COUNT: forks COUNT children, each execs "forkstorm --child N"
 * which exits with N % 100; waits for all, prints how many it reaped.
 * Ground truth for "no lifecycle event lost". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "--child") == 0) return atoi(argv[2]) % 100;
  if (argc != 2) {
    fprintf(stderr, "usage: forkstorm COUNT\n");
    return 2;
  }
  int count = atoi(argv[1]);
  int reaped = 0;
  for (int i = 0; i < count; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      char n[16];
      snprintf(n, sizeof n, "%d", i);
      execl("/proc/self/exe", argv[0], "--child", n, (char*)NULL);
      _exit(127);
    }
    if (pid < 0) break;
    /* Keep at most a few hundred children alive at once. */
    if (i % 256 == 255)
      while (waitpid(-1, NULL, WNOHANG) > 0) reaped++;
  }
  while (wait(NULL) > 0) reaped++;
  printf("%d\n", reaped);
  return 0;
}
