/* core/input/netlink/canary.h -- proof that the whole path works: a file covered by the
 * watch "-w PATH -p r -k auditstream_canary" is read every interval_ms, and
 * the event of that read (key auditstream_canary, by our child) must come back
 * through the pipeline within deadline_ms.  go-audit only generates the
 * read; here a missing event is noticed, logged and reported. */
#ifndef AS_CANARY_H
#define AS_CANARY_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/assemble.h"
#include "config/config.h"
#include "input/netlink/rules.h"

#define CANARY_KEY "auditstream_canary"

struct canary;

/* Creates the file (and its directory) if missing and builds the watch
 * rule.  Returns NULL (logged) on failure. */
struct canary *canary_new(const struct canary_config *cfg);
void canary_free(struct canary *c);

/* The watch rule to install, and its size. */
const struct audit_rule_data *canary_rule(const struct canary *c, size_t *len);

/* For pipeline.observe: notes the canary's event when it passes. */
void canary_observe(void *c, const struct asm_event *ev);

/* Reads the file when due, from a short-lived child process: the kernel
 * never audits the syscalls of the process holding the audit pid, and a
 * process made after auditing was enabled has an audit context.  Returns 1
 * when the outstanding read's event is past its deadline (logged), else 0. */
int canary_tick(struct canary *c, uint64_t now_ms);

/* Counters for stats. */
void canary_counts(const struct canary *c, uint64_t *sent, uint64_t *seen, uint64_t *missed);

#endif
