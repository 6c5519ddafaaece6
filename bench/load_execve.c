/* bench/load_execve.c -- load generator: fork and exec /bin/true in a loop.
 *
 *   load_execve SECONDS [MAX_OPS]
 *
 * Each run is one execve event of about 8 records (SYSCALL, EXECVE, CWD,
 * PATH x2, PROCTITLE, ..., EOE) under `-S execve`.  Prints
 * "ops=N secs=S ops_per_s=R". */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char *const args[] = { "/bin/true", NULL };
	static char *const env[] = { NULL };
	double secs, start, end, t;
	unsigned long long max, ops = 0;

	if (argc < 2 || argc > 3 || (secs = strtod(argv[1], NULL)) <= 0) {
		fprintf(stderr, "usage: %s SECONDS [MAX_OPS]\n", argv[0]);
		return 2;
	}
	max = argc == 3 ? strtoull(argv[2], NULL, 10) : ~0ull;
	start = now();
	end = start + secs;
	for (t = start; t < end && ops < max; t = now()) {
		int st;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execve(args[0], args, env);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "%s: /bin/true failed\n", argv[0]);
			return 1;
		}
		ops++;
	}
	printf("ops=%llu secs=%.3f ops_per_s=%.0f\n", ops, t - start, (double)ops / (t - start));
	return 0;
}
