/* core/daemon/signals.c -- signalfd set-up and dispatch. */
#include "daemon/signals.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "util/log.h"

int signals_setup(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	/* A dead peer must be an EPIPE from write(), not the end of the daemon. */
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* A stop once read stays asked for: signal state is the process's. */
static atomic_int stop_read;

int signals_read(int sigfd)
{
	struct signalfd_siginfo si;
	int asks = 0;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP: asks |= SIGNALS_REOPEN; break;
		case SIGUSR1: asks |= SIGNALS_STATS; break;
		default:
			log_info("%s: stopping", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			asks |= SIGNALS_STOP;
			atomic_store(&stop_read, 1);
			break;
		}
	}
	return asks;
}

int signals_stop_pending(void)
{
	sigset_t pending;

	if (atomic_load(&stop_read))
		return 1;
	if (sigpending(&pending) < 0)
		return 0;
	return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
}
