/* core/daemon/metrics.c -- render struct stats and every output's counters as
 * Prometheus text exposition format (version 0.0.4), for the file and the
 * control socket alike; replace the file atomically: readers
 * (node_exporter) see the old file or the new one, never half of one. */
#include "daemon/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

static unsigned long long ld(const atomic_uint_least64_t *v)
{
	return (unsigned long long)atomic_load(v);
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP auditstream_%s %s\n# TYPE auditstream_%s %s\n", name, help, name, type);
}

static void one(FILE *f, const char *name, const char *type, const char *help,
		unsigned long long v)
{
	head(f, name, type, help);
	fprintf(f, "auditstream_%s %llu\n", name, v);
}

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

enum { PER_OUT_ENQ, PER_OUT_WRITTEN, PER_OUT_DROPPED, PER_OUT_UNDELIVERED, PER_OUT_RETRIES,
       PER_OUT_LOSS, PER_OUT_REJECTED, PER_OUT_DEPTH, PER_OUT_CAP, PER_OUT_BYTES, PER_OUT_MAX_BYTES,
       PER_OUT_DISABLED,
       PER_OUT_SPOOLED, PER_OUT_SPOOL_DROPPED, PER_OUT_SPOOL_CORRUPT, PER_OUT_SPOOL_EVENTS,
       PER_OUT_SPOOL_BYTES, PER_OUT_N };

static const struct {
	const char *name, *type, *help;
} per_out[PER_OUT_N] = {
	{ "output_enqueued_total", "counter", "Events put into the output's queue." },
	{ "output_written_total", "counter", "Events the plugin wrote." },
	{ "output_dropped_total", "counter", "Events dropped (queue overflow, disabled output, rejected by the peer)." },
	{ "output_undelivered_total", "counter", "Events still queued when the drain time ran out." },
	{ "output_retries_total", "counter", "Write attempts that returned RETRY." },
	{ "output_loss_events_total", "counter", "In-band loss events put into this output's stream." },
	{ "output_rejected_total", "counter", "Events the plugin gave up on (host->drop)." },
	{ "output_queue_depth", "gauge", "Events queued now." },
	{ "output_queue_capacity", "gauge", "The queue's size (queue.size)." },
	{ "output_queue_bytes", "gauge", "Bytes of events in the output's hands now: queued and being written." },
	{ "output_queue_max_bytes", "gauge", "The bound on those bytes (queue.max_bytes)." },
	{ "output_disabled", "gauge", "1 once the plugin returned FATAL." },
	{ "output_spooled_total", "counter", "Events written to the output's spool (spool.dir)." },
	{ "output_spool_dropped_total", "counter", "Events the spool could not take (full, or a write error)." },
	{ "output_spool_corrupt_total", "counter", "Damaged stretches of the spool skipped (each held one or more events)." },
	{ "output_spool_events", "gauge", "Events in the spool now." },
	{ "output_spool_bytes", "gauge", "The spool's bytes on disk now." },
};

static unsigned long long out_value(struct output *o, int k)
{
	switch (k) {
	case PER_OUT_ENQ: return ld(&o->enqueued);
	case PER_OUT_WRITTEN: return ld(&o->written);
	case PER_OUT_DROPPED: return (unsigned long long)output_dropped(o);
	case PER_OUT_UNDELIVERED: return ld(&o->undelivered);
	case PER_OUT_RETRIES: return ld(&o->retries);
	case PER_OUT_LOSS: return ld(&o->loss_events);
	case PER_OUT_REJECTED: return ld(&o->rejected);
	case PER_OUT_DEPTH: return (unsigned long long)queue_depth(&o->q);
	case PER_OUT_CAP: return (unsigned long long)o->cfg->queue_size;
	case PER_OUT_BYTES: return (unsigned long long)queue_bytes(&o->q);
	case PER_OUT_MAX_BYTES: return (unsigned long long)o->cfg->queue_max_bytes;
	case PER_OUT_SPOOLED: return ld(&o->spooled);
	case PER_OUT_SPOOL_DROPPED: return ld(&o->spool_dropped);
	case PER_OUT_SPOOL_CORRUPT: return ld(&o->spool_corrupt);
	case PER_OUT_SPOOL_EVENTS: return ld(&o->spool_events);
	case PER_OUT_SPOOL_BYTES: return ld(&o->spool_bytes);
	default: return (unsigned long long)(atomic_load(&o->disabled) != 0);
	}
}

