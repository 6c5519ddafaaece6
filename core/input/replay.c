/* core/input/replay.c -- auditd text in (a file, or stdin: auditd's audisp
 * plugin stream), the same pipeline as netlink.
 *
 * Reads in large blocks and splits lines itself.  Input that can stall (a
 * pipe, `tail -f | auditstream --replay -`) is polled by the loop, and
 * pending events are completed once it has been idle for a second, since a
 * text log has no EOE to complete them. */
#include "input/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

#define READ_SIZE (256 * 1024)
#define MAX_LINE (64 * 1024)	/* far above the kernel's 8970-byte record */
#define IDLE_MS 1000

struct replay {
	struct pipeline *p;
	const char *path;
	int fd;
	int may_stall;		/* a pipe or a terminal, not a regular file */
	uint64_t last_data_ms;	/* monotonic: the last read that brought bytes */
	int flushed;		/* pending events completed since then */
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

/* Lines but not one audit record (a binary file, the wrong file): a run
 * that "succeeded" would hide the mistake.  An empty input is no mistake. */
static int nothing_valid(const struct replay *r)
{
	unsigned long long bad = atomic_load(&r->p->stats.bad_records);

	if (atomic_load(&r->p->stats.records) || !bad)
		return 0;
	log_err("%s: no audit record in it (%llu line%s skipped): not auditd's text format?",
		r->path, bad, bad == 1 ? "" : "s");
	return 1;
}

static int replay_read(struct input *in)
{
	struct replay *r = in->priv;
	ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (got < 0) {
		log_err("%s: read error: %s", r->path, strerror(errno));
		return -errno;
	}
	if (got == 0) {
		if (r->len && !r->skipping)	/* a last line without '\n' */
			one_line(r, r->buf, r->len, (size_t)(find_gs(r->buf, r->buf + r->len) - r->buf));
		r->len = 0;
		return nothing_valid(r) ? -EINVAL : INPUT_END;
	}
	r->len += (size_t)got;
	r->last_data_ms = now_monotonic_ms();
	r->flushed = 0;
	split_lines(r);
	/* A regular file is always readable: read on without waiting. */
	return r->may_stall ? 0 : INPUT_MORE;
}

/* Idle input: nothing more is coming soon, complete what is pending. */
static void replay_tick(struct input *in, uint64_t now_ms)
{
	struct replay *r = in->priv;

	if (r->may_stall && !r->flushed && now_ms - r->last_data_ms >= IDLE_MS) {
		assembler_flush(r->p->assembler);
		r->flushed = 1;
	}
}

static int replay_start(struct input *in)
{
	struct replay *r = calloc(1, sizeof(*r));
	struct stat st;

	if (!(in->priv = r))
		return -ENOMEM;
	r->p = in->p;
	r->path = in->path;
	r->cap = MAX_LINE + READ_SIZE;
	r->fd = strcmp(in->path, "-") == 0 ? STDIN_FILENO : open(in->path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		int rc = -errno;
		log_err("%s: cannot open for replay: %s", in->path, strerror(errno));
		return rc;
	}
	r->may_stall = fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode);
	r->last_data_ms = now_monotonic_ms();
	return (r->buf = malloc(r->cap)) ? 0 : -ENOMEM;
}

static int replay_fd(const struct input *in)
{
	const struct replay *r = in->priv;
	return r->fd;
}

static void replay_stop(struct input *in)
{
	(void)in;	/* the loop completes what is pending (pipeline_end) */
}

static void replay_destroy(struct input *in)
{
	struct replay *r = in->priv;

	if (!r)
		return;
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	free(r->buf);
	free(r);
	in->priv = NULL;
}

const struct input_ops input_replay_ops = {
	.name = "replay",
	.file_backed = 1,
	.start = replay_start,
	.fd = replay_fd,
	.read = replay_read,
	.tick = replay_tick,
	.stop = replay_stop,
	.destroy = replay_destroy,
};
