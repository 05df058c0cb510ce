/* steadyserver: a steady worker. Every 50 ms it computes for ~10 ms (about
 * 20% of a CPU) and passes a 1 KiB message over a socket pair; its memory
 * never changes. SIGUSR1 starts a 5-second burst of 100% CPU (the injected
 * anomaly). Prints "ready" once running and "burst" when a burst starts. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_burst = 0;
static void on_usr1(int sig) {
  (void)sig;
  g_burst = 1;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static volatile unsigned long g_sink;
static void spin_for(double seconds) {
  const double end = now_s() + seconds;
  unsigned long x = 1;
  while (now_s() < end)
    for (int i = 0; i < 1000; ++i) x = x * 6364136223846793005UL + 1442695040888963407UL;
  g_sink = x;
}

int main(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
  signal(SIGUSR1, on_usr1);
  char msg[1024];
  memset(msg, 'x', sizeof msg);
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    if (g_burst) {
      g_burst = 0;
      printf("burst\n");
      fflush(stdout);
      spin_for(5.0);
    }
    spin_for(0.010);
    if (write(sv[0], msg, sizeof msg) != (ssize_t)sizeof msg) return 1;
    if (read(sv[1], msg, sizeof msg) <= 0) return 1;
    usleep(40000);
  }
}
