/* core/daemon/signals.h -- signals as file descriptor events (signalfd), so the
 * reader handles them in its poll loop and no handler runs in a thread. */
#ifndef AS_SIGNALS_H
#define AS_SIGNALS_H

#include "output/output.h"
#include "pipeline/stats.h"

enum { SIGNALS_GO_ON = 0, SIGNALS_STOP = 1 };

/* Blocks SIGTERM, SIGINT, SIGHUP, SIGUSR1 (call before starting threads) and
 * returns a non-blocking signalfd for them, or -errno. */
int signals_setup(void);

/* Handles what is pending: SIGHUP reopens the outputs, SIGUSR1 logs stats,
 * SIGTERM/SIGINT return SIGNALS_STOP. */
int signals_handle(int sigfd, struct output *outs, unsigned n, const struct stats *st);

/* 1 if SIGTERM or SIGINT is pending (not yet read): lets a reader blocked on
 * a full `block` queue give up instead of hanging on a dead output. */
int signals_stop_pending(void);

#endif
