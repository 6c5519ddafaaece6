/* core/daemon/loop.c -- one poll() over the input and the signals. */
#include "daemon/loop.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "daemon/notify.h"
#include "daemon/signals.h"
#include "util/clock.h"
#include "util/log.h"

/* Acts on what the signals ask; returns 1 when they ask to stop. */
static int act(struct loop *l)
{
	int asks = signals_read(l->sigfd);
	struct pipeline *p = l->p;

	if (asks & SIGNALS_REOPEN) {
		log_info("SIGHUP: reopening outputs");
		for (unsigned i = 0; i < p->nouts; i++)
			output_request_reopen(&p->outs[i]);
	}
	if (asks & SIGNALS_STATS)
		stats_log(&p->stats, p->outs, p->nouts);
	return (asks & SIGNALS_STOP) != 0;
}

static void tick(struct loop *l, uint64_t now)
{
	unsigned every_s = l->p->cfg->stats_interval_s;

	pipeline_tick(l->p, now);
	l->in->ops->tick(l->in, now);
	metrics_tick(&l->mv, &l->ms, now);
	if (every_s && now >= l->next_stats_ms) {
		if (l->next_stats_ms)
			stats_log(&l->p->stats, l->p->outs, l->p->nouts);
		l->next_stats_ms = now + every_s * 1000ull;
	}
}

/* The input came sparse (it says so: in->may_wait): let records gather for
 * coalesce_ms before the next poll.  A bare reader on a fork+exec load
 * spends two thirds of its CPU being woken, once per event (bench/RESULTS.md,
 * issue 18); waiting a moment reads several events per wake-up (and hands
 * the outputs several at a time).  The kernel input says so only after a
 * read far below its socket's buffer, so what comes meanwhile fits in it.
 * Signals end the wait at once.  Returns 1 if one asked to stop. */
static int coalesce(struct loop *l)
{
	struct pollfd pf = { .fd = l->sigfd, .events = POLLIN };

	return poll(&pf, 1, (int)l->coalesce_ms) > 0 && act(l);
}

/* Reads until a stop signal (returns 0), the input's end (INPUT_END) or an
 * error (-errno). */
static int read_input(struct loop *l)
{
	struct input *in = l->in;
	int rc = 0;

	for (;;) {
		int fd = in->ops->fd(in);
		struct pollfd fds[2] = { { .fd = l->sigfd, .events = POLLIN }, { .fd = fd, .events = POLLIN } };
		uint64_t now = now_monotonic_ms();
		int wait = rc == INPUT_MORE ? 0 : l->next_tick > now ? (int)(l->next_tick - now) : 0;

		if (poll(fds, fd >= 0 ? 2 : 1, wait) < 0 && errno != EINTR)
			return -errno;
		if (fds[0].revents && act(l))
			return 0;
		if (fds[1].revents || rc == INPUT_MORE || fd < 0) {
			pipeline_hold(l->p, 1);
			rc = in->ops->read(in);
			pipeline_hold(l->p, 0);
			if (rc < 0 || rc == INPUT_END)
				return rc;
			if (rc == 0 && in->may_wait && l->coalesce_ms && coalesce(l))
				return 0;
		}
		if ((now = now_monotonic_ms()) >= l->next_tick) {
			tick(l, now);
			l->next_tick = now + LOOP_TICK_MS;
		}
	}
}

static int outputs_busy(struct pipeline *p)
{
	for (unsigned i = 0; i < p->nouts; i++)
		if (!output_idle(&p->outs[i]))
			return 1;
	return 0;
}

/* Waits for a signal for up to *ms (1 ms at first, doubling to 20: a replay's
 * outputs are usually done within a millisecond or two of its end, and 20 ms
 * was 10 % of a 100,000-event replay); returns 1 if one asked to stop. */
static int nap(struct loop *l, int *ms)
{
	struct pollfd pf = { .fd = l->sigfd, .events = POLLIN };
	int wait = *ms;

	*ms = wait < 10 ? wait * 2 : 20;
	return poll(&pf, 1, wait) > 0 && act(l);
}

/* Lets the outputs work off their queues while they are still open, so that
 * losses found on the way (a FATAL output's drops) still reach the others.
 * deadline UINT64_MAX: none until a stop signal; a second one ends it. */
static uint64_t settle(struct loop *l, uint64_t deadline, unsigned drain_ms)
{
	struct pipeline *p = l->p;
	int ms = 1;

	for (;;) {
		pipeline_report_overflows(p);
		if (!outputs_busy(p) || now_monotonic_ms() >= deadline)
			break;
		if (nap(l, &ms))
			deadline = deadline == UINT64_MAX ? now_monotonic_ms() + drain_ms : 0;
	}
	pipeline_report_overflows(p);
	return deadline;
}

static void drain(struct loop *l, uint64_t deadline, unsigned drain_ms)
{
	struct pipeline *p = l->p;
	unsigned left = p->nouts;
	int ms = 1;

	deadline = settle(l, deadline, drain_ms);
	for (unsigned i = 0; i < p->nouts; i++)
		output_begin_stop(&p->outs[i], deadline);
	while (left) {
		left = 0;
		for (unsigned i = 0; i < p->nouts; i++)
			left += !output_try_join(&p->outs[i]);
		if (left && nap(l, &ms))	/* stop means now */
			for (unsigned i = 0; i < p->nouts; i++)
				output_set_deadline(&p->outs[i], now_monotonic_ms());
	}
}

int loop_run(struct loop *l)
{
	struct input *in = l->in;
	unsigned drain_ms = l->p->cfg->drain_time_ms;
	int rc;

	in->p = l->p;
	if ((rc = in->ops->start(in)) < 0) {
		in->ops->destroy(in);
		return rc;
	}
	/* The outputs were started before the pipeline, the input is open (and
	 * registered): from here on records are read and delivered. */
	notify_send("READY=1");
	l->next_tick = now_monotonic_ms() + LOOP_TICK_MS;
	rc = read_input(l);
	notify_send("STOPPING=1");
	in->ops->stop(in);
	pipeline_end(l->p);
	drain(l, rc == INPUT_END && in->ops->file_backed ? UINT64_MAX : now_monotonic_ms() + drain_ms,
	      drain_ms);
	/* After the drain: follow saves the position the outputs have taken. */
	in->ops->destroy(in);
	return rc < 0 ? rc : 0;
}
