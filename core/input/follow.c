/* core/input/follow.c -- input.mode = "follow": auditd's growing log, read
 * like `tail -F`, for hosts that keep auditd as the audit daemon.
 *
 * Polled, not inotify: fd() is -1, so the loop calls read() on every tick
 * (100 ms) and again at once while it says INPUT_MORE.  At the end of the
 * file that costs one read and one stat per tick, nothing next to the
 * events; it works on every file system (inotify misses changes made over
 * NFS and on some overlays) and before the log's directory exists (inotify
 * cannot watch what is not there); and rotation has to be told by device
 * and inode anyway, since inotify's events coalesce and its queue can
 * overflow.  The price is up to 100 ms of latency.
 *
 * Rotation by rename: at the end of its file the input looks at the log's
 * name; once that holds another file, it reads its own to the end once more
 * and goes on with the next file of the rotation (follow_files.c), so
 * nothing written before the rename is lost.  Truncation: the file got
 * shorter than what was read: it is read again from its start.
 *
 * Its position (follow_state.h) is that of the oldest event still in the
 * assembler.  Every 64 records and after each block it is taken as a mark,
 * together with the number of events each output had been given; the
 * newest mark whose events every output has taken (output_taken: written,
 * spooled, or dropped by a FATAL) is written, at each mark and each tick.
 * So a restart, even after kill -9, repeats only what the outputs took
 * since that save (the batch in flight), and loses nothing.  A file cannot be overrun: the input is file_backed,
 * its outputs' queues make it wait instead of dropping. */
#include "input/input.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libaudit.h>

#include "input/follow_files.h"
#include "input/follow_state.h"
#include "input/text.h"
#include "output/output.h"
#include "util/log.h"

#define IDLE_MS 1000	/* a log quiet this long: its pending events are complete */
#define SYNC_MS 5000	/* how often the position is fsync'd (only a host crash needs it) */
#define MARKS 64
#define MARK_RECORDS 64	/* a mark (and a save, if the outputs are there) this often */

struct pend {			/* an event in the assembler, in arrival order */
	uint64_t serial;
	struct follow_file at;	/* the start of its first record */
	int done;
};

struct follow {
	struct pipeline *p;
	const char *log;
	struct text_input text;
	char state[4096];		/* "": positions are not kept */
	int fd;				/* -1: waiting for the log */
	struct follow_file cur;		/* the open file (off unused) */
	int told;			/* said once that the log is missing or unreadable */
	uint64_t last_data_ms;
	uint64_t last_serial;

	struct pend *pend;		/* a ring, oldest first */
	size_t phead, pn, pcap;

	struct follow_pos resume;	/* the saved position, read at start */
	int have_resume;		/* not yet opened */
	int skipping;			/* records of resume.done are skipped up to resume.end */

	struct follow_pos marks[MARKS];	/* a ring, oldest first (mark_at) */
	uint64_t *given;		/* MARKS rows of nouts: enqueued at each mark */
	uint64_t *taken;		/* nouts: scratch for commit() */
	unsigned mhead, mn;
	unsigned since_mark;		/* records since the last mark */
	uint64_t next_sync_ms;
	int save_failed;

	void (*prev_observe)(void *arg, const struct asm_event *ev);
	void *prev_arg;
};

static struct pend *pend_at(struct follow *f, size_t i)
{
	return &f->pend[(f->phead + i) % f->pcap];
}

