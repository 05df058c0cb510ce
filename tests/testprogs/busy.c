/* busy THREADS MILLIS: spins THREADS threads (the main thread among them)
 * for MILLIS ms of wall time, prints "done" and then every thread sleeps
 * until killed, so a test can compare counters while nothing moves and
 * every thread is still there in /proc/PID/task. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long millis;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static pthread_barrier_t finished;

static void spin_until_done(void) {
  double end = now_ms() + millis;
  volatile unsigned long x = 0;
  while (now_ms() < end) x++;
  pthread_barrier_wait(&finished);
}

static void* spin(void* arg) {
  (void)arg;
  spin_until_done();
  for (;;) pause();
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: busy THREADS MILLIS\n");
    return 2;
  }
  int threads = atoi(argv[1]);
  millis = atol(argv[2]);
  pthread_t t[64];
  if (threads < 1 || threads > 64) return 2;
  pthread_barrier_init(&finished, NULL, (unsigned)threads);
  for (int i = 1; i < threads; i++) pthread_create(&t[i], NULL, spin, NULL);
  spin_until_done();
  printf("done\n");
  fflush(stdout);
  for (;;) pause();
}
