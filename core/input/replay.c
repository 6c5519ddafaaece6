/* core/input/replay.c -- auditd text in (a file, or stdin: auditd's audisp
 * plugin stream), the same pipeline as netlink.
 *
 * A file is read faster than one core renders it: the pipeline renders on
 * the other CPUs too (pipeline_parallel), in order.
 *
 * Lines are split and parsed by text.c (shared with follow).  Input that can
 * stall (a pipe, `tail -f | auditstream --replay -`) is polled by the loop,
 * and pending events are completed once it has been idle for a second,
 * since a text log has no EOE to complete them. */
#include "input/input.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/text.h"
#include "util/log.h"

#define IDLE_MS 1000

struct replay {
	struct text_input text;
	int fd;
	int may_stall;		/* a pipe or a terminal, not a regular file */
	uint64_t last_data_ms;	/* monotonic: the last read that brought bytes */
	int flushed;		/* pending events completed since then */
};

/* Lines but not one audit record (a binary file, the wrong file): a run
 * that "succeeded" would hide the mistake.  An empty input is no mistake. */
static int nothing_valid(const struct replay *r)
{
	unsigned long long bad = atomic_load(&r->text.p->stats.bad_records);

	if (atomic_load(&r->text.p->stats.records) || !bad)
		return 0;
	log_err("%s: no audit record in it (%llu line%s skipped): not auditd's text format?",
		r->text.path, bad, bad == 1 ? "" : "s");
	return 1;
}

static int replay_read(struct input *in)
{
	struct replay *r = in->priv;
	ssize_t got = text_read(&r->text, r->fd);

	if (got == -EAGAIN)
		return 0;
	if (got < 0)
		return (int)got;
	if (got == 0) {
		text_finish(&r->text);
		return nothing_valid(r) ? -EINVAL : INPUT_END;
	}
	r->last_data_ms = now_monotonic_ms();
	r->flushed = 0;
	if (!r->may_stall)	/* always readable: read on without waiting */
		return INPUT_MORE;
	pipeline_deliver(r->text.p);	/* a live stream: no event waits for the tick */
	return 0;
}

/* Idle input: nothing more is coming soon, complete what is pending. */
static void replay_tick(struct input *in, uint64_t now_ms)
{
	struct replay *r = in->priv;

	if (r->may_stall && !r->flushed && now_ms - r->last_data_ms >= IDLE_MS) {
		assembler_flush(r->text.p->assembler);
		r->flushed = 1;
	}
}

/* Threads that render beside the reader: one per CPU this process may run
 * on, past the first (taskset -c 0 means none), at most 3 (the reader's
 * parsing would not keep more busy). */
/* One helper per further CPU we may run on, at most 3.  On 2 idle CPUs a
 * helper takes a 100,000-event replay from 0.157 to 0.140 s (goaudit) and
 * 0.207 to 0.166 s (raw); with another busy process on the machine it made
 * goaudit slower (0.182 -> 0.204 s) but still paid for enriched
 * (bench/RESULTS.md, issue 18).  `taskset -c 0` runs a replay without. */
static unsigned render_helpers(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 0;
	n = CPU_COUNT(&set) - 1;
	return n < 0 ? 0 : n > 3 ? 3 : (unsigned)n;
}

static int replay_start(struct input *in)
{
	struct replay *r = calloc(1, sizeof(*r));
	struct stat st;

	if (!(in->priv = r))
		return -ENOMEM;
	r->fd = -1;
	if (text_init(&r->text, in->p, in->path) < 0)
		return -ENOMEM;
	r->fd = strcmp(in->path, "-") == 0 ? STDIN_FILENO : open(in->path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		int rc = -errno;
		log_err("%s: cannot open for replay: %s", in->path, strerror(errno));
		return rc;
	}
	r->may_stall = fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode);
	r->last_data_ms = now_monotonic_ms();
	/* Without helpers the reader renders, as before: no error. */
	(void)pipeline_parallel(in->p, render_helpers());
	return 0;
}

static int replay_fd(const struct input *in)
{
	const struct replay *r = in->priv;
	return r->fd;
}

static void replay_stop(struct input *in)
{
	(void)in;	/* the loop completes what is pending (pipeline_end) */
}

static void replay_destroy(struct input *in)
{
	struct replay *r = in->priv;

	if (!r)
		return;
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	text_free(&r->text);
	free(r);
	in->priv = NULL;
}

const struct input_ops input_replay_ops = {
	.name = "replay",
	.file_backed = 1,
	.start = replay_start,
	.fd = replay_fd,
	.read = replay_read,
	.tick = replay_tick,
	.stop = replay_stop,
	.destroy = replay_destroy,
};
