/* spinsleep THREADS SPIN_MS SLEEP_MS ROUNDS: THREADS threads (the main
 * thread among them) each spin SPIN_MS ms of wall time and then sleep
 * SLEEP_MS ms, ROUNDS times; then "done" is printed and every thread
 * sleeps until killed. A light, mostly idle load: nearly every switch-in
 * is a wakeup from sleep, the case where run-queue waits are microseconds
 * (idle exit, IPI, wakeup preemption), not milliseconds. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long spin_ms, sleep_ms, rounds;
static pthread_barrier_t finished;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void work(void) {
  struct timespec ts = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
  volatile unsigned long x = 0;
  for (long r = 0; r < rounds; r++) {
    double end = now_ms() + spin_ms;
    while (now_ms() < end) x++;
    nanosleep(&ts, NULL);
  }
  pthread_barrier_wait(&finished);
}

static void* thread_main(void* arg) {
  (void)arg;
  work();
  for (;;) pause();
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: spinsleep THREADS SPIN_MS SLEEP_MS ROUNDS\n");
    return 2;
  }
  int threads = atoi(argv[1]);
  spin_ms = atol(argv[2]);
  sleep_ms = atol(argv[3]);
  rounds = atol(argv[4]);
  pthread_t t[64];
  if (threads < 1 || threads > 64 || spin_ms < 0 || sleep_ms < 0 || rounds < 1) return 2;
  pthread_barrier_init(&finished, NULL, (unsigned)threads);
  for (int i = 1; i < threads; i++) pthread_create(&t[i], NULL, thread_main, NULL);
  work();
  printf("done\n");
  fflush(stdout);
  for (;;) pause();
}
