/*
 * bench_churn TOTAL IO NET EXEC FILE: TOTAL short-lived child processes, for
 * checking that procwatch's BPF maps stay bounded under PID churn.
 *
 * Most children only fork and _exit. Spread evenly among them, IO children
 * write one 4 KiB block to FILE with O_DIRECT (so the write reaches the block
 * layer in their own context, where procwatch's IO programs charge it), NET
 * children open a loopback TCP connection to a listener of this process and
 * send 4 KiB (procwatch's socket programs), and EXEC children exec /bin/true
 * (the exec path). At most MAX_LIVE children exist at once, so the run
 * neither exhausts PIDs nor turns into a fork bomb.
 *
 * Prints one line:
 *   bench_churn: TOTAL processes (plain P, io I, net N, exec E, failed F) in S s: R processes/s
 * and exits 0 when every child exited 0, 1 otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LIVE 64
#define BLOCK 4096
#define FILE_BLOCKS 256 /* FILE is 1 MiB; IO children write block i % 256 */

enum kind { PLAIN, IO, NET, EXEC };

static struct sockaddr_in listener_addr;

/* Accepts and drains connections until the process exits. */
static void *drain_connections(void *arg)
{
	int lfd = (int)(long)arg;
	char buf[BLOCK];

	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		while (read(fd, buf, sizeof buf) > 0)
			;
		close(fd);
	}
}

static int child_io(const char *file, long i)
{
	void *buf;
	int fd, ok;

	if (posix_memalign(&buf, BLOCK, BLOCK))
		return 1;
	memset(buf, (int)(i & 0xff), BLOCK);
	fd = open(file, O_WRONLY | O_DIRECT);
	if (fd < 0)
		return 1;
	ok = pwrite(fd, buf, BLOCK, (off_t)(i % FILE_BLOCKS) * BLOCK) == BLOCK;
	close(fd);
	return ok ? 0 : 1;
}

static int child_net(void)
{
	static char buf[BLOCK];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int ok;

	if (fd < 0)
		return 1;
	ok = connect(fd, (struct sockaddr *)&listener_addr, sizeof listener_addr) == 0 &&
	     write(fd, buf, sizeof buf) == (ssize_t)sizeof buf;
	close(fd);
	return ok ? 0 : 1;
}

static void run_child(enum kind kind, const char *file, long i)
{
	switch (kind) {
	case PLAIN:
		_exit(0);
	case IO:
		_exit(child_io(file, i));
	case NET:
		_exit(child_net());
	case EXEC:
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	_exit(1);
}

/*
 * Places COUNT children of KIND evenly over the run, the k-th at about
 * (k + PHASE) * total / count; a slot already taken moves it to the next
 * plain one, so every kind gets exactly its count.
 */
static void place(unsigned char *plan, long total, long count, enum kind kind, double phase)
{
	for (long k = 0; k < count; k++) {
		long i = (long)(((double)k + phase) * (double)total / (double)count);

		while (plan[i % total] != PLAIN)
			i++;
		plan[i % total] = (unsigned char)kind;
	}
}

/* FILE: 1 MiB of real blocks, so direct writes overwrite allocated space. */
static int prepare_file(const char *file)
{
	static char zero[BLOCK];
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return -1;
	for (int b = 0; b < FILE_BLOCKS; b++) {
		if (write(fd, zero, BLOCK) != BLOCK) {
			close(fd);
			return -1;
		}
	}
	if (fsync(fd)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int start_listener(void)
{
	socklen_t len = sizeof listener_addr;
	pthread_t thread;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	if (lfd < 0)
		return -1;
	memset(&listener_addr, 0, sizeof listener_addr);
	listener_addr.sin_family = AF_INET;
	listener_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&listener_addr, sizeof listener_addr) ||
	    getsockname(lfd, (struct sockaddr *)&listener_addr, &len) || listen(lfd, 256))
		return -1;
	if (pthread_create(&thread, NULL, drain_connections, (void *)(long)lfd))
		return -1;
	pthread_detach(thread);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long parse(const char *s)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	return end && !*end && v >= 0 ? v : -1;
}

int main(int argc, char **argv)
{
	long total, io, net, exec, made[4] = { 0 }, failed = 0, live = 0;
	unsigned char *plan;
	const char *file;
	double t0, secs;
	int status;

	if (argc != 6 || (total = parse(argv[1])) <= 0 || (io = parse(argv[2])) < 0 ||
	    (net = parse(argv[3])) < 0 || (exec = parse(argv[4])) < 0 || io + net + exec > total) {
		fprintf(stderr, "usage: bench_churn TOTAL IO NET EXEC FILE\n");
		return 2;
	}
	file = argv[5];
	plan = calloc((size_t)total, 1); /* PLAIN is 0 */
	if (!plan)
		return 1;
	place(plan, total, io, IO, 0.25);
	place(plan, total, net, NET, 0.5);
	place(plan, total, exec, EXEC, 0.75);
	if (io && prepare_file(file)) {
		fprintf(stderr, "bench_churn: %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (net && start_listener()) {
		fprintf(stderr, "bench_churn: loopback listener: %s\n", strerror(errno));
		return 1;
	}

	t0 = now_s();
	for (long i = 0; i < total; i++) {
		enum kind kind = (enum kind)plan[i];
		pid_t pid;

		while (live >= MAX_LIVE) {
			if (wait(&status) < 0)
				break;
			live--;
			failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
		}
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "bench_churn: fork %ld: %s\n", i + 1, strerror(errno));
			failed += total - i;
			break;
		}
		if (pid == 0)
			run_child(kind, file, i);
		live++;
		made[kind]++;
	}
	while (live > 0 && wait(&status) >= 0) {
		live--;
		failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	secs = now_s() - t0;

	printf("bench_churn: %ld processes (plain %ld, io %ld, net %ld, exec %ld, failed %ld)"
	       " in %.3f s: %.0f processes/s\n",
	       made[PLAIN] + made[IO] + made[NET] + made[EXEC], made[PLAIN], made[IO], made[NET],
	       made[EXEC], failed, secs, (double)(made[PLAIN] + made[IO] + made[NET] + made[EXEC]) / secs);
	if (io)
		unlink(file);
	free(plan);
	return failed ? 1 : 0;
}
