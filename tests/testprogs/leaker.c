/* leaker KIB_PER_S: allocates KIB_PER_S KiB of anonymous memory per second
 * in 16 steps, touches every page and never frees it (a steady leak).
 * Prints "ready" once the first step is done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void sleep_until(struct timespec* t, long step_ns) {
  t->tv_nsec += step_ns;
  while (t->tv_nsec >= 1000000000L) {
    t->tv_nsec -= 1000000000L;
    t->tv_sec++;
  }
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL);
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const size_t chunk = (size_t)atol(argv[1]) * 1024 / 16;
  if (chunk == 0) return 2;
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  for (int i = 0;; ++i) {
    char* p = malloc(chunk);
    if (!p) return 1;
    memset(p, i & 0xff, chunk); /* touched: resident, anonymous */
    if (i == 0) {
      printf("ready\n");
      fflush(stdout);
    }
    sleep_until(&t, 1000000000L / 16);
  }
}
