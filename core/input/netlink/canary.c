/* core/input/netlink/canary.c -- read a watched file, expect its event back in time.
 *
 * At most one read is outstanding: the next one is made interval_ms after
 * the previous, once that one was seen or declared missed.  Everything but
 * the read itself runs on the reader thread; the read is made by a child
 * process, whose event names us as its ppid. */
#include "input/netlink/canary.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/log.h"

struct canary {
	char *path;
	unsigned interval_ms, deadline_ms;
	struct ruleset rule;		/* one command: the watch */
	char ppid_field[32];		/* " ppid=N ": the reader is our child */
	pid_t child;			/* the reading process, until reaped */
	int pending;
	uint64_t sent_ms, next_ms;
	uint64_t sent, seen, missed;
};

static int make_file(const char *path)
{
	char dir[4096];
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0700) < 0 && errno != EEXIST) {
		int e = errno;
		log_err("canary: cannot create the directory of %s: %s", path, strerror(e));
		return -e;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;
		log_err("canary: cannot create %s: %s", path, strerror(e));
		return -e;
	}
	close(fd);
	return 0;
}

/* Collects the reading process once it has exited (or waits for it). */
static void reap(struct canary *c, int wait)
{
	if (c->child > 0 && waitpid(c->child, NULL, wait ? 0 : WNOHANG) != 0)
		c->child = 0;
}

struct canary *canary_new(const struct canary_config *cfg)
{
	struct canary *c = calloc(1, sizeof(*c));
	char line[4200], err[512];

	if (!c || !(c->path = strdup(cfg->path))) {
		log_err("canary: out of memory");
		free(c);
		return NULL;
	}
	c->interval_ms = cfg->interval_ms;
	c->deadline_ms = cfg->deadline_ms;
	snprintf(c->ppid_field, sizeof(c->ppid_field), " ppid=%d ", (int)getpid());
	ruleset_init(&c->rule);
	snprintf(line, sizeof(line), "-w %s -p r -k " CANARY_KEY, c->path);
	if (make_file(c->path) < 0 ||
	    rules_parse_line(&c->rule, line, "canary.path", err, sizeof(err)) < 0 ||
	    c->rule.n != 1) {
		if (err[0])
			log_err("canary: %s; rule: %s", err, line);
		canary_free(c);
		return NULL;
	}
	return c;
}

void canary_free(struct canary *c)
{
	if (!c)
		return;
	reap(c, 1);
	ruleset_free(&c->rule);
	free(c->path);
	free(c);
}

const struct audit_rule_data *canary_rule(const struct canary *c, size_t *len)
{
	*len = c->rule.cmds[0].size;
	return c->rule.cmds[0].data;
}

static int is_ours(const struct canary *c, const char *text, size_t len)
{
	return memmem(text, len, "key=\"" CANARY_KEY "\"", sizeof(CANARY_KEY) + 5) &&
	       memmem(text, len, c->ppid_field, strlen(c->ppid_field));
}

void canary_observe(void *arg, const struct asm_event *ev)
{
	struct canary *c = arg;

	for (unsigned i = 0; i < ev->nrec; i++) {
		const struct asm_record *r = &ev->recs[i];

		if (r->type != AUDIT_SYSCALL || !is_ours(c, ev->text + r->off, r->len))
			continue;
		if (c->pending) {
			c->pending = 0;
			c->seen++;
		} else {
			log_debug("canary: event %llu came after its deadline",
				  (unsigned long long)ev->serial);
		}
		return;
	}
}

/* The read happens in a child process: see canary.h.  The child only
 * makes async-signal-safe calls. */
static void read_file(struct canary *c)
{
	char buf[64];
	pid_t pid;
	int fd;

	reap(c, 1);
	if ((pid = fork()) < 0) {
		log_warn("canary: cannot start the reading process: %s", strerror(errno));
		return;
	}
	if (pid > 0) {
		c->child = pid;
		return;
	}
	fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && read(fd, buf, sizeof(buf)) >= 0)
		close(fd);
	_exit(0);
}

int canary_tick(struct canary *c, uint64_t now)
{
	reap(c, 0);
	if (c->pending && now >= c->sent_ms + c->deadline_ms) {
		c->pending = 0;
		c->missed++;
		log_warn("canary: the read of %s made %llu ms ago did not come back as an event "
			 "(key %s): events are being lost or the watch rule is gone",
			 c->path, (unsigned long long)(now - c->sent_ms), CANARY_KEY);
		return 1;
	}
	if (c->pending || now < c->next_ms)
		return 0;
	if (c->next_ms == 0) {	/* first tick: the first read soon, not after a whole interval */
		c->next_ms = now + (c->interval_ms < 1000 ? c->interval_ms : 1000);
		return 0;
	}
	read_file(c);
	c->pending = 1;
	c->sent++;
	c->sent_ms = now;
	c->next_ms = now + c->interval_ms;
	return 0;
}

void canary_counts(const struct canary *c, uint64_t *sent, uint64_t *seen, uint64_t *missed)
{
	*sent = c->sent;
	*seen = c->seen;
	*missed = c->missed;
}
