/* core/output/spool.c -- see spool.h.  Records are native-endian: a spool is read
 * back only by the machine that wrote it. */
#include "output/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/log.h"

#define SEG_MAGIC "ASSPOOL1"
#define SEG_HDR 16u			/* SEG_MAGIC, u32 version, u32 zero */
#define SEG_VERSION 1u
#define REC_MAGIC 0x4c505341u		/* "ASPL" */
#define REC_MAX (64u << 20)		/* far above any event; a larger length is damage */
#define WBUF_MAX (1u << 20)		/* appends are written in chunks of this */
#define SCAN_CHUNK 65536u

struct rec_hdr {
	uint32_t magic;
	uint32_t crc;		/* crc32 of the rest of the header and the JSON */
	uint32_t len;		/* JSON bytes */
	uint32_t flags;
	uint64_t serial;
	int64_t time_ns;
};
#define REC_HDR ((uint64_t)sizeof(struct rec_hdr))

struct cursor_rec {
	uint64_t seg, off;
	uint32_t crc, zero;
};

struct seg {
	uint64_t no, size;
};

struct pos {
	size_t seg;		/* index in segs */
	uint64_t off;
};

struct spool {
	char dir[PATH_MAX - 32];
	const char *output;
	int dirfd;		/* every file is opened relative to it, no symlink followed */
	int lockfd, cursorfd;
	int wfd;		/* the last segment, open for appending; -1: none */
	int rfd;		/* the segment being read; -1: none */
	uint64_t rfd_no;
	struct seg *segs;	/* segs[0] holds the head */
	size_t nsegs, segcap;
	uint64_t head_off, next_no;
	char *wbuf;
	size_t wlen, wcap;
	uint64_t wcount;	/* records in wbuf */
	uint64_t events;
	uint64_t lost;		/* events in damaged stretches, not yet taken */
	uint64_t max_bytes, seg_max;
	int fsync, write_failing;
	struct pos *peek_end;
	size_t npeek, peekcap;
	char *rbuf;
	size_t rcap;
};

static uint32_t rec_crc(const struct rec_hdr *h, const char *json)
{
	uLong c = crc32(0L, (const Bytef *)&h->len, (uInt)(sizeof(*h) - 8));
	return (uint32_t)crc32(c, (const Bytef *)json, h->len);
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ENODATA;
		got += (size_t)r;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	size_t put = 0;

	while (put < len) {
		ssize_t w = write(fd, (const char *)buf + put, len - put);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		put += (size_t)w;
	}
	return 0;
}

static void seg_path(const struct spool *s, uint64_t no, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%016" PRIx64 ".seg", s->dir, no);
}

/* The segment's name in dirfd: the tail of seg_path(). */
static const char *seg_name(const char *path)
{
	return strrchr(path, '/') + 1;
}

/* ------------------------------------------------------------ the cursor */

static void cursor_save(struct spool *s)
{
	struct cursor_rec c = { s->nsegs ? s->segs[0].no : s->next_no,
				s->nsegs ? s->head_off : SEG_HDR, 0, 0 };

	c.crc = (uint32_t)crc32(0L, (const Bytef *)&c, 16);
	if (pwrite(s->cursorfd, &c, sizeof(c), 0) != (ssize_t)sizeof(c))
		log_warn("output %s: spool %s: cannot save the cursor: %s; a restart may send "
			 "events again", s->output, s->dir, strerror(errno));
	else if (s->fsync)
		fdatasync(s->cursorfd);
}

/* 1 and *c when the cursor file holds a valid record, 0 when it is empty,
 * -1 when it is damaged. */
static int cursor_load(struct spool *s, struct cursor_rec *c)
{
	ssize_t r = pread(s->cursorfd, c, sizeof(*c), 0);

	if (r == 0)
		return 0;
	if (r != (ssize_t)sizeof(*c) || c->crc != (uint32_t)crc32(0L, (const Bytef *)c, 16))
		return -1;
	return 1;
}

/* ---------------------------------------------------------- the segments */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void remove_seg(struct spool *s, size_t i)
{
	char path[PATH_MAX];

	if (s->rfd >= 0 && s->rfd_no == s->segs[i].no)
		close_fd(&s->rfd);
	if (i == s->nsegs - 1)
		close_fd(&s->wfd);
	seg_path(s, s->segs[i].no, path, sizeof(path));
	if (unlinkat(s->dirfd, seg_name(path), 0) < 0 && errno != ENOENT)
		log_warn("output %s: spool: cannot remove %s: %s", s->output, path, strerror(errno));
	memmove(s->segs + i, s->segs + i + 1, (s->nsegs - i - 1) * sizeof(*s->segs));
	s->nsegs--;
}

