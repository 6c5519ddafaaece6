/* core/daemon/control_socket.c -- the control socket: listen, answer each connection
 * with the rendered text, close it; and the client side for --stats. */
#include "daemon/control_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/log.h"

/* A client that stops reading must not hold the thread (and so every
 * other client) for long; --stats must not hang on a stuck daemon. */
#define SEND_TIMEOUT_MS 2000
#define RECV_TIMEOUT_MS 10000

static int set_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

static void set_timeout(int fd, int opt, unsigned ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

int ctl_socket_set_owner(struct ctl_socket *c, uid_t uid, gid_t gid)
{
	char dir[sizeof(c->path)];

	if (c->listen_fd < 0)
		return 0;
	strcpy(dir, c->path);
	/* The directory too when it is ours: made here, or the default one
	 * (systemd's RuntimeDirectory=, made root's for a unit without User=). */
	int own_dir = c->made_dir || strcmp(c->path, CTL_SOCKET_DEFAULT) == 0;

	if (lchown(c->path, uid, gid) < 0 || (own_dir && chown(dirname(dir), uid, gid) < 0)) {
		int rc = -errno;
		log_warn("control socket %s: cannot give it to uid %u: %s; only root may ask",
			 c->path, (unsigned)uid, strerror(-rc));
		return rc;
	}
	return 0;
}

void ctl_socket_init(struct ctl_socket *c)
{
	memset(c, 0, sizeof(*c));
	c->listen_fd = -1;
	c->stop_fd = -1;
}

/* The file gets 0600 as it is made, not after: no moment where others
 * could connect.  umask is per process; this runs before any thread. */
static int bind_private(int fd, const struct sockaddr_un *sa)
{
	mode_t old = umask(0177);
	int rc = bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 ? -errno : 0;

	umask(old);
	return rc;
}

/* Only the last component: a missing /run/auditstream outside systemd
 * (which makes it with RuntimeDirectory=) is expected, a missing /run not.
 * 0750: the socket's name is nobody else's business either. */
static int make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	mode_t old = umask(0027);
	int rc;

	strcpy(dir, path);
	rc = mkdir(dirname(dir), 0750) < 0 && errno != EEXIST ? -errno : 0;
	umask(old);
	return rc;
}

/* A directory others may write lets them replace the socket under the
 * clients' feet: refused (an existing one is never chmod'ed: it may be
 * /tmp). */
