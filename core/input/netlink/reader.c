/* core/input/netlink/reader.c -- the kernel input: records, as the audit
 * daemon (unicast) or beside it (multicast group AUDIT_NLGRP_READLOG).
 *
 * The loop polls the socket; read() takes in a burst of records and the
 * AUDIT_GET answers of the status poll; tick() drives the status poll, the
 * canary and the restart gap.  Taking and giving back the kernel's state is
 * audit_state.c's job. */
#include "input/input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "input/netlink/audit_state.h"
#include "util/log.h"
#include "input/netlink/socket.h"
#include "input/netlink/restart_gap.h"

#define RECV_BURST 4096	/* records per wake-up before ticking again */

struct reader {
	struct pipeline *p;
	struct nl nl;
	struct control ctl;
	int have_lost;
	uint32_t last_lost;
	uint64_t next_status_ms;
	uint64_t enobufs_unreported;
	uint64_t now_ms;	/* read once per drain: a clock call per record was 1.2% of the CPU */
	/* A drain that emptied the socket having read less than this (bytes)
	 * may be followed by a wait (input.coalesce_ms); 0: never.  1/32 of
	 * the socket's buffer: what comes during the wait is then far from
	 * filling it (a full buffer makes kauditd block, or a broadcast drop). */
	size_t sparse_below;
	size_t drained;		/* bytes read by the current drain */
	int sparse;		/* the last drain emptied the socket, below sparse_below */
	struct restart_gap gap;
};

static void on_status(struct reader *r, const struct audit_status *st)
{
	atomic_store(&r->p->stats.kernel_backlog, st->backlog);
	atomic_store(&r->p->stats.kernel_backlog_limit, st->backlog_limit);
	atomic_store(&r->p->stats.kernel_enabled, st->enabled);
	atomic_store(&r->p->stats.kernel_failure, st->failure);
	atomic_store(&r->p->stats.kernel_lost_total, st->lost);
	if (r->have_lost && st->lost != r->last_lost) {
		uint32_t delta = st->lost - r->last_lost;	/* wraps like the kernel's */
		struct loss l = { "kernel_lost", delta, 0, 0, NULL };
		atomic_fetch_add(&r->p->stats.kernel_lost, delta);
		pipeline_loss(r->p, &l);
	} else if (!r->have_lost && st->lost) {
		log_notice("the kernel had already lost %u records before start", st->lost);
	}
	r->have_lost = 1;
	r->last_lost = st->lost;
}

/* Every message from the kernel lands here. */
static void on_msg(void *arg, int type, const char *payload, size_t len)
{
	struct reader *r = arg;
	struct record rec;

	if (type == AUDIT_GET) {
		struct audit_status st;
		memset(&st, 0, sizeof(st));
		memcpy(&st, payload, len < sizeof(st) ? len : sizeof(st));
		on_status(r, &st);
		return;
	}
	if (!record_type_is_record(type))
		return;	/* control traffic, or the kernel testing that we are alive */
	if (record_parse_payload(type, payload, len, &rec) < 0) {
		if (atomic_fetch_add(&r->p->stats.bad_records, 1) < 10)
			log_warn("netlink: record of type %d without an audit(...) header skipped: %.*s",
				 type, (int)(len > 120 ? 120 : len), payload);
		return;
	}
	restart_gap_seen(&r->gap, r->p, rec.serial);
	pipeline_record(r->p, &rec, r->now_ms);
}

static void report_enobufs(struct reader *r)
{
	struct loss l = { "enobufs", r->enobufs_unreported, 0, 0, NULL };

	if (!r->enobufs_unreported)
		return;
	pipeline_loss(r->p, &l);
	r->enobufs_unreported = 0;
}

static int drain(struct reader *r, int limit);

/* Reads what the socket holds, up to a burst. */
static int drain_socket(struct reader *r, int limit)
{
	int rc;

	pipeline_hold(r->p, 1);
	rc = drain(r, limit);
	pipeline_hold(r->p, 0);
	return rc;
}

static int drain(struct reader *r, int limit)
{
	int i;

	r->now_ms = now_monotonic_ms();
	r->drained = 0;
	r->sparse = 0;
	/* A batch already received is always handed out whole: control
	 * requests read the socket directly and must not overtake it. */
	for (i = 0; i < limit || nl_rx_pending(&r->nl); i++) {
		const char *payload;
		int type;
		long len = nl_recv_many(&r->nl, &type, &payload);

		if (len == -EAGAIN) {
			r->sparse = r->drained < r->sparse_below;
			return 0;
		}
		if (len == -ENOBUFS) {
			/* The kernel dropped messages for us; the lost counter says how
			 * many, this says it happened.  Keep reading (and no wait
			 * after this drain). */
			atomic_fetch_add(&r->p->stats.enobufs, 1);
			r->enobufs_unreported++;
			r->drained = r->sparse_below;
			continue;
		}
		if (len < 0) {
			log_err("netlink: receive failed: %s", strerror((int)-len));
			return (int)len;
		}
		r->drained += (size_t)len;
		on_msg(r, type, payload, (size_t)len);
	}
	return INPUT_MORE;
}

