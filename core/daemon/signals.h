/* core/daemon/signals.h -- signals as file descriptor events (signalfd), so
 * the loop handles them in its poll() and no handler runs in a thread.
 * Signals decide; the loop (core/daemon/loop.c) acts. */
#ifndef AS_SIGNALS_H
#define AS_SIGNALS_H

/* What the signals read so far ask for (a bit mask). */
enum {
	SIGNALS_STOP = 1,	/* SIGTERM, SIGINT */
	SIGNALS_REOPEN = 2,	/* SIGHUP: outputs reopen their targets */
	SIGNALS_STATS = 4,	/* SIGUSR1: log the counters */
};

/* Blocks SIGTERM, SIGINT, SIGHUP, SIGUSR1 (call before starting threads) and
 * returns a non-blocking signalfd for them, or -errno. */
int signals_setup(void);

/* Reads every pending signal; returns the SIGNALS_* they ask for (0: none). */
int signals_read(int sigfd);

/* 1 once SIGTERM or SIGINT is pending or was read: lets a reader blocked on
 * a full `block` queue give up instead of hanging on a dead output. */
int signals_stop_pending(void);

#endif
