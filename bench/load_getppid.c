/* bench/load_getppid.c -- load generator: one cheap syscall per audit event.
 *
 *   load_getppid SECONDS [MAX_OPS]
 *
 * Calls getppid(2) in a loop (the raw syscall: nothing cached in libc) for
 * SECONDS, or until MAX_OPS calls, and prints "ops=N secs=S ops_per_s=R".
 * Under a rule like `-a always,exit -F arch=b64 -S getppid` each call is one
 * event of SYSCALL, PROCTITLE and EOE. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
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
	double secs, start, end, t;
	unsigned long long max, ops = 0;

	if (argc < 2 || argc > 3 || (secs = strtod(argv[1], NULL)) <= 0) {
		fprintf(stderr, "usage: %s SECONDS [MAX_OPS]\n", argv[0]);
		return 2;
	}
	max = argc == 3 ? strtoull(argv[2], NULL, 10) : ~0ull;
	start = now();
	end = start + secs;
	t = start;
	while (ops < max) {
		syscall(SYS_getppid);
		/* The clock is read every 256 calls: cheap next to the audited syscall. */
		if ((++ops & 255) == 0 && (t = now()) >= end)
			break;
	}
	t = now();
	printf("ops=%llu secs=%.3f ops_per_s=%.0f\n", ops, t - start, (double)ops / (t - start));
	return 0;
}
