/* core/format/enriched.h -- the enriched format: one object per event keyed by
 * record type, values typed and decoded, interpretations beside the raw
 * fields under upper-case names (auditd's ENRICHED convention, as LAUREL):
 *
 *   {"serial":59,"time":"2026-11-25T12:00:28.747Z","node":"host",
 *    "SYSCALL":{"arch":"c000003e","ARCH":"x86_64","syscall":59,"SYSCALL":"execve",
 *               "exit":0,"uid":0,"UID":"root",...},
 *    "EXECVE":{"argc":2,"ARGV":["echo","hi"]},"PATH":[{...},{...}],
 *    "PROCTITLE":{"ARGV":["echo","hi"]}}
 */
#ifndef AS_FORMAT_ENRICHED_H
#define AS_FORMAT_ENRICHED_H

#include "pipeline/assemble.h"
#include "util/buf.h"
#include "format/enrich_container.h"
#include "format/format.h"
#include "format/uidmap.h"

/* A record rendered once and reused while its text repeats verbatim (see
 * emit_record in enriched.c); type 0: an empty slot. */
#define ENRICH_REC_CACHE 2
struct enrich_rec {
	int type;
	struct buf text, json;
};

/* Scratch space reused from event to event. */
struct enrich {
	struct uidmap *um;
	const char *node;
	uint64_t now_sec;
	struct buf tmp;		/* one decoded value */
	struct buf argv;	/* EXECVE's ARGV, as JSON, while its records are read */
	struct buf arg;		/* one split argument (a2[0], a2[1], ...) joined */
	uint64_t time_sec;	/* the second that time_txt shows */
	char time_txt[32];
	/* Container identity: only for fresh events (a replayed log's pids
	 * are gone or reused); the cache is made at the first one. */
	int fresh;
	struct container_cache *ctr;
	const char *proc;	/* "/proc"; tests point it elsewhere */
	struct enrich_rec rec[ENRICH_REC_CACHE];
	unsigned rec_next;	/* the slot the next record stored replaces */
};

void enrich_init(struct enrich *x, struct uidmap *um, const char *node);
void enrich_free(struct enrich *x);

/* Appends the RFC 3339 UTC time "2023-11-14T22:13:20.123Z" (no quotes). */
void enrich_add_time(struct enrich *x, struct buf *b, uint64_t sec, unsigned ms);

/* Appends the start that the enriched and raw objects share:
 * {"serial":N,"time":"...","node":"..."  (the caller reserved room). */
void enrich_add_head(struct enrich *x, struct buf *b, const struct asm_event *ev, size_t node_len);

/* Appends the event's JSON to out.  Returns 0 or -ENOMEM. */
int format_enriched(struct buf *out, const struct asm_event *ev, struct enrich *x, uint64_t now_sec);

/* The scratch of the enriched and raw formats (struct enrich). */
void *enrich_scratch_new(const struct format_env *env);
void enrich_scratch_free(void *scratch);

#endif
