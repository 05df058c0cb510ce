/*
 * bench_malloc SECONDS: a single-threaded malloc/free loop for SECONDS,
 * the workload of the malloc part of scripts/bench.
 *
 * It keeps SLOTS live blocks; each operation frees one slot's block and
 * mallocs a new one of a pseudo-random size between 16 B and 4 KiB (glibc's
 * tcache and small bins, never mmap), touching its first byte. That is one
 * malloc and one free per operation: exactly the calls an allocator tracer
 * (a uprobe on malloc and free, as memleak does) runs its programs on.
 * A fixed duration, not a fixed count, so a tracer that makes every call
 * 100x slower still finishes on time.
 *
 * The blocks live in a static array, so the compiler cannot drop the
 * malloc/free pairs. Prints one line:
 *   bench_malloc: OPS ops in S s: R ops/s
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SLOTS 1024
#define CHECK_EVERY 1024 /* operations between clock reads */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char *slot[SLOTS];
	double seconds = argc == 2 ? atof(argv[1]) : -1, t0, t;
	uint64_t x = 88172645463325252ull, ops = 0;

	if (seconds <= 0) {
		fprintf(stderr, "usage: bench_malloc SECONDS\n");
		return 2;
	}
	t0 = now_s();
	do {
		for (int k = 0; k < CHECK_EVERY; k++) {
			size_t i, size;

			x ^= x << 13; /* xorshift64: cheap, deterministic */
			x ^= x >> 7;
			x ^= x << 17;
			i = x % SLOTS;
			size = 16 + (size_t)((x >> 20) % 4081);
			free(slot[i]);
			slot[i] = malloc(size);
			if (!slot[i]) {
				fprintf(stderr, "bench_malloc: out of memory\n");
				return 1;
			}
			slot[i][0] = (char)k;
		}
		ops += CHECK_EVERY;
		t = now_s();
	} while (t - t0 < seconds);

	for (int i = 0; i < SLOTS; i++)
		free(slot[i]);
	printf("bench_malloc: %llu ops in %.3f s: %.0f ops/s\n", (unsigned long long)ops, t - t0,
	       (double)ops / (t - t0));
	return 0;
}