static void out_labels(FILE *f, struct output *o)
{
	fputs("{output=\"", f);
	label(f, o->cfg->name);
	fputs("\",plugin=\"", f);
	label(f, o->cfg->plugin);
	fputc('"', f);
}

/* The conservation law's terms per output (README, "Loss accounting"):
 * received = written + dropped + held, dropped by reason = reported +
 * unreportable. */
enum { LAW_RECEIVED, LAW_REPORTS, LAW_RECOVERED, LAW_HELD, LAW_IN_HAND, LAW_OK, LAW_N };

static const struct {
	const char *name, *type, *help;
} law_terms[LAW_N] = {
	{ "output_received_total", "counter", "Events the output received: enqueued + its own loss reports + recovered from its spool." },
	{ "output_reports_total", "counter", "Loss events the output's worker made for its own stream." },
	{ "output_recovered_total", "counter", "Events in the output's spool from an earlier run, at start." },
	{ "output_held", "gauge", "Events held: queued + in the worker's hands + spooled + undelivered at exit." },
	{ "output_in_hand", "gauge", "Events in the worker's hands now." },
	{ "output_law_ok", "gauge", "1 while received = written + dropped + held and every reason's drops are reported or unreportable." },
};

static const struct {
	const char *name, *help;
} by_reason[3] = {
	{ "output_dropped_by_reason_total", "Events dropped, by reason (queue_overflow, output_failed, spool_dropped, spool_corrupt, the plugin's)." },
	{ "output_reported_by_reason_total", "Drops told in-band by loss events in the output's own stream, by reason." },
	{ "output_unreportable_by_reason_total", "Drops no stream was left to tell of (a disabled output's, a refused loss report's), by reason." },
};

static unsigned long long law_value(const struct account_snap *s, int k)
{
	switch (k) {
	case LAW_RECEIVED: return snap_received(s);
	case LAW_REPORTS: return s->reports;
	case LAW_RECOVERED: return s->recovered;
	case LAW_HELD: return snap_held(s);
	case LAW_IN_HAND: return s->in_hand;
	default: return (unsigned long long)snap_balanced(s);
	}
}

static void law(FILE *f, const struct metrics_view *v)
{
	struct account_snap *snap = calloc(v->nouts ? v->nouts : 1, sizeof(*snap));

	if (!snap)
		return;
	for (unsigned i = 0; i < v->nouts; i++)
		output_snapshot(&v->outs[i], &snap[i]);
	for (int k = 0; k < LAW_N; k++) {
		head(f, law_terms[k].name, law_terms[k].type, law_terms[k].help);
		for (unsigned i = 0; i < v->nouts; i++) {
			fprintf(f, "auditstream_%s", law_terms[k].name);
			out_labels(f, &v->outs[i]);
			fprintf(f, "} %llu\n", law_value(&snap[i], k));
		}
	}
	for (int k = 0; k < 3; k++) {
		head(f, by_reason[k].name, "counter", by_reason[k].help);
		for (unsigned i = 0; i < v->nouts; i++)
			for (unsigned r = 0; r < snap[i].nreasons; r++) {
				const uint64_t *col = k == 0 ? snap[i].dropped : k == 1 ? snap[i].reported :
						      snap[i].unreportable;
				fprintf(f, "auditstream_%s", by_reason[k].name);
				out_labels(f, &v->outs[i]);
				fputs(",reason=\"", f);
				label(f, snap[i].reason[r]);
				fprintf(f, "\"} %llu\n", (unsigned long long)col[r]);
			}
	}
	free(snap);
}

