/* core/input/input.h -- the one interface every input implements.
 *
 * An input turns some source of audit records (the kernel's netlink socket,
 * an auditd text log, a growing audit.log) into pipeline_record() calls.  It
 * owns no loop: the daemon's loop (core/daemon/loop.c) polls the input's fd
 * beside the signals, calls read() when it is readable (or right away while
 * read() says there is more), tick() every TICK_MS, and sends READY=1 once
 * start() has returned 0.  Adding an input is one file and one row in
 * core/input/input.c.
 *
 * Return convention for every int below: 0 or a negative errno (logged by
 * the input, which knows the context), except read(), which also returns
 * INPUT_MORE and INPUT_END. */
#ifndef AS_INPUT_H
#define AS_INPUT_H

#include <stdint.h>

#include "config/config.h"
#include "pipeline/pipeline.h"

enum {
	INPUT_MORE = 1,	/* read() stopped at its burst limit: call again soon */
	INPUT_END = 2,	/* the source is through (end of a replayed file) */
};

struct input;

struct input_ops {
	const char *name;		/* "unicast", "multicast", "replay", "follow" */
	/* A file cannot be overrun: the reader waits for the outputs (their
	 * queues block) and the drain at the end has no deadline but a
	 * signal.  The kernel can be: its input never waits on an output. */
	int file_backed;
	/* Opens the source.  Returns 0 or -errno (logged). */
	int (*start)(struct input *in);
	/* The descriptor to poll for POLLIN, or -1: none (read() on every tick). */
	int (*fd)(const struct input *in);
	/* Reads what the source has now, up to a burst, into the pipeline.
	 * 0: wait for the fd or the next tick; INPUT_MORE; INPUT_END; -errno. */
	int (*read)(struct input *in);
	/* The input's own timers: status polls, canary, idle flushes (the loop
	 * ticks the pipeline's event timeouts itself). */
	void (*tick)(struct input *in, uint64_t now_ms);
	/* Stops: hands back what it took (the audit pid), takes in what was
	 * still on its way.  The loop then completes pending events
	 * (pipeline_end) and drains the outputs before destroy(), so an input
	 * that saves a position (follow) saves what the outputs took. */
	void (*stop)(struct input *in);
	void (*destroy)(struct input *in);
};

struct input {
	const struct input_ops *ops;
	struct pipeline *p;
	const struct config *cfg;
	const char *path;	/* replay: the file ('-': stdin); follow: the log */
	void *priv;		/* the implementation's state */
	/* Set by read() when it returned 0: the source came sparse, and the
	 * loop may wait input.coalesce_ms before the next read.  Only the
	 * kernel inputs set it (a pipe or a file read in 64 KiB steps would
	 * only be slowed down). */
	int may_wait;
};

/* The ops for the configured mode, or for --replay when replay_path is set.
 * Fills in; no I/O yet.  -EINVAL for a mode with no row in the table
 * (config.c accepts only modes that have one). */
int input_select(struct input *in, const struct config *cfg, const char *replay_path);

/* The implementations (one file each). */
extern const struct input_ops input_netlink_unicast, input_netlink_multicast;
extern const struct input_ops input_replay_ops, input_follow_ops;

#endif