static void tick_canary(struct reader *r, uint64_t now)
{
	struct loss l = { "canary_missed", 1, 0, 0, NULL };
	uint64_t sent, seen, missed;

	if (!r->ctl.canary)
		return;
	if (canary_tick(r->ctl.canary, now))
		pipeline_loss(r->p, &l);
	canary_counts(r->ctl.canary, &sent, &seen, &missed);
	atomic_store(&r->p->stats.canary_sent, sent);
	atomic_store(&r->p->stats.canary_seen, seen);
	atomic_store(&r->p->stats.canary_missed, missed);
}

static void nl_tick(struct input *in, uint64_t now)
{
	struct reader *r = in->priv;

	report_enobufs(r);
	tick_canary(r, now);
	restart_gap_tick(&r->gap, now);
	if (now >= r->next_status_ms) {
		nl_request(&r->nl, AUDIT_GET, NULL, 0, 0, NULL, NULL);
		r->next_status_ms = now + r->p->cfg->status_interval_ms;
	}
}

/* Hands the audit state back, then takes in what was still on its way. */
static void nl_stop(struct input *in)
{
	struct reader *r = in->priv;

	r->now_ms = now_monotonic_ms();	/* for records read by the control requests */
	control_stop(&r->ctl, &r->nl, on_msg, r);
	drain_socket(r, 1 << 20);
	report_enobufs(r);
	restart_gap_save(&r->gap);
	r->p->observe = NULL;
}

/* sparse_below from the buffer the kernel really gave the socket (SO_RCVBUF
 * may have been capped at net.core.rmem_max): below 1 MiB, never wait. */
static void set_sparse_below(struct reader *r, const struct config *cfg)
{
	int got = 0;
	socklen_t len = sizeof(got);

	r->sparse_below = 0;
	if (getsockopt(r->nl.fd, SOL_SOCKET, SO_RCVBUF, &got, &len) == 0 && got >= (1 << 20))
		r->sparse_below = (size_t)got / 32;
	if (cfg->coalesce_ms)
		log_info("netlink: receive buffer %d bytes: %s", got, r->sparse_below ?
			 "a read that empties it below 1/32 of that may wait (input.coalesce_ms)" :
			 "under 1 MiB, reads never wait (input.coalesce_ms)");
}

static int nl_start(struct input *in)
{
	struct reader *r = calloc(1, sizeof(*r));
	int multicast = in->ops == &input_netlink_multicast, rc;

	if (!(in->priv = r))
		return -ENOMEM;
	r->p = in->p;
	r->nl.fd = -1;
	if ((rc = control_prepare(&r->ctl, in->cfg)) < 0)
		return rc;
	if ((rc = nl_open(&r->nl, in->cfg->socket_rcvbuf, multicast ? 1u << (AUDIT_NLGRP_READLOG - 1) : 0)) < 0) {
		log_err("cannot open the audit netlink socket%s: %s%s",
			multicast ? " in the multicast group" : "", strerror(-rc),
			rc == -EPROTONOSUPPORT ? " (kernel without audit support)" :
			rc == -EPERM && multicast ? " (multicast needs CAP_AUDIT_READ)" : "");
		return rc;
	}
	set_sparse_below(r, in->cfg);
	restart_gap_open(&r->gap, in->cfg->state_dir);	/* before the first record */
	r->now_ms = now_monotonic_ms();
	if ((rc = control_start(&r->ctl, &r->nl, on_msg, r)) < 0)
		return rc;
	if (r->ctl.canary) {
		r->p->observe = canary_observe;
		r->p->observe_arg = r->ctl.canary;
	}
	r->next_status_ms = now_monotonic_ms() + in->cfg->status_interval_ms;
	return 0;
}

static int nl_fd(const struct input *in)
{
	const struct reader *r = in->priv;
	return r->nl.fd;
}

static int nl_read(struct input *in)
{
	struct reader *r = in->priv;
	int rc = drain(r, RECV_BURST);	/* the loop holds the queues */

	in->may_wait = rc == 0 && r->sparse;
	return rc;
}


static void nl_destroy(struct input *in)
{
	struct reader *r = in->priv;

	if (!r)
		return;
	nl_close(&r->nl);
	control_free(&r->ctl);
	free(r);
	in->priv = NULL;
}

#define NETLINK_OPS(mode) { \
	.name = mode, .file_backed = 0, .start = nl_start, .fd = nl_fd, .read = nl_read, \
	.tick = nl_tick, .stop = nl_stop, .destroy = nl_destroy }

const struct input_ops input_netlink_unicast = NETLINK_OPS("unicast");
const struct input_ops input_netlink_multicast = NETLINK_OPS("multicast");
