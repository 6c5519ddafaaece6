/* core/input/follow_state.c -- see follow_state.h.  The file is text, for
 * an operator who wants to look:
 *   auditstream-follow 1
 *   log /var/log/audit/audit.log
 *   at DEV INO OFFSET
 *   end DEV INO OFFSET
 *   serial N
 *   done S1 S2 ...
 */
#include "input/follow_state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

#define MAGIC "auditstream-follow 1"

int follow_state_path(char *out, size_t len, const char *state_dir)
{
	if ((size_t)snprintf(out, len, "%s/follow.state", state_dir) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int parse_file(const char *line, const char *key, struct follow_file *f)
{
	char k[8];

	return sscanf(line, "%7s %" SCNu64 " %" SCNu64 " %" SCNu64, k, &f->dev, &f->ino, &f->off) == 4 &&
	       strcmp(k, key) == 0;
}

static int parse_done(char *line, struct follow_pos *pos)
{
	char *s = line + 4, *end;

	pos->ndone = 0;
	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == '\n' || *s == '\0')
			return 1;
		if (pos->ndone == FOLLOW_MAX_DONE)
			return 0;
		errno = 0;
		pos->done[pos->ndone++] = strtoull(s, &end, 10);
		if (end == s || errno)
			return 0;
		s = end;
	}
}

/* 1 when the file is one whole state for log, 0 for another log. */
static int parse(FILE *f, const char *state, const char *log, struct follow_pos *pos)
{
	static char line[FOLLOW_MAX_DONE * 21 + 16];
	size_t n;

	memset(pos, 0, sizeof(*pos));
	if (!fgets(line, sizeof(line), f) || strcmp(line, MAGIC "\n") != 0)
		return -EINVAL;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "log ", 4) != 0)
		return -EINVAL;
	n = strlen(line);
	if (n < 6 || line[n - 1] != '\n')
		return -EINVAL;
	line[n - 1] = '\0';
	if (strcmp(line + 4, log) != 0) {
		log_notice("%s: the position saved is in %s, not %s: %s is read from its start",
			   state, line + 4, log, log);
		return 0;
	}
	if (!fgets(line, sizeof(line), f) || !parse_file(line, "at", &pos->at) ||
	    !fgets(line, sizeof(line), f) || !parse_file(line, "end", &pos->end) ||
	    !fgets(line, sizeof(line), f) || sscanf(line, "serial %" SCNu64, &pos->serial) != 1 ||
	    !fgets(line, sizeof(line), f) || strncmp(line, "done", 4) != 0 || !parse_done(line, pos))
		return -EINVAL;
	return 1;
}

int follow_state_load(const char *state, const char *log, struct follow_pos *pos)
{
	FILE *f = fopen(state, "re");
	int rc;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		log_err("%s: cannot read the follow position: %s", state, strerror(errno));
		return rc;
	}
	rc = parse(f, state, log, pos);
	fclose(f);
	if (rc == -EINVAL)
		log_err("%s: not a follow position written by auditstream; remove it to read %s from "
			"its start", state, log);
	return rc;
}

/* The whole file's text into buf; its length, or 0 if it does not fit. */
static size_t render(char *buf, size_t len, const char *log, const struct follow_pos *pos)
{
	size_t n = (size_t)snprintf(buf, len,
		MAGIC "\nlog %s\nat %" PRIu64 " %" PRIu64 " %" PRIu64 "\nend %" PRIu64 " %" PRIu64
		" %" PRIu64 "\nserial %" PRIu64 "\ndone", log, pos->at.dev, pos->at.ino, pos->at.off,
		pos->end.dev, pos->end.ino, pos->end.off, pos->serial);

	for (unsigned i = 0; i < pos->ndone && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %" PRIu64, pos->done[i]);
	if (n + 1 >= len)
		return 0;
	buf[n++] = '\n';
	return n;
}

int follow_state_save(const char *state, const char *log, const struct follow_pos *pos, int sync)
{
	char tmp[4096 + 8], text[FOLLOW_MAX_DONE * 21 + 4096 + 128];
	size_t n = render(text, sizeof(text), log, pos);
	int fd, rc = 0;

	if (!n || (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", state) >= sizeof(tmp))
		rc = -ENAMETOOLONG;
	else if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		rc = -errno;
	else {
		errno = 0;
		if (write(fd, text, n) != (ssize_t)n || (sync && fsync(fd) < 0))
			rc = errno ? -errno : -EIO;
		if (close(fd) < 0 && !rc)
			rc = -errno;
		if (!rc && rename(tmp, state) < 0)
			rc = -errno;
		if (rc)
			unlink(tmp);
	}
	return rc;
}