static int pend_push(struct follow *f, uint64_t serial, uint64_t off)
{
	if (f->pn == f->pcap) {
		size_t cap = f->pcap ? 2 * f->pcap : 256;
		struct pend *n = malloc(cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (size_t i = 0; i < f->pn; i++)
			n[i] = *pend_at(f, i);
		free(f->pend);
		f->pend = n;
		f->pcap = cap;
		f->phead = 0;
	}
	*pend_at(f, f->pn++) = (struct pend){ serial, { f->cur.dev, f->cur.ino, off }, 0 };
	return 0;
}

/* 1 when serial's event is in the assembler (records of one event mostly
 * come together: the newest is looked at first). */
static int pend_has(struct follow *f, uint64_t serial)
{
	for (size_t i = f->pn; i-- > 0;) {
		const struct pend *e = pend_at(f, i);
		if (e->serial == serial && !e->done)
			return 1;
	}
	return 0;
}

/* After a saved position: the records of events the outputs took already
 * are skipped until reading passes where it was when the position was
 * taken. */
static int skip_record(struct follow *f, uint64_t serial, uint64_t off)
{
	if (f->cur.dev == f->resume.end.dev && f->cur.ino == f->resume.end.ino &&
	    off >= f->resume.end.off) {
		f->skipping = 0;
		return 0;
	}
	for (unsigned i = 0; i < f->resume.ndone; i++)
		if (f->resume.done[i] == serial)
			return 1;
	return 0;
}

/* pipeline observe: an event completed (and goes to the outputs next). */
static void on_event(void *arg, const struct asm_event *ev)
{
	struct follow *f = arg;

	for (size_t i = 0; i < f->pn; i++) {
		struct pend *e = pend_at(f, i);
		if (!e->done && e->serial == ev->serial) {
			e->done = 1;
			break;
		}
	}
	while (f->pn && pend_at(f, 0)->done) {
		f->phead = (f->phead + 1) % f->pcap;
		f->pn--;
	}
	if (f->prev_observe)
		f->prev_observe(f->prev_arg, ev);
}

static struct follow_pos *mark_at(struct follow *f, unsigned k)
{
	return &f->marks[(f->mhead + k) % MARKS];
}

static uint64_t *given_at(struct follow *f, unsigned k)
{
	return &f->given[(size_t)((f->mhead + k) % MARKS) * f->p->nouts];
}

/* A full ring keeps every other mark: the marks near the outputs' progress
 * stay dense while their backlog is small, and thin out as it grows. */
static void thin_marks(struct follow *f)
{
	unsigned n = f->p->nouts;

	for (unsigned k = 1; 2 * k < f->mn; k++) {
		*mark_at(f, k) = *mark_at(f, 2 * k);
		memcpy(given_at(f, k), given_at(f, 2 * k), n * sizeof(uint64_t));
	}
	f->mn = (f->mn + 1) / 2;
}

/* Takes the position as a mark: every record before end_off (in the open
 * file) has gone into the pipeline. */
static void mark(struct follow *f, uint64_t end_off)
{
	struct follow_pos *pos;
	uint64_t *given;

	f->since_mark = 0;
	if (f->skipping || f->fd < 0)
		return;		/* the saved position still holds */
	if (f->mn == MARKS)
		thin_marks(f);
	pos = mark_at(f, f->mn);
	pos->end = f->cur;
	pos->end.off = end_off;
	pos->at = f->pn ? pend_at(f, 0)->at : pos->end;
	pos->serial = f->last_serial;
	pos->ndone = 0;
	for (size_t i = 1; i < f->pn; i++) {
		const struct pend *e = pend_at(f, i);

		if (!e->done)
			continue;
		if (pos->ndone == FOLLOW_MAX_DONE)
			return;		/* cannot be said: a later mark will do */
		pos->done[pos->ndone++] = e->serial;
	}
	given = given_at(f, f->mn);
	for (unsigned i = 0; i < f->p->nouts; i++)
		given[i] = atomic_load(&f->p->outs[i].enqueued);
	f->mn++;
}

/* Writes the newest mark whose events every output has taken. */
static void commit(struct follow *f, uint64_t now, int final)
{
	unsigned n = f->p->nouts, best = MARKS;
	int sync, rc;

	if (!f->mn || !f->state[0])
		return;
	for (unsigned i = 0; i < n; i++)
		f->taken[i] = output_taken(&f->p->outs[i]);
	for (unsigned k = f->mn; k-- > 0 && best == MARKS;) {
		const uint64_t *given = given_at(f, k);
		unsigned i;

		for (i = 0; i < n && f->taken[i] >= given[i]; i++)
			;
		if (i == n)
			best = k;
	}
	if (best == MARKS)
		return;
	sync = final || now >= f->next_sync_ms;
	rc = follow_state_save(f->state, f->log, mark_at(f, best), sync);
	if (rc < 0 && !f->save_failed)
		log_err("%s: cannot save the follow position: %s; a restart will repeat events",
			f->state, strerror(-rc));
	else if (rc == 0 && f->save_failed)
		log_notice("%s: the follow position is saved again", f->state);
	f->save_failed = rc < 0;
	if (sync)
		f->next_sync_ms = now + SYNC_MS;
	f->mhead = (f->mhead + best + 1) % MARKS;
	f->mn -= best + 1;
}

/* text.check: every record, before the pipeline sees it. */
static int on_record(void *arg, const struct record *r, uint64_t off)
{
	struct follow *f = arg;

	if (f->skipping && skip_record(f, r->serial, off))
		return 1;
	if (++f->since_mark >= MARK_RECORDS) {	/* within a block too */
		mark(f, off);
		commit(f, now_monotonic_ms(), 0);
	}
	f->last_serial = r->serial;
	if (r->type != AUDIT_EOE && !pend_has(f, r->serial) && pend_push(f, r->serial, off) < 0)
		log_err("%s: out of memory: the saved position may repeat events", f->log);
	return 0;
}

static void use_file(struct follow *f, int fd, const struct stat *st, uint64_t off)
{
	f->fd = fd;
	f->cur = (struct follow_file){ (uint64_t)st->st_dev, (uint64_t)st->st_ino, 0 };
	text_restart(&f->text, off);
}

/* Where a saved position's file is now, and its offset; -ENOENT: not there. */
static int open_resume(struct follow *f, struct stat *st, uint64_t *off)
{
	int fd = follow_files_find(f->log, f->resume.at.dev, f->resume.at.ino, st);

	if (fd >= 0) {
		*off = f->resume.at.off;
		if ((uint64_t)st->st_size >= *off) {
			f->skipping = f->resume.ndone > 0;
			log_info("%s: going on at offset %" PRIu64 " of inode %" PRIu64
				 ", after serial %" PRIu64, f->log, *off, f->resume.at.ino,
				 f->resume.serial);
			return fd;
		}
		log_warn("%s: inode %" PRIu64 " is shorter than the saved offset %" PRIu64
			 ": truncated while we were away; read from its start", f->log,
			 f->resume.at.ino, *off);
		*off = 0;
		return fd;
	}
	if (fd != -ENOENT || (fd = follow_files_oldest(f->log, st)) < 0)
		return fd;
	log_warn("%s: the file of the saved position (inode %" PRIu64 ") was removed by "
		 "rotation: reading from the oldest file left; events after serial %" PRIu64
		 " that were only in the removed file are lost", f->log, f->resume.at.ino,
		 f->resume.serial);
	*off = 0;
	return fd;
}

/* Opens the first file to read: the saved position's, else the log from
 * its start.  1: open; 0: not there yet (said once, waited for); -errno:
 * cannot be read (said once). */
static int open_first(struct follow *f)
{
	struct stat st;
	uint64_t off = 0;
	int fd;

	if (f->have_resume) {
		fd = open_resume(f, &st, &off);
	} else if ((fd = open(f->log, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		int rc = -errno;
		if (fd >= 0)
			close(fd);
		fd = rc;
	}
	if (fd == -ENOENT || fd == -ENOTDIR) {
		if (!f->told)
			log_notice("%s: not there yet; waiting for it", f->log);
		f->told = 1;
		return 0;
	}
	if (fd < 0) {
		if (!f->told)
			log_err("%s: cannot read the audit log: %s", f->log, strerror(-fd));
		f->told = 1;
		return fd;
	}
	if (!S_ISREG(st.st_mode)) {
		if (!f->told)
			log_err("%s: not a regular file: cannot follow it", f->log);
		f->told = 1;
		close(fd);
		return -EINVAL;
	}
	if (off && lseek(fd, (off_t)off, SEEK_SET) < 0) {
		int rc = -errno;
		log_err("%s: cannot seek to offset %" PRIu64 ": %s", f->log, off, strerror(errno));
		close(fd);
		return rc;
	}
	if (f->told)
		log_notice("%s: there now; reading it", f->log);
	f->told = 0;
	f->have_resume = 0;
	use_file(f, fd, &st, off);
	return 1;
}

/* The file got shorter than what was read: everything before is complete,
 * the file is new from its start. */
static void truncated(struct follow *f, const struct stat *st)
{
	log_notice("%s: truncated (%lld bytes, %" PRIu64 " read): reading it from its start", f->log,
		   (long long)st->st_size, text_offset(&f->text) + f->text.len);
	assembler_flush(f->p->assembler);
	f->pn = 0;
	f->skipping = 0;
	lseek(f->fd, 0, SEEK_SET);
	text_restart(&f->text, 0);
	mark(f, 0);
}

/* Ours was renamed away: read it to its end once more (a writer may have
 * added to it before the rename), then the next file. */
static void switch_to(struct follow *f, int fd, const struct stat *st)
{
	while (text_read(&f->text, f->fd) > 0)
		;
	text_finish(&f->text);
	if (f->cur.dev == f->resume.end.dev && f->cur.ino == f->resume.end.ino)
		f->skipping = 0;
	close(f->fd);
	log_info("%s: rotated; the old file is read to its end, going on with inode %llu", f->log,
		 (unsigned long long)st->st_ino);
	use_file(f, fd, st, 0);
}

/* At the end of the file: wait, or go on after a truncation or rotation. */
static int at_end(struct follow *f)
{
	struct stat st, named, next;
	int fd;

	if (fstat(f->fd, &st) < 0)
		return 0;
	if ((uint64_t)st.st_size < text_offset(&f->text) + f->text.len) {
		truncated(f, &st);
		return INPUT_MORE;
	}
	if (stat(f->log, &named) == 0 && (uint64_t)named.st_dev == f->cur.dev &&
	    (uint64_t)named.st_ino == f->cur.ino)
		return 0;	/* still the log: more will come */
	fd = follow_files_next(f->log, f->cur.dev, f->cur.ino, &st.st_mtim, &next);
	if (fd < 0)
		return 0;	/* the new log is not there yet */
	switch_to(f, fd, &next);
	return INPUT_MORE;
}

static int follow_read(struct input *in)
{
	struct follow *f = in->priv;
	uint64_t now = now_monotonic_ms();
	ssize_t got;

	commit(f, now, 0);
	if (f->fd < 0 && open_first(f) <= 0)
		return 0;	/* said once; tried again on the next tick */
	if ((got = text_read(&f->text, f->fd)) < 0)
		return (int)got;
	if (got == 0)
		return at_end(f);
	f->last_data_ms = now;
	mark(f, text_offset(&f->text));
	return INPUT_MORE;
}

static void follow_tick(struct input *in, uint64_t now)
{
	struct follow *f = in->priv;

	if (assembler_pending(f->p->assembler) && now - f->last_data_ms >= IDLE_MS) {
		assembler_flush(f->p->assembler);	/* a text log has no EOE */
		f->pn = 0;
		mark(f, text_offset(&f->text));
	}
	commit(f, now, 0);
}

static void follow_free(struct follow *f)
{
	if (f->fd >= 0)
		close(f->fd);
	text_free(&f->text);
	free(f->pend);
	free(f->given);
	free(f->taken);
	free(f);
}

static int follow_start(struct input *in)
{
	const char *dir = in->cfg->state_dir;
	struct follow *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return -ENOMEM;
	f->p = in->p;
	f->log = in->path ? in->path : in->cfg->input_path;
	f->fd = -1;
	f->last_data_ms = now_monotonic_ms();
	if (text_init(&f->text, in->p, f->log) < 0 ||
	    !(f->given = calloc((size_t)MARKS * (in->p->nouts + 1), sizeof(uint64_t))) ||
	    !(f->taken = calloc(in->p->nouts + 1, sizeof(uint64_t)))) {
		follow_free(f);
		return -ENOMEM;
	}
	f->text.check = on_record;
	f->text.arg = f;
	if (dir && *dir && follow_state_path(f->state, sizeof(f->state), dir) < 0) {
		log_err("%s: state_dir too long", dir);
		follow_free(f);
		return -ENAMETOOLONG;
	}
	if (!f->state[0])
		log_notice("state_dir is \"\": the follow position is not kept; a restart reads %s "
			   "from its start", f->log);
	else if ((rc = follow_state_load(f->state, f->log, &f->resume)) < 0) {
		follow_free(f);
		return rc;
	} else {
		f->have_resume = rc;
	}
	if ((rc = open_first(f)) < 0) {
		follow_free(f);
		return rc;
	}
	f->prev_observe = in->p->observe;
	f->prev_arg = in->p->observe_arg;
	in->p->observe = on_event;
	in->p->observe_arg = f;
	in->priv = f;
	return 0;
}

static int follow_fd(const struct input *in)
{
	(void)in;
	return -1;	/* polled: see the top of the file */
}

/* Completes what is pending; the outputs drain next, destroy() saves. */
static void follow_stop(struct input *in)
{
	struct follow *f = in->priv;

	if (!f)
		return;
	pipeline_end(f->p);
	f->pn = 0;
	mark(f, text_offset(&f->text));
}

/* The outputs have drained (or given up): the last position they took. */
static void follow_destroy(struct input *in)
{
	struct follow *f = in->priv;

	if (!f)
		return;
	commit(f, now_monotonic_ms(), 1);
	in->p->observe = f->prev_observe;
	in->p->observe_arg = f->prev_arg;
	follow_free(f);
	in->priv = NULL;
}

const struct input_ops input_follow_ops = {
	.name = "follow",
	.file_backed = 1,
	.start = follow_start,
	.fd = follow_fd,
	.read = follow_read,
	.tick = follow_tick,
	.stop = follow_stop,
	.destroy = follow_destroy,
};