static int parent_private(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	strcpy(dir, path);
	if (stat(dirname(dir), &st) < 0)
		return errno == ENOENT ? 0 : -errno;	/* made next, 0750 */
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		log_err("control socket %s: refused: its directory %s is writable by %s (mode %04o); "
			"running without it", path, dir, st.st_mode & S_IWOTH ? "others" : "its group",
			(unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* bind() said EADDRINUSE: the file is there.  It is removed only if it is a
 * socket and nobody accepts on it (a crashed daemon's); a live daemon's
 * socket or any other file is left alone. */
static int remove_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;	/* gone meanwhile: bind again */
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 ? -errno : 0;
	close(fd);
	if (rc == 0)
		return -EADDRINUSE;
	if (rc != -ECONNREFUSED)
		return rc;
	log_notice("control socket %s: removing the stale socket of a daemon that is gone",
		   sa->sun_path);
	return unlink(sa->sun_path) < 0 && errno != ENOENT ? -errno : 0;
}

int ctl_socket_open(struct ctl_socket *c, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc, made = 0;

	ctl_socket_init(c);
	if ((rc = set_addr(&sa, path)) < 0) {
		log_err("control socket %s: path too long (at most %zu bytes); running without it",
			path, sizeof(sa.sun_path) - 1);
		return rc;
	}
	if ((rc = parent_private(path)) < 0)
		return rc;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		rc = -errno;
		log_err("control socket %s: cannot make a socket: %s; running without it", path,
			strerror(-rc));
		return rc;
	}
	rc = bind_private(fd, &sa);
	if (rc == -ENOENT && (rc = make_parent(path)) == 0) {
		c->made_dir = 1;
		rc = bind_private(fd, &sa);
	}
	if (rc == -EADDRINUSE && (rc = remove_stale(&sa)) == 0)
		rc = bind_private(fd, &sa);
	made = rc == 0;
	if (rc == 0 && listen(fd, 16) < 0)
		rc = -errno;
	if (rc == 0 && stat(path, &st) < 0)
		rc = -errno;
	if (rc < 0) {
		if (rc == -EADDRINUSE)
			log_err("control socket %s: another daemon is listening on it; running "
				"without one (set control_socket to another path, or \"\")", path);
		else if (rc == -EEXIST)
			log_err("control socket %s: exists and is not a socket; left alone, "
				"running without one", path);
		else
			log_err("control socket %s: cannot listen: %s; running without it", path,
				strerror(-rc));
		if (made)
			unlink(path);
		close(fd);
		return rc;
	}
	if ((c->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		rc = -errno;
		log_err("control socket %s: eventfd: %s; running without it", path, strerror(-rc));
		unlink(path);
		close(fd);
		return rc;
	}
	strcpy(c->path, path);
	c->listen_fd = fd;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	log_info("control socket %s: listening (auditstream --stats)", path);
	return 0;
}

static int send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Rendered into memory first: the text is taken at one moment, and a slow
 * client costs a send, not a render held open. */
static void answer(struct ctl_socket *c, int fd)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f) {
		rc = -errno;
	} else {
		rc = c->render(c->arg, f);
		if (fclose(f) != 0 && rc == 0)
			rc = -errno;
	}
	if (rc == 0) {
		set_timeout(fd, SO_SNDTIMEO, SEND_TIMEOUT_MS);
		rc = send_all(fd, text, len);
		/* The peer going away is its business; say so only when debugging. */
		if (rc < 0)
			log_debug("control socket %s: client went away: %s", c->path, strerror(-rc));
	} else {
		log_warn("control socket %s: cannot render the answer: %s", c->path, strerror(-rc));
	}
	free(text);
}

/* Root or the daemon's own user: the file's mode says the same, but a mode
 * can be changed by mistake, the peer's credentials cannot. */
static int peer_allowed(struct ctl_socket *c, int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return 0;
	if (cr.uid == 0 || cr.uid == geteuid())
		return 1;
	if (!c->told_peer++)	/* once: a local user must not fill the log */
		log_warn("control socket %s: refused a client running as uid %u (pid %d): only root "
			 "and the daemon's user may ask", c->path, (unsigned)cr.uid, (int)cr.pid);
	return 0;
}

static void *serve(void *arg)
{
	struct ctl_socket *c = arg;
	int told_accept = 0;

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = c->listen_fd, .events = POLLIN },
			{ .fd = c->stop_fd, .events = POLLIN },
		};
		int fd;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_err("control socket %s: poll: %s; no longer served", c->path, strerror(errno));
			break;
		}
		if (pf[1].revents)
			break;
		if (!(pf[0].revents & POLLIN))
			continue;
		/* Blocking, unlike the listener: the send timeout then applies. */
		if ((fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS) {
				/* Out of resources: say it once, and do not spin on it. */
				if (!told_accept++)
					log_warn("control socket %s: accept: %s", c->path, strerror(errno));
				poll(&pf[1], 1, 100);
			}
			continue;
		}
		told_accept = 0;
		if (peer_allowed(c, fd))
			answer(c, fd);
		close(fd);
	}
	return NULL;
}

int ctl_socket_start(struct ctl_socket *c, ctl_render_fn render, void *arg)
{
	sigset_t all, old;
	int rc;

	if (c->listen_fd < 0)
		return 0;
	c->render = render;
	c->arg = arg;
	/* Signals belong to the main thread (signalfd). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thread, NULL, serve, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		log_err("control socket %s: cannot start its thread: %s", c->path, strerror(rc));
		return -rc;
	}
	c->running = 1;
	return 0;
}

void ctl_socket_close(struct ctl_socket *c)
{
	struct stat st;

	if (c->running) {
		uint64_t one = 1;

		if (write(c->stop_fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
			log_warn("control socket %s: cannot stop its thread: %s", c->path,
				 strerror(errno));
		else
			pthread_join(c->thread, NULL);
		c->running = 0;
	}
	if (c->listen_fd >= 0) {
		/* Ours only: after an `rm` another daemon may have made the path. */
		if (lstat(c->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino &&
		    unlink(c->path) < 0)
			log_warn("control socket %s: cannot remove it: %s", c->path, strerror(errno));
		close(c->listen_fd);
		c->listen_fd = -1;
	}
	if (c->stop_fd >= 0) {
		close(c->stop_fd);
		c->stop_fd = -1;
	}
}

int ctl_socket_query(const char *path, FILE *out)
{
	struct sockaddr_un sa;
	char buf[8192];
	size_t got = 0;
	int fd, rc;

	if ((rc = set_addr(&sa, path)) < 0)
		return rc;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	set_timeout(fd, SO_RCVTIMEO, RECV_TIMEOUT_MS);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (fwrite(buf, 1, (size_t)r, out) != (size_t)r) {
			rc = -EIO;
			break;
		}
	}
	close(fd);
	if (fflush(out) != 0 && rc == 0)
		rc = -errno;
	return rc == 0 && got == 0 ? -ENODATA : rc;
}
