/* core/daemon/signals.c -- signalfd set-up and dispatch. */
#include "daemon/signals.h"

#include <errno.h>
#include <signal.h>
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

int signals_handle(int sigfd, struct output *outs, unsigned n, const struct stats *st)
{
	struct signalfd_siginfo si;
	int rc = SIGNALS_GO_ON;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			log_info("SIGHUP: reopening outputs");
			for (unsigned i = 0; i < n; i++)
				output_request_reopen(&outs[i]);
			break;
		case SIGUSR1:
			stats_log(st, outs, n);
			break;
		default:
			log_info("%s: stopping", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			rc = SIGNALS_STOP;
			break;
		}
	}
	return rc;
}

int signals_stop_pending(void)
{
	sigset_t pending;

	if (sigpending(&pending) < 0)
		return 0;
	return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
}
