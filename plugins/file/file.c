/*
 * plugins/file/file.c -- newline-delimited JSON to a file or stdout.
 *
 * Options:
 *   path   (string, required)  file to append to; "-" is standard output
 *   mode   (string, "0600")    octal permissions for a file it creates
 *   fsync  (bool, false)       fsync after each batch (durable, slower)
 *
 * A batch goes out in as few writev() calls as the kernel allows.  A write
 * that stops inside an event remembers where, so a RETRY (disk full)
 * continues the same line instead of starting it again; a file that ends
 * inside a line when opened (a kill -9 mid-write) gets it ended first.  reopen (SIGHUP)
 * closes and opens the path again, which is what logrotate's
 * rename-then-signal needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <auditstream/plugin.h>
#include <auditstream/util.h>

#define MAX_IOV 1024	/* <= IOV_MAX, two per event */

struct file_out {
	const struct auditstream_host *host;
	struct auditstream_ctx *ctx;
	const char *path;
	mode_t mode;
	int do_fsync;
	int fd;
	size_t resume;	/* bytes of events[0] (with its '\n') already written */
};

static const struct auditstream_option options[] = {
	{ .name = "path", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 1,
	  .help = "file to append events to, \"-\" for stdout" },
	{ .name = "mode", .type = AUDITSTREAM_OPT_STRING, .default_value = "0600", .required = 0,
	  .help = "octal permissions of a created file" },
	{ .name = "fsync", .type = AUDITSTREAM_OPT_BOOL, .default_value = "false", .required = 0,
	  .help = "fsync after each batch" },
	{ 0 }
};

/* A file that ends inside a line (a daemon killed in the middle of a write)
 * gets that line ended first, so the next event starts a line of its own
 * instead of being glued to the fragment, which a reader would have to
 * drop whole.  The fragment's event is written again whole where the input
 * allows it (follow restarts from its saved position; a kernel input lost it
 * with the killed daemon).  Read through a descriptor of its own: the
 * output's is write-only. */
