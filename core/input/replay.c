/* core/input/replay.c -- auditd text in, the same pipeline as netlink.
 *
 * Reads in large blocks and splits lines itself.  Input that can stall (a
 * pipe, `tail -f | auditstream --replay -`) is polled together with the
 * signals, and pending events are completed once the input has been idle
 * for a second, since a text log has no EOE to complete them. */
#include "input/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"
#include "daemon/signals.h"

#define READ_SIZE (256 * 1024)
#define MAX_LINE (64 * 1024)	/* far above the kernel's 8970-byte record */
#define IDLE_MS 1000

struct replay {
	struct pipeline *p;
	const char *path;
	uint64_t lineno;
	char *buf;
	size_t len, cap;
	int skipping;	/* inside an over-long line */
};

/* The start of a bad line for the log: the line is not NUL-terminated, and
 * its bytes are the input's, so anything but printable ASCII is escaped. */
static const char *quote_start(const char *line, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len && i < 80 && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
	}
	out[o] = '\0';
	return out;
}

/* line[0..len) without its '\n'; text: how much of it is the record,
 * without auditd's ENRICHED suffix (from a 0x1d byte on). */
static void one_line(struct replay *r, const char *line, size_t len, size_t text)
{
	struct record rec;
	char q[4 * 80 + 8];

	r->lineno++;
	if (len == 0)
		return;
	if (len > MAX_LINE) {	/* the limit holds however the reads fell */
		atomic_fetch_add(&r->p->stats.bad_records, 1);
		log_warn("%s:%llu: line longer than %d bytes, skipped", r->path,
			 (unsigned long long)r->lineno, MAX_LINE);
		return;
	}
	if (record_parse_text(line, text, &rec) < 0) {
		if (atomic_fetch_add(&r->p->stats.bad_records, 1) < 10)
			log_warn("%s:%llu: not an audit record, skipped: %s", r->path,
				 (unsigned long long)r->lineno, quote_start(line, len, q, sizeof(q)));
		return;
	}
	pipeline_record(r->p, &rec, 0);
}

/* The first 0x1d byte in [from, end), or end. */
static const char *find_gs(const char *from, const char *end)
{
	const char *gs = memchr(from, 0x1d, (size_t)(end - from));
	return gs ? gs : end;
}

/* Handles every whole line in the buffer; keeps the incomplete tail.  The
 * 0x1d that starts an ENRICHED suffix is searched for over the block, not
 * once more over each line (a second memchr per line showed in the goaudit
 * profile; logs without the suffix now need one call per block). */
static void split_lines(struct replay *r)
{
	char *start = r->buf, *end = r->buf + r->len, *nl;
	const char *gs = find_gs(start, end);

	while ((nl = memchr(start, '\n', (size_t)(end - start))) != NULL) {
		if (gs < start)
			gs = find_gs(start, end);
		if (r->skipping) {
			r->skipping = 0;
			r->lineno++;
		} else {
			one_line(r, start, (size_t)(nl - start),
				 (size_t)((gs < nl ? gs : nl) - start));
		}
		start = nl + 1;
	}
	r->len = (size_t)(end - start);
	memmove(r->buf, start, r->len);
	if (r->len >= MAX_LINE) {
		atomic_fetch_add(&r->p->stats.bad_records, 1);
		log_warn("%s:%llu: line longer than %d bytes, skipped", r->path,
			 (unsigned long long)r->lineno + 1, MAX_LINE);
		r->skipping = 1;
		r->len = 0;
	}
}

/* One block's events reach the workers as batches (see queue_hold). */
static void hold_outputs(struct pipeline *p, int hold)
{
	for (unsigned i = 0; i < p->nouts; i++)
		(hold ? queue_hold : queue_release)(&p->outs[i].q);
}

/* Waits for input or a signal; returns 1 to stop, 0 to read. */
static int wait_input(struct replay *r, int fd, int sigfd)
{
	for (;;) {
		struct pollfd fds[2] = { { .fd = fd, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };
		int n = poll(fds, 2, IDLE_MS);

		if (n < 0 && errno != EINTR)
			return 0;
		if (n == 0)
			assembler_flush(r->p->assembler);	/* idle: nothing more is coming soon */
		if (n > 0 && fds[1].revents &&
		    signals_handle(sigfd, r->p->outs, r->p->nouts, &r->p->stats) == SIGNALS_STOP)
			return 1;
		if (n > 0 && fds[0].revents)
			return 0;
	}
}

static int read_all(struct replay *r, int fd, int sigfd, int may_stall)
{
	uint64_t blocks = 0;

	for (;;) {
		ssize_t got;

		if (may_stall ? wait_input(r, fd, sigfd) :
		    (++blocks % 16 == 0 &&
		     signals_handle(sigfd, r->p->outs, r->p->nouts, &r->p->stats) == SIGNALS_STOP))
			return 1;
		got = read(fd, r->buf + r->len, r->cap - r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			log_err("%s: read error: %s", r->path, strerror(errno));
			return -errno;
		}
		if (got == 0)
			break;
		r->len += (size_t)got;
		hold_outputs(r->p, 1);
		split_lines(r);
		hold_outputs(r->p, 0);
		pipeline_tick(r->p, now_monotonic_ms());
	}
	if (r->len && !r->skipping)	/* a last line without '\n' */
		one_line(r, r->buf, r->len, (size_t)(find_gs(r->buf, r->buf + r->len) - r->buf));
	return 0;
}

int input_replay_run(struct pipeline *p, const char *path, int sigfd)
{
	struct replay r = { .p = p, .path = path, .cap = MAX_LINE + READ_SIZE };
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0) {
		rc = -errno;
		log_err("%s: cannot open for replay: %s", path, strerror(errno));
		return rc;
	}
	if (!(r.buf = malloc(r.cap))) {
		rc = -ENOMEM;
	} else {
		rc = read_all(&r, fd, sigfd, fstat(fd, &st) < 0 || !S_ISREG(st.st_mode));
		free(r.buf);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	pipeline_end(p);
	return rc;
}
