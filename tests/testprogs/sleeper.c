/* sleeper COUNT MILLIS: sleeps COUNT times for MILLIS ms (one voluntary
 * context switch each), prints "done", then waits to be killed. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: sleeper COUNT MILLIS\n");
    return 2;
  }
  int count = atoi(argv[1]);
  long ms = atol(argv[2]);
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  for (int i = 0; i < count; i++) nanosleep(&ts, NULL);
  printf("done\n");
  fflush(stdout);
  for (;;) pause();
}
