/* core/input/text.c -- see text.h.  Reads in large blocks and splits lines
 * itself; the 0x1d that starts auditd's ENRICHED suffix is searched for
 * once per block, not once more per line (a second memchr per line showed
 * in the goaudit profile). */
#include "input/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

#define READ_SIZE (256 * 1024)
#define MAX_LINE (64 * 1024)	/* far above the kernel's 8970-byte record */

int text_init(struct text_input *t, struct pipeline *p, const char *path)
{
	memset(t, 0, sizeof(*t));
	t->p = p;
	t->path = path;
	t->cap = MAX_LINE + READ_SIZE;
	return (t->buf = malloc(t->cap)) ? 0 : -ENOMEM;
}

void text_free(struct text_input *t)
{
	free(t->buf);
	t->buf = NULL;
}

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
static void one_line(struct text_input *t, const char *line, size_t len, size_t text)
{
	struct record rec;
	char q[4 * 80 + 8];

	t->lineno++;
	if (len == 0)
		return;
	if (len > MAX_LINE) {	/* the limit holds however the reads fell */
		atomic_fetch_add(&t->p->stats.bad_records, 1);
		log_warn("%s:%llu: line longer than %d bytes, skipped", t->path,
			 (unsigned long long)t->lineno, MAX_LINE);
		return;
	}
	if (record_parse_text(line, text, &rec, &t->hdr) < 0) {
		if (atomic_fetch_add(&t->p->stats.bad_records, 1) < 10)
			log_warn("%s:%llu: not an audit record, skipped: %s", t->path,
				 (unsigned long long)t->lineno, quote_start(line, len, q, sizeof(q)));
		return;
	}
	if (t->check && t->check(t->arg, &rec, t->pos + (uint64_t)(line - t->buf)))
		return;
	pipeline_record(t->p, &rec, 0);
}

/* The first 0x1d byte in [from, end), or end. */
static const char *find_gs(const char *from, const char *end)
{
	const char *gs = memchr(from, 0x1d, (size_t)(end - from));
	return gs ? gs : end;
}

/* Handles every whole line in the buffer; keeps the incomplete tail. */
static void split_lines(struct text_input *t)
{
	char *start = t->buf, *end = t->buf + t->len, *nl;
	const char *gs = find_gs(start, end);

	while ((nl = memchr(start, '\n', (size_t)(end - start))) != NULL) {
		if (gs < start)
			gs = find_gs(start, end);
		if (t->skipping) {
			t->skipping = 0;
			t->lineno++;
		} else {
			one_line(t, start, (size_t)(nl - start),
				 (size_t)((gs < nl ? gs : nl) - start));
		}
		start = nl + 1;
	}
	t->pos += (uint64_t)(start - t->buf);
	t->len = (size_t)(end - start);
	memmove(t->buf, start, t->len);
	if (t->len >= MAX_LINE) {
		atomic_fetch_add(&t->p->stats.bad_records, 1);
		log_warn("%s:%llu: line longer than %d bytes, skipped", t->path,
			 (unsigned long long)t->lineno + 1, MAX_LINE);
		t->skipping = 1;
		t->pos += t->len;
		t->len = 0;
	}
}

ssize_t text_read(struct text_input *t, int fd)
{
	ssize_t got;

	do
		got = read(fd, t->buf + t->len, t->cap - t->len);
	while (got < 0 && errno == EINTR);
	if (got < 0 && errno == EAGAIN)
		return -EAGAIN;	/* a non-blocking pipe: nothing yet */
	if (got < 0) {
		int rc = -errno;
		log_err("%s: read error: %s", t->path, strerror(errno));
		return rc;
	}
	if (got == 0)
		return 0;
	t->len += (size_t)got;
	split_lines(t);
	return got;
}

void text_finish(struct text_input *t)
{
	if (t->len && !t->skipping)
		one_line(t, t->buf, t->len, (size_t)(find_gs(t->buf, t->buf + t->len) - t->buf));
	t->pos += t->len;
	t->len = 0;
	t->skipping = 0;
}

void text_restart(struct text_input *t, uint64_t pos)
{
	t->len = 0;
	t->skipping = 0;
	t->pos = pos;
	t->lineno = 0;
}
