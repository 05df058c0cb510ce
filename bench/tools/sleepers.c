/*
 * bench_sleepers N: N idle child processes, for measuring how procwatch's
 * userspace cost grows with the number of processes on the host.
 *
 * Each child blocks in pause() and dies with its parent (PR_SET_PDEATHSIG),
 * so even a SIGKILL of this process leaves nothing behind. Prints
 * "bench_sleepers: N ready" once all children exist, then waits for SIGINT
 * or SIGTERM, kills and reaps the children and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void child(pid_t parent)
{
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the parent died before prctl() */
		_exit(0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	char *end = NULL;
	long n = argc == 2 ? strtol(argv[1], &end, 10) : -1;
	sigset_t stop;
	pid_t parent = getpid();
	pid_t *kids;
	long made = 0;
	int sig = 0;

	if (n < 0 || !end || *end) {
		fprintf(stderr, "usage: bench_sleepers N\n");
		return 2;
	}
	kids = calloc((size_t)n + 1, sizeof(*kids));
	if (!kids)
		return 1;

	/* Blocked before the first fork so no stop request is lost. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	for (; made < n; made++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "bench_sleepers: fork %ld of %ld: %s\n", made + 1, n,
				strerror(errno));
			break;
		}
		if (pid == 0)
			child(parent);
		kids[made] = pid;
	}
	if (made == n) {
		printf("bench_sleepers: %ld ready\n", n);
		fflush(stdout);
		sigwait(&stop, &sig);
	}
	for (long i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	for (long i = 0; i < made; i++)
		waitpid(kids[i], NULL, 0);
	free(kids);
	return made == n ? 0 : 1;
}