static int add_seg(struct spool *s, uint64_t no, uint64_t size)
{
	if (s->nsegs == s->segcap) {
		size_t cap = s->segcap ? 2 * s->segcap : 16;
		struct seg *n = realloc(s->segs, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->segs = n;
		s->segcap = cap;
	}
	s->segs[s->nsegs++] = (struct seg){ no, size };
	return 0;
}

/* Segments the head has passed are deleted; when everything is delivered
 * the spool is empty again and the next append starts a new segment. */
static void drop_consumed(struct spool *s)
{
	while (s->nsegs && s->head_off >= s->segs[0].size && (s->nsegs > 1 || s->wlen == 0)) {
		remove_seg(s, 0);
		s->head_off = SEG_HDR;
	}
	if (s->nsegs == 0 && s->wlen == 0)
		s->events = 0;
}

static int new_segment(struct spool *s)
{
	char path[PATH_MAX], hdr[SEG_HDR] = SEG_MAGIC;
	uint32_t version = SEG_VERSION;
	int fd, rc;

	close_fd(&s->wfd);
	seg_path(s, s->next_no, path, sizeof(path));
	fd = openat(s->dirfd, seg_name(path), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	memcpy(hdr + 8, &version, 4);
	if ((rc = write_all(fd, hdr, sizeof(hdr))) < 0 || (rc = add_seg(s, s->next_no, SEG_HDR)) < 0) {
		close(fd);
		unlinkat(s->dirfd, seg_name(path), 0);
		return rc;
	}
	if (s->nsegs == 1)
		s->head_off = SEG_HDR;
	s->next_no++;
	s->wfd = fd;
	return 0;
}

/* ----------------------------------------------------------------- reading */

/* The read fd for segment i; 1 if its header is not ours. */
static int read_fd(struct spool *s, size_t i, int *fd)
{
	char path[PATH_MAX], hdr[SEG_HDR];
	int rc;

	if (s->rfd < 0 || s->rfd_no != s->segs[i].no) {
		close_fd(&s->rfd);
		seg_path(s, s->segs[i].no, path, sizeof(path));
		if ((s->rfd = openat(s->dirfd, seg_name(path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return -errno;
		s->rfd_no = s->segs[i].no;
		rc = pread_all(s->rfd, hdr, sizeof(hdr), 0);
		if (rc == -ENODATA || (rc == 0 && memcmp(hdr, SEG_MAGIC, 8) != 0)) {
			close_fd(&s->rfd);
			return 1;
		}
		if (rc < 0)
			return rc;
	}
	*fd = s->rfd;
	return 0;
}

/* Reads the record at (i, off) into h and s->rbuf: 0, 1 if it is damaged
 * or cut short, or -errno. */
static int read_record(struct spool *s, size_t i, uint64_t off, struct rec_hdr *h)
{
	uint64_t size = s->segs[i].size;
	int fd, rc = read_fd(s, i, &fd);

	if (rc)
		return rc;
	if (off + REC_HDR > size)
		return 1;
	if ((rc = pread_all(fd, h, sizeof(*h), off)) < 0)
		return rc == -ENODATA ? 1 : rc;
	if (h->magic != REC_MAGIC || h->len > REC_MAX || off + REC_HDR + h->len > size)
		return 1;
	if (s->rcap < (size_t)h->len + 1) {
		char *n = realloc(s->rbuf, (size_t)h->len + 1);
		if (!n)
			return -ENOMEM;
		s->rbuf = n;
		s->rcap = (size_t)h->len + 1;
	}
	if ((rc = pread_all(fd, s->rbuf, h->len, off + REC_HDR)) < 0)
		return rc == -ENODATA ? 1 : rc;
	return rec_crc(h, s->rbuf) == h->crc ? 0 : 1;
}

/* The next offset after `from` in segment i where a sound record starts,
 * or the segment's size. */
static uint64_t resync(struct spool *s, size_t i, uint64_t from)
{
	uint32_t magic = REC_MAGIC;
	uint64_t size = s->segs[i].size;
	char *chunk = malloc(SCAN_CHUNK);
	struct rec_hdr h;
	int fd;

	if (!chunk || read_fd(s, i, &fd) != 0) {
		free(chunk);
		return size;
	}
	while (from + REC_HDR <= size) {
		size_t len = (size_t)(size - from < SCAN_CHUNK ? size - from : SCAN_CHUNK);
		if (pread_all(fd, chunk, len, from) < 0)
			break;
		for (size_t k = 0; k + 4 <= len; k++)
			if (memcmp(chunk + k, &magic, 4) == 0 && read_record(s, i, from + k, &h) == 0) {
				free(chunk);
				return from + k;
			}
		if (len < SCAN_CHUNK)
			break;
		from += len - 3;	/* a magic may straddle the chunks */
	}
	free(chunk);
	return size;
}

static void set_head(struct spool *s, struct pos p)
{
	for (size_t k = 0; k < p.seg; k++)
		remove_seg(s, 0);
	s->head_off = p.off;
	drop_consumed(s);
	cursor_save(s);
}

static uint64_t count_records(struct spool *s);

/* The events a skipped stretch took with it: what the count said before,
 * less the records still found after the head.  Never raises the count: a
 * record not counted as held was not received either. */
static void count_lost(struct spool *s, uint64_t before)
{
	uint64_t after = s->nsegs || s->wlen ? count_records(s) + s->wcount : 0;

	if (after < before) {
		s->lost += before - after;
		s->events = after;
	} else {
		s->events = before;
	}
}

/* Skips the damaged stretch at p (or the whole segment, if its header is
 * bad) and moves the head past it. */
static void skip_damage(struct spool *s, struct pos p, int bad_header)
{
	uint64_t before = s->events;

	uint64_t to = bad_header ? s->segs[p.seg].size : resync(s, p.seg, p.off + 1);

	log_warn("output %s: spool segment %016" PRIx64 ".seg in %s: %s at offset %" PRIu64
		 ", %" PRIu64 " bytes skipped", s->output, s->segs[p.seg].no, s->dir,
		 bad_header ? "missing or not a spool segment" : "damaged or cut-short record", p.off,
		 to - p.off);
	p.off = to;
	set_head(s, p);
	count_lost(s, before);
}

static int grow_peek(struct spool *s, size_t max)
{
	if (s->peekcap < max) {
		struct pos *n = realloc(s->peek_end, max * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->peek_end = n;
		s->peekcap = max;
	}
	return 0;
}

long spool_peek(struct spool *s, struct event **out, size_t max, const char *node,
		uint64_t *corrupt)
{
	struct pos p = { 0, s->head_off };
	size_t n = 0;
	int rc;

	s->npeek = 0;
	if ((rc = grow_peek(s, max)) < 0)
		return rc;
	while (n < max && p.seg < s->nsegs) {
		struct rec_hdr h;

		if (p.off >= s->segs[p.seg].size) {
			if (p.seg == s->nsegs - 1)
				break;
			p.seg++;
			p.off = SEG_HDR;
			continue;
		}
		rc = read_record(s, p.seg, p.off, &h);
		if (rc == -ENOENT)
			rc = 1;		/* a segment removed under us: skip it as damage */
		if (rc < 0 || (rc > 0 && n > 0))
			break;		/* deliver the sound ones first */
		if (rc > 0) {
			int bad_header = s->rfd < 0;
			skip_damage(s, p, bad_header);
			(*corrupt)++;
			p = (struct pos){ 0, s->head_off };
			continue;
		}
		if (!(out[n] = event_new(s->rbuf, h.len, h.serial, h.time_ns, h.flags, node))) {
			rc = -ENOMEM;
			break;
		}
		p.off += REC_HDR + h.len;
		s->peek_end[n++] = p;
	}
	if (n == 0 && rc < 0) {
		log_err("output %s: spool %s: cannot read: %s", s->output, s->dir, strerror(-rc));
		return rc;
	}
	s->npeek = n;
	return (long)n;
}

int spool_consume(struct spool *s, size_t n)
{
	if (n == 0)
		return 0;
	if (n > s->npeek)
		return -EINVAL;
	set_head(s, s->peek_end[n - 1]);
	s->events = s->events > n ? s->events - n : 0;
	s->npeek = 0;	/* segment indices moved: peek again for the rest */
	return 0;
}

/* ----------------------------------------------------------------- writing */

uint64_t spool_bytes(const struct spool *s)
{
	uint64_t b = s->wlen;

	for (size_t i = 0; i < s->nsegs; i++)
		b += s->segs[i].size - (i == 0 ? s->head_off : SEG_HDR);
	return b;
}

uint64_t spool_events(const struct spool *s)
{
	return s->events;
}

uint64_t spool_take_lost(struct spool *s)
{
	uint64_t n = s->lost;

	s->lost = 0;
	return n;
}

static void lose_buffer(struct spool *s, uint64_t *lost, int err)
{
	if (!s->write_failing)
		log_err("output %s: spool %s: cannot write: %s; %" PRIu64 " events lost "
			"(counted in spool_dropped)", s->output, s->dir, strerror(-err), s->wcount);
	s->write_failing = 1;
	*lost += s->wcount;
	s->events -= s->wcount;
	s->wlen = 0;
	s->wcount = 0;
}

int spool_flush(struct spool *s, uint64_t *lost)
{
	struct seg *tail;
	int rc;

	if (s->wlen == 0)
		return 0;
	if (s->wfd < 0 || s->segs[s->nsegs - 1].size >= s->seg_max) {
		if ((rc = new_segment(s)) < 0) {
			lose_buffer(s, lost, rc);
			return rc;
		}
	}
	tail = &s->segs[s->nsegs - 1];
	if ((rc = write_all(s->wfd, s->wbuf, s->wlen)) < 0) {
		/* A torn record would be skipped as damage; cut it off now. */
		if (ftruncate(s->wfd, (off_t)tail->size) < 0)
			close_fd(&s->wfd);
		lose_buffer(s, lost, rc);
		return rc;
	}
	if (s->fsync)
		fdatasync(s->wfd);
	if (s->write_failing)
		log_notice("output %s: spool %s: writing again", s->output, s->dir);
	s->write_failing = 0;
	tail->size += s->wlen;
	s->wlen = 0;
	s->wcount = 0;
	return 0;
}

int spool_append(struct spool *s, const struct auditstream_event *e)
{
	struct rec_hdr h = { REC_MAGIC, 0, (uint32_t)e->json_len, e->flags, e->serial, e->time_ns };
	size_t need = sizeof(h) + e->json_len;

	if (e->json_len > REC_MAX || spool_bytes(s) + need + SEG_HDR > s->max_bytes)
		return -ENOSPC;
	if (s->wcap < s->wlen + need) {
		size_t cap = s->wlen + need > WBUF_MAX ? s->wlen + need : WBUF_MAX;
		char *n = realloc(s->wbuf, cap);
		if (!n)
			return -ENOMEM;
		s->wbuf = n;
		s->wcap = cap;
	}
	h.crc = rec_crc(&h, e->json);
	memcpy(s->wbuf + s->wlen, &h, sizeof(h));
	memcpy(s->wbuf + s->wlen + sizeof(h), e->json, e->json_len);
	s->wlen += need;
	s->wcount++;
	s->events++;
	return 0;
}

/* ------------------------------------------------------------ open, close */

static int make_dir(const char *path)
{
	char parent[PATH_MAX];
	char *slash;

	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	snprintf(parent, sizeof(parent), "%s", path);
	if ((slash = strrchr(parent, '/')) == NULL || slash == parent)
		return -ENOENT;
	*slash = '\0';
	if (make_dir(parent) < 0)
		return -errno;
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -errno;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;
	return x->no < y->no ? -1 : x->no > y->no;
}

static int list_segments(struct spool *s)
{
	int fd = dup(s->dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		return rc;
	}
	rewinddir(d);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char path[PATH_MAX], *end;
		unsigned long long no;
		struct stat st;

		if (strlen(de->d_name) != 20 || strcmp(de->d_name + 16, ".seg") != 0)
			continue;
		no = strtoull(de->d_name, &end, 16);
		if (end != de->d_name + 16)
			continue;
		seg_path(s, no, path, sizeof(path));
		if (fstatat(s->dirfd, seg_name(path), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			rc = add_seg(s, no, (uint64_t)st.st_size);
	}
	closedir(d);
	if (s->nsegs)
		qsort(s->segs, s->nsegs, sizeof(*s->segs), cmp_seg);
	return rc;
}

/* Events left by a previous run, counted by their headers (for the log and
 * the metrics; damage found later is reported when it is reached).  A
 * record cut short at a segment's end (kill -9 mid-write) counts too: it
 * was an event, and it is counted lost when the head reaches it. */
static uint64_t count_records(struct spool *s)
{
	uint64_t n = 0;

	for (size_t i = 0; i < s->nsegs; i++) {
		uint64_t off = i == 0 ? s->head_off : SEG_HDR;
		struct rec_hdr h;
		int fd;

		if (read_fd(s, i, &fd) != 0)
			continue;
		while (off + REC_HDR <= s->segs[i].size &&
		       pread_all(fd, &h, sizeof(h), off) == 0 && h.magic == REC_MAGIC &&
		       off + REC_HDR + h.len <= s->segs[i].size) {
			off += REC_HDR + h.len;
			n++;
		}
		n += off < s->segs[i].size;
	}
	return n;
}

/* Where delivery stopped last time: the cursor, minus deleted segments. */
static void recover_head(struct spool *s)
{
	struct cursor_rec c;
	int have = cursor_load(s, &c);

	s->next_no = 1;
	if (s->nsegs)
		s->next_no = s->segs[s->nsegs - 1].no + 1;
	if (have > 0 && c.seg >= s->next_no)
		s->next_no = c.seg + 1;
	s->head_off = SEG_HDR;
	if (have < 0 && s->nsegs)
		log_warn("output %s: spool %s: the cursor is damaged; replaying every segment, "
			 "some events may be sent twice", s->output, s->dir);
	if (have <= 0)
		return;
	while (s->nsegs && s->segs[0].no < c.seg)
		remove_seg(s, 0);
	if (s->nsegs && s->segs[0].no == c.seg && c.off > SEG_HDR)
		s->head_off = c.off < s->segs[0].size ? c.off : s->segs[0].size;
}

/* Whoever else may write the directory could plant a symlink or a segment
 * of their own for a root-started daemon to follow or send: the directory
 * must be the daemon's user's and writable by nobody else. */
static int open_dir(struct spool *s)
{
	struct stat st;

	if ((s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(s->dirfd, &st) < 0)
		return -errno;
	if (st.st_uid != geteuid()) {
		log_err("output %s: spool %s: refused: owned by uid %u, not by the daemon's user "
			"(uid %u); chown it", s->output, s->dir, (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		log_err("output %s: spool %s: refused: writable by %s (mode %04o); chmod go-w it",
			s->output, s->dir, st.st_mode & S_IWOTH ? "others" : "its group",
			(unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

static int open_files(struct spool *s)
{
	if ((s->lockfd = openat(s->dirfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return -errno;
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		log_err("output %s: spool %s is in use by another process", s->output, s->dir);
		return -err;
	}
	if ((s->cursorfd = openat(s->dirfd, "cursor", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
				  0600)) < 0)
		return -errno;
	return 0;
}

int spool_open(struct spool **out, const struct spool_config *cfg, const char *output)
{
	struct spool *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->output = output;
	s->dirfd = s->lockfd = s->cursorfd = s->wfd = s->rfd = -1;
	s->max_bytes = cfg->max_bytes;
	s->seg_max = cfg->max_bytes / 8 < (64u << 20) ? cfg->max_bytes / 8 : (64u << 20);
	if (s->seg_max < 65536)
		s->seg_max = 65536;
	s->fsync = cfg->fsync;
	snprintf(s->dir, sizeof(s->dir), "%s", cfg->dir);
	if ((rc = make_dir(s->dir)) < 0 || (rc = open_dir(s)) < 0 || (rc = open_files(s)) < 0 ||
	    (rc = list_segments(s)) < 0) {
		if (rc != -EWOULDBLOCK && rc != -EPERM)
			log_err("output %s: spool %s: %s", output, s->dir, rc != -ELOOP ? strerror(-rc) :
				"refused: a symbolic link (the directory, its lock or its cursor)");
		spool_close(s);
		return rc;
	}
	recover_head(s);
	drop_consumed(s);
	s->events = count_records(s);
	if (s->events)
		log_notice("output %s: spool %s holds %" PRIu64 " events (%" PRIu64 " bytes) from a "
			   "previous run; they are sent first", output, s->dir, s->events,
			   spool_bytes(s));
	*out = s;
	return 0;
}

void spool_close(struct spool *s)
{
	uint64_t lost = 0;

	if (!s)
		return;
	if (s->cursorfd >= 0)
		spool_flush(s, &lost);
	close_fd(&s->wfd);
	close_fd(&s->rfd);
	close_fd(&s->cursorfd);
	close_fd(&s->lockfd);
	close_fd(&s->dirfd);
	free(s->segs);
	free(s->wbuf);
	free(s->rbuf);
	free(s->peek_end);
	free(s);
}
