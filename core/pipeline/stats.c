/* core/pipeline/stats.c -- the daemon's counters, listed once: the stats log
 * lines and the metrics (core/daemon/metrics.c) both walk stats_fields[],
 * so a counter added here shows up in both. */
#include "pipeline/stats.h"

#include <stddef.h>
#include <stdio.h>

#include "util/log.h"
#include "output/output.h"

#define F(field, log, metric, type, line, before, help) \
	{ log, metric, type, help, offsetof(struct stats, field), line, before }

const struct stats_field stats_fields[] = {
	F(records, "records", "records_received_total", "counter", 0, "", "Audit records received."),
	F(events, "events", "events_total", "counter", 0, "", "Events assembled."),
	F(bad_records, "bad_records", "bad_records_total", "counter", 0, "", "Unparseable records skipped."),
	F(enobufs, "enobufs", "enobufs_total", "counter", 0, "", "Netlink socket overruns (ENOBUFS)."),
	F(kernel_lost, "kernel_lost", "kernel_lost_total", "counter", 0, "", "Growth of the kernel's lost counter since start."),
	F(missed, "missed", "missed_serials_total", "counter", 0, "", "Serials that never arrived."),
	F(out_of_order, "out_of_order", "out_of_order_total", "counter", 0, "", "Serials that arrived out of order."),
	F(loss_events, "loss_events", "loss_events_total", "counter", 0, "", "In-band loss events sent."),
	F(filtered, "filtered", "filtered_events_total", "counter", 0, "", "Events dropped by events.min/max or the global filters."),
	F(filtered_output, "filtered_output", "filtered_output_events_total", "counter", 0, "", "Events an output's own filters kept from it."),
	F(kernel_backlog, "kernel_backlog", "kernel_backlog", "gauge", 0, "", "The kernel's audit backlog (last AUDIT_GET)."),
	F(duplicate_serials, "duplicate_serials", "duplicate_serials_total", "counter", 0, "", "Serials seen twice (reported in-band)."),
	F(serial_resets, "serial_resets", "serial_resets_total", "counter", 0, "", "Times the sequence went back (reported in-band)."),
	F(kernel_enabled, "enabled", "kernel_enabled", "gauge", 1, "kernel: ", "The kernel's enabled flag: 0, 1, or 2 (locked)."),
	F(kernel_failure, "failure", "kernel_failure", "gauge", 1, "", "The kernel's failure mode: 0 silent, 1 printk, 2 panic."),
	F(kernel_backlog_limit, "backlog_limit", "kernel_backlog_limit", "gauge", 1, "", "The kernel's backlog_limit."),
	F(kernel_lost_total, "lost_total", "kernel_lost", "gauge", 1, "", "The kernel's own lost counter (last AUDIT_GET)."),
	F(canary_sent, "sent", "canary_sent_total", "counter", 1, "; canary: ", "Canary reads made."),
	F(canary_seen, "seen", "canary_seen_total", "counter", 1, "", "Canary events that came back in time."),
	F(canary_missed, "missed", "canary_missed_total", "counter", 1, "", "Canary events that did not come back in time."),
};
const unsigned stats_nfields = sizeof(stats_fields) / sizeof(stats_fields[0]);

/* One log line: the fields of `line`, "key=value" apart by spaces, a
 * group's name before its first key. */
static void log_line(const struct stats *s, int line)
{
	char text[1024];
	size_t len = 0;

	for (unsigned i = 0; i < stats_nfields && len < sizeof(text); i++) {
		const struct stats_field *f = &stats_fields[i];
		const char *sep = f->before[0] ? f->before : " ";

		if (f->line != line)
			continue;
		if (!len && sep[0] == ';')	/* a group that starts the line */
			sep += 2;
		else if (!len && sep[0] == ' ')
			sep = "";
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s=%llu", sep, f->log,
					(unsigned long long)stats_value(s, f));
	}
	log_info("stats: %s", text);
}

void stats_log(const struct stats *s, struct output *outs, unsigned n)
{
	log_line(s, 0);
	log_line(s, 1);
	for (unsigned i = 0; i < n; i++)
		output_log_stats(&outs[i]);
}
