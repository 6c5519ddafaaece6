/* core/input_netlink.c -- the reader thread's loop in unicast mode.
 *
 * One thread, one poll(): records, the AUDIT_GET answers of the status poll,
 * signals, and a 100 ms tick that drives event timeouts and gap checks. */
#include "input_netlink.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "signals.h"

#define TICK_MS 100
#define RECV_BURST 4096	/* records per wake-up before ticking again */

struct reader {
	struct pipeline *p;
	struct nl nl;
	int have_lost;
	uint32_t last_lost;
	int enabled_by_us;
	uint64_t next_status_ms;
	uint64_t next_stats_ms;
	uint64_t enobufs_unreported;
};

static void on_status(struct reader *r, const struct audit_status *st)
{
	atomic_store(&r->p->stats.kernel_backlog, st->backlog);
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
	pipeline_record(r->p, &rec, now_monotonic_ms());
}

static void report_enobufs(struct reader *r)
{
	struct loss l = { "enobufs", r->enobufs_unreported, 0, 0, NULL };

	if (!r->enobufs_unreported)
		return;
	pipeline_loss(r->p, &l);
	r->enobufs_unreported = 0;
}

/* Reads what the socket holds, up to a burst. */
static int drain_socket(struct reader *r, int limit)
{
	for (int i = 0; i < limit; i++) {
		const char *payload;
		int type;
		long len = nl_recv(&r->nl, &type, &payload);

		if (len == -EAGAIN)
			return 0;
		if (len == -ENOBUFS) {
			/* The kernel dropped messages for us; the lost counter says how
			 * many, this says it happened.  Keep reading. */
			atomic_fetch_add(&r->p->stats.enobufs, 1);
			r->enobufs_unreported++;
			continue;
		}
		if (len < 0) {
			log_err("netlink: receive failed: %s", strerror((int)-len));
			return (int)len;
		}
		on_msg(r, type, payload, (size_t)len);
	}
	return 0;
}

static void tick(struct reader *r, uint64_t now)
{
	pipeline_tick(r->p, now);
	report_enobufs(r);
	if (now >= r->next_status_ms) {
		nl_request(&r->nl, AUDIT_GET, NULL, 0, 0, NULL, NULL);
		r->next_status_ms = now + r->p->cfg->status_interval_ms;
	}
	if (r->p->cfg->stats_interval_s && now >= r->next_stats_ms) {
		if (r->next_stats_ms)
			stats_log(&r->p->stats, r->p->outs, r->p->nouts);
		r->next_stats_ms = now + r->p->cfg->stats_interval_s * 1000ull;
	}
}

static int name_holder(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	comm[0] = '\0';
	if (!(f = fopen(path, "r")))
		return -1;
	if (fgets(comm, (int)len, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
	return 0;
}

static int register_pid(struct reader *r)
{
	struct audit_status st;
	char comm[64];
	int rc = nl_set_status(&r->nl, AUDIT_STATUS_PID, (uint32_t)getpid(), on_msg, r);

	if (rc == 0)
		return 0;
	if (rc == -EEXIST && nl_get_status(&r->nl, &st, on_msg, r) == 0 && st.pid) {
		name_holder(st.pid, comm, sizeof(comm));
		log_err("another process holds the kernel audit pid: pid %u (%s); stop it first "
			"(auditd, or another auditstream)", st.pid, comm[0] ? comm : "?");
	} else {
		log_err("cannot register as the audit daemon (AUDIT_SET pid): %s", strerror(-rc));
	}
	return rc;
}

static int start(struct reader *r)
{
	struct audit_status st;
	int rc;

	if ((rc = nl_open(&r->nl, r->p->cfg->socket_rcvbuf)) < 0) {
		log_err("cannot open the audit netlink socket: %s%s", strerror(-rc),
			rc == -EPROTONOSUPPORT ? " (kernel without audit support)" : "");
		return rc;
	}
	if ((rc = register_pid(r)) < 0)
		return rc;
	if ((rc = nl_get_status(&r->nl, &st, on_msg, r)) < 0) {
		log_err("cannot read the kernel audit status: %s", strerror(-rc));
		return rc;
	}
	on_status(r, &st);
	if (r->p->cfg->enable_audit && st.enabled == 0) {
		if ((rc = nl_set_status(&r->nl, AUDIT_STATUS_ENABLED, 1, on_msg, r)) < 0) {
			log_err("cannot enable auditing: %s", strerror(-rc));
			return rc;
		}
		r->enabled_by_us = 1;
	}
	log_info("reading the kernel's audit records as pid %d (auditing %s)", getpid(),
		 st.enabled == 2 ? "enabled, locked" : (st.enabled || r->enabled_by_us) ? "enabled" : "disabled");
	return 0;
}

/* Hands the audit pid back, then takes in what was still on its way. */
static void stop(struct reader *r)
{
	int rc;

	if (r->enabled_by_us && (rc = nl_set_status(&r->nl, AUDIT_STATUS_ENABLED, 0, on_msg, r)) < 0)
		log_warn("cannot restore auditing to disabled: %s", strerror(-rc));
	if ((rc = nl_set_status(&r->nl, AUDIT_STATUS_PID, 0, on_msg, r)) < 0)
		log_warn("cannot deregister as the audit daemon: %s", strerror(-rc));
	drain_socket(r, 1 << 20);
	report_enobufs(r);
}

int input_netlink_run(struct pipeline *p, int sigfd)
{
	struct reader r;
	int rc, stopping = 0;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.nl.fd = -1;
	if ((rc = start(&r)) < 0) {
		nl_close(&r.nl);
		return rc;
	}
	r.next_status_ms = now_monotonic_ms() + p->cfg->status_interval_ms;
	while (!stopping) {
		struct pollfd fds[2] = { { .fd = r.nl.fd, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };

		if (poll(fds, 2, TICK_MS) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (fds[0].revents && (rc = drain_socket(&r, RECV_BURST)) < 0)
			break;
		if (fds[1].revents)
			stopping = signals_handle(sigfd, p->outs, p->nouts, &p->stats) == SIGNALS_STOP;
		tick(&r, now_monotonic_ms());
	}
	stop(&r);
	nl_close(&r.nl);
	return stopping ? 0 : rc;
}