int metrics_render(FILE *f, const struct metrics_view *v)
{
	const struct stats *s = v->stats;

	head(f, "build_info", "gauge", "Always 1; the version and plugin ABI as labels.");
	fprintf(f, "auditstream_build_info{version=\"%s\",abi=\"%d.%d\"} 1\n", PACKAGE_VERSION,
		AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
	for (unsigned k = 0; k < stats_nfields; k++) {
		const struct stats_field *sf = &stats_fields[k];

		one(f, sf->metric, sf->type, sf->help, (unsigned long long)stats_value(s, sf));
	}
	one(f, "canary_enabled", "gauge", "1 when the canary is configured.", (unsigned long long)(v->cfg->canary.enabled != 0));
	for (int k = 0; k < PER_OUT_N; k++) {
		head(f, per_out[k].name, per_out[k].type, per_out[k].help);
		for (unsigned i = 0; i < v->nouts; i++) {
			fprintf(f, "auditstream_%s", per_out[k].name);
			out_labels(f, &v->outs[i]);
			fprintf(f, "} %llu\n", out_value(&v->outs[i], k));
		}
	}
	law(f, v);
	head(f, "output_plugin_counter_total", "counter", "A plugin's own counters (host->count).");
	for (unsigned i = 0; i < v->nouts; i++) {
		struct output *o = &v->outs[i];
		unsigned n = atomic_load(&o->ncounters);

		for (unsigned c = 0; c < n && c < OUTPUT_MAX_COUNTERS; c++) {
			fputs("auditstream_output_plugin_counter_total", f);
			out_labels(f, o);
			fputs(",counter=\"", f);
			label(f, o->counter_name[c]);
			fprintf(f, "\"} %llu\n", ld(&o->counter_val[c]));
		}
	}
	return ferror(f) ? -EIO : 0;
}

/* A textfile-collector directory is often writable by another user, who
 * could plant a symlink at a fixed temporary name: the file is made with a
 * fresh name, O_EXCL|O_NOFOLLOW, in the directory opened once, and renamed
 * within that same directory.  Returns the descriptor, its name in *tmp. */
static int open_tmp(int dirfd, const char *base, char *tmp, size_t len)
{
	for (int tries = 0; tries < 8; tries++) {
		unsigned r;
		int fd;

		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -errno;
		/* 0644: counters are no secret, and node_exporter runs as its own
		 * user.  ".tmp.X" is ignored by the textfile collector (*.prom). */
		snprintf(tmp, len, "%s.tmp.%08x", base, r);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

int metrics_write(const struct metrics_view *v, struct metrics_state *st)
{
	const char *path = v->cfg->metrics_path;
	char dir[4096], tmp[4096 + 16];
	const char *base = path ? strrchr(path, '/') + 1 : NULL;
	FILE *f = NULL;
	int dirfd = -1, fd = -1, rc = 0;

	if (!path)
		return 0;	/* config_load made it absolute: base is after a '/' */
	if (snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path) >= (int)sizeof(dir))
		rc = -ENAMETOOLONG;
	else if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
		 (fd = open_tmp(dirfd, base, tmp, sizeof(tmp))) < 0 || !(f = fdopen(fd, "w"))) {
		rc = dirfd < 0 ? -errno : fd < 0 ? fd : -errno;
		if (fd >= 0) {
			close(fd);
			unlinkat(dirfd, tmp, 0);
		}
	} else {
		rc = metrics_render(f, v);
		if (fclose(f) != 0 && rc == 0)
			rc = -errno;
		if (rc == 0 && renameat(dirfd, tmp, dirfd, base) < 0)
			rc = -errno;
		if (rc < 0)
			unlinkat(dirfd, tmp, 0);
	}
	if (dirfd >= 0)
		close(dirfd);
	if (rc < 0 && !st->failing)
		log_warn("metrics: cannot write %s: %s (retrying every metrics.interval_s)", path,
			 strerror(-rc));
	else if (rc == 0 && st->failing)
		log_notice("metrics: %s written again", path);
	st->failing = rc < 0;
	return rc;
}

void metrics_tick(const struct metrics_view *v, struct metrics_state *st, uint64_t now_ms)
{
	if (!v->cfg->metrics_path || now_ms < st->next_ms)
		return;
	st->next_ms = now_ms + v->cfg->metrics_interval_s * 1000ull;
	metrics_write(v, st);
}
