/* core/input_replay.c -- auditd text in, the same pipeline as netlink. */
#include "input_replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "signals.h"

#define SIGNAL_CHECK_LINES 4096

int input_replay_run(struct pipeline *p, const char *path, int sigfd)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t lineno = 0;
	int rc = 0;

	if (!f) {
		rc = -errno;
		log_err("%s: cannot open for replay: %s", path, strerror(errno));
		return rc;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct record r;

		lineno++;
		if (len <= 1)
			continue;
		if (record_parse_line(line, (size_t)len, &r) < 0) {
			if (atomic_fetch_add(&p->stats.bad_records, 1) < 10)
				log_warn("%s:%llu: not an audit record, skipped: %.80s", path,
					 (unsigned long long)lineno, line);
		} else {
			pipeline_record(p, &r, 0);
		}
		if (lineno % SIGNAL_CHECK_LINES == 0 &&
		    signals_handle(sigfd, p->outs, p->nouts, &p->stats) == SIGNALS_STOP) {
			rc = 1;
			break;
		}
	}
	if (ferror(f) && rc == 0) {
		rc = -EIO;
		log_err("%s: read error", path);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	pipeline_end(p);
	return rc;
}
