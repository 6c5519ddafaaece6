/* core/pipeline/filter.h -- which events go on: go-audit's filters and more.
 *
 *   filters = ( { syscall = "connect"; message_type = "SOCKADDR";
 *                 regex = "saddr=(0A|02)"; action = "drop"; }, ... );
 *
 * A filter matches an event when every criterion it gives matches:
 * syscall (number or name, the SYSCALL record's), message_type (number or
 * name) and regex (POSIX extended) on one record (of that type, if given),
 * key (one of the event's -k keys), exe, uid, auid (the SYSCALL record's, or
 * the first record's when there is none).  The first filter that matches
 * decides (action "drop", the default as in go-audit, or "keep"); an event
 * no filter matches is kept. */
#ifndef AS_FILTER_H
#define AS_FILTER_H

#include <libconfig.h>
#include <regex.h>
#include <stdint.h>

#include "pipeline/assemble.h"
#include "util/buf.h"

enum filter_action { FILTER_DROP, FILTER_KEEP };

struct filter {
	int syscall;		/* -1: any */
	const char *syscall_name;	/* set: match by name on the event's arch */
	int msg_type;		/* -1: any */
	int has_regex;
	regex_t re;
	const char *key, *exe;	/* NULL: any */
	int64_t uid, auid;	/* -1: any */
	enum filter_action action;
};

struct filter_set {
	struct filter *v;
	unsigned n;
};

/* What the filters look at, read from an event once, on first need. */
struct filter_facts {
	const struct asm_event *ev;	/* the event the facts are for */
	int syscall, machine;
	int64_t uid, auid;
	struct buf key, exe;	/* decoded; key holds every key, '\x01' apart */
	struct buf line;	/* a record's text, NUL-terminated for regexec */
	int has_key, has_exe;
};

/* Reads the list (NULL: no filters).  Errors are logged as FILE:LINE: KEY:
 * reason; returns 0 or -EINVAL.  Strings stay owned by the libconfig tree. */
int filter_set_load(struct filter_set *fs, const config_setting_t *list);
void filter_set_free(struct filter_set *fs);

/* 1: the event goes on; 0: a filter dropped it. */
int filter_set_keep(const struct filter_set *fs, const struct asm_event *ev,
		    struct filter_facts *facts);

void filter_facts_free(struct filter_facts *f);

#endif
