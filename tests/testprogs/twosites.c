/* twosites [LEAK_BYTES [ITERATIONS_PER_MS]]: two allocation sites in distinct
 * noinline functions. leak_site() allocates LEAK_BYTES (default 4096) once
 * per millisecond and never frees (~4 MiB/s); churn_site() allocates and
 * frees 64-byte blocks (16 per millisecond by default). Prints "ready", then
 * on SIGUSR1 (or every second on stdout with -v) "leaked N" with the exact
 * bytes leaked so far, so a test knows the truth. Built twice: with and
 * without frame pointers (twosites_nofp). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t report_requested;
static volatile size_t leaked_bytes;
static void* volatile sink;

static void on_usr1(int sig) {
  (void)sig;
  report_requested = 1;
}

__attribute__((noinline)) static void* leak_site(size_t bytes) {
  void* p = malloc(bytes);
  if (p) memset(p, 1, bytes);
  return p;
}

__attribute__((noinline)) static void churn_site(int blocks) {
  for (int i = 0; i < blocks; ++i) {
    void* p = malloc(64);
    sink = p;
    free(p);
  }
}

static void sleep_until(struct timespec* t, long step_ns) {
  t->tv_nsec += step_ns;
  while (t->tv_nsec >= 1000000000L) {
    t->tv_nsec -= 1000000000L;
    t->tv_sec++;
  }
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL);
}

int main(int argc, char** argv) {
  const size_t leak = argc > 1 ? (size_t)atol(argv[1]) : 4096;
  const int churn = argc > 2 ? atoi(argv[2]) : 16;
  signal(SIGUSR1, on_usr1);
  printf("ready\n");
  fflush(stdout);
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  for (;;) {
    if (leak_site(leak)) leaked_bytes += leak;
    churn_site(churn);
    if (report_requested) {
      report_requested = 0;
      printf("leaked %zu\n", (size_t)leaked_bytes);
      fflush(stdout);
    }
    sleep_until(&t, 1000000L);
  }
}
