/* core/pipeline/stats.c -- report the counters in one log line, plus one per output. */
#include "pipeline/stats.h"

#include "util/log.h"
#include "output/output.h"

void stats_log(const struct stats *s, struct output *outs, unsigned n)
{
	log_info("stats: records=%llu events=%llu bad_records=%llu enobufs=%llu kernel_lost=%llu "
		 "missed=%llu out_of_order=%llu loss_events=%llu filtered=%llu filtered_output=%llu "
		 "kernel_backlog=%llu duplicate_serials=%llu serial_resets=%llu",
		 (unsigned long long)atomic_load(&s->records),
		 (unsigned long long)atomic_load(&s->events),
		 (unsigned long long)atomic_load(&s->bad_records),
		 (unsigned long long)atomic_load(&s->enobufs),
		 (unsigned long long)atomic_load(&s->kernel_lost),
		 (unsigned long long)atomic_load(&s->missed),
		 (unsigned long long)atomic_load(&s->out_of_order),
		 (unsigned long long)atomic_load(&s->loss_events),
		 (unsigned long long)atomic_load(&s->filtered),
		 (unsigned long long)atomic_load(&s->filtered_output),
		 (unsigned long long)atomic_load(&s->kernel_backlog),
		 (unsigned long long)atomic_load(&s->duplicate_serials),
		 (unsigned long long)atomic_load(&s->serial_resets));
	log_info("stats: kernel: enabled=%llu failure=%llu backlog_limit=%llu lost_total=%llu; "
		 "canary: sent=%llu seen=%llu missed=%llu",
		 (unsigned long long)atomic_load(&s->kernel_enabled),
		 (unsigned long long)atomic_load(&s->kernel_failure),
		 (unsigned long long)atomic_load(&s->kernel_backlog_limit),
		 (unsigned long long)atomic_load(&s->kernel_lost_total),
		 (unsigned long long)atomic_load(&s->canary_sent),
		 (unsigned long long)atomic_load(&s->canary_seen),
		 (unsigned long long)atomic_load(&s->canary_missed));
	for (unsigned i = 0; i < n; i++)
		output_log_stats(&outs[i]);
}