static void end_torn_line(struct file_out *f)
{
	struct stat st;
	char last = '\n';
	int rfd;

	if (fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return;
	if ((rfd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return;
	if (pread(rfd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
	    write(f->fd, "\n", 1) == 1)
		f->host->log(f->ctx, AUDITSTREAM_LOG_WARNING,
			     "%s ended inside a line (a write cut short, e.g. by kill -9): "
			     "that line is ended here, and the next event starts a new one", f->path);
	close(rfd);
}

static int open_target(struct file_out *f)
{
	if (strcmp(f->path, "-") == 0) {
		f->fd = STDOUT_FILENO;
		return 0;
	}
	f->fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, f->mode);
	if (f->fd < 0) {
		int e = errno;
		f->host->log(f->ctx, AUDITSTREAM_LOG_ERR, "cannot open %s: %s", f->path, strerror(e));
		return -e;
	}
	end_torn_line(f);
	return 0;
}

static void close_target(struct file_out *f)
{
	if (f->fd > STDERR_FILENO)
		close(f->fd);
	f->fd = -1;
}

/* The mode option as a number; -EINVAL (reported) if it is not octal. */
static int parse_mode(const struct auditstream_host *host, struct auditstream_ctx *ctx, mode_t *out)
{
	const char *mode = host->opt_string(ctx, "mode");
	char *end;
	unsigned long m = strtoul(mode, &end, 8);

	if (*end || end == mode || *mode == '-' || m > 07777) {
		auditstream_opt_error(host, ctx, "mode", "\"%s\" is not an octal file mode (e.g. \"0640\")",
				      mode);
		return -EINVAL;
	}
	*out = (mode_t)m;
	return 0;
}

/* --check-config and before create(): the mode, and that the file's
 * directory exists (nothing is created). */
static int file_check(const struct auditstream_host *host, struct auditstream_ctx *ctx)
{
	const char *path = host->opt_string(ctx, "path");
	const char *slash = strrchr(path, '/');
	mode_t m;
	int rc = parse_mode(host, ctx, &m);

	if (strcmp(path, "-") != 0 && (!*path || slash)) {
		char dir[4096];
		struct stat st;

		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash ? slash - path : 0), path);
		if (!*path || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			auditstream_opt_error(host, ctx, "path", "\"%s\": %s", path,
					      !*path ? "empty" : "its directory does not exist");
			rc = -EINVAL;
		}
	}
	return rc;
}

static int file_create(const struct auditstream_host *host, struct auditstream_ctx *ctx, void **inst)
{
	struct file_out *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return -ENOMEM;
	f->host = host;
	f->ctx = ctx;
	f->path = host->opt_string(ctx, "path");
	f->do_fsync = host->opt_bool(ctx, "fsync");
	if ((rc = parse_mode(host, ctx, &f->mode)) < 0) {
		free(f);
		return rc;
	}
	if ((rc = open_target(f)) < 0) {
		free(f);
		return rc;
	}
	*inst = f;
	return 0;
}

/* Fills iov from events[0..n) starting `skip` bytes into the first; returns
 * the number of iovecs. */
static int fill_iov(struct iovec *iov, const struct auditstream_event *const *ev, size_t n,
		    size_t skip)
{
	static char nl[] = "\n";
	int k = 0;
	size_t i;

	for (i = 0; i < n && k + 2 <= MAX_IOV; i++) {
		size_t len = ev[i]->json_len, s = i == 0 ? skip : 0;
		if (s < len) {
			iov[k].iov_base = (char *)ev[i]->json + s;
			iov[k++].iov_len = len - s;
		}
		iov[k].iov_base = nl;
		iov[k++].iov_len = 1;
	}
	return k;
}

/* Advances over `wrote` bytes: returns whole events done, keeps the rest in resume. */
static size_t consume(struct file_out *f, const struct auditstream_event *const *ev, size_t n,
		      size_t wrote)
{
	size_t done = 0;

	while (done < n) {
		size_t left = ev[done]->json_len + 1 - f->resume;
		if (wrote < left) {
			f->resume += wrote;
			return done;
		}
		wrote -= left;
		f->resume = 0;
		done++;
	}
	return done;
}

static int file_write(void *inst, const struct auditstream_event *const *ev, size_t n, size_t *done)
{
	struct file_out *f = inst;
	struct iovec iov[MAX_IOV];

	*done = 0;
	if (f->fd < 0 && open_target(f) < 0)
		return AUDITSTREAM_RETRY;
	while (*done < n) {
		int k = fill_iov(iov, ev + *done, n - *done, f->resume);
		ssize_t w = writev(f->fd, iov, k);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			f->host->log(f->ctx, AUDITSTREAM_LOG_WARNING, "write to %s failed: %s",
				     f->path, strerror(errno));
			f->host->count(f->ctx, "write_errors", 1);
			return errno == EBADF ? AUDITSTREAM_FATAL : AUDITSTREAM_RETRY;
		}
		*done += consume(f, ev + *done, n - *done, (size_t)w);
	}
	if (f->do_fsync && f->fd > STDERR_FILENO && fsync(f->fd) < 0 && errno != EINVAL) {
		/* The data is in the page cache; writing it again would duplicate it. */
		f->host->log(f->ctx, AUDITSTREAM_LOG_WARNING, "fsync of %s failed: %s", f->path,
			     strerror(errno));
		f->host->count(f->ctx, "fsync_errors", 1);
	}
	return AUDITSTREAM_OK;
}

static int file_reopen(void *inst)
{
	struct file_out *f = inst;

	if (f->fd == STDOUT_FILENO)
		return 0;
	close_target(f);
	/* A line cut short in the old file is written whole to the new one. */
	f->resume = 0;
	/* On failure the next write retries the open, with backoff. */
	return open_target(f);
}

static void file_destroy(void *inst)
{
	struct file_out *f = inst;

	if (f->fd > STDERR_FILENO && f->do_fsync)
		fsync(f->fd);
	close_target(f);
	free(f);
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "file",
	.version = PACKAGE_VERSION,
	.description = "newline-delimited JSON to a file or stdout",
	.options = options,
	.check = file_check,
	.create = file_create,
	.write = file_write,
	.reopen = file_reopen,
	.destroy = file_destroy,
};

const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
