/* core/daemon/control_socket.h -- the control socket (config control_socket): a unix
 * stream socket on which every connection is sent the current metrics in
 * Prometheus text and closed.  `auditstream --stats` is its client.  A
 * thread of its own serves it, so the reader's poll loop never sees it. */
#ifndef AS_CTL_SOCKET_H
#define AS_CTL_SOCKET_H

#include <pthread.h>
#include <stdio.h>
#include <sys/types.h>

/* The daemon's socket when control_socket is not set: systemd's
 * RuntimeDirectory=auditstream makes the directory, which is /run whatever
 * the prefix. */
#define CTL_SOCKET_DEFAULT "/run/auditstream/auditstream.sock"

/* Writes the answer to f; 0 or -errno. */
typedef int (*ctl_render_fn)(void *arg, FILE *f);

struct ctl_socket {
	char path[108];		/* sizeof sockaddr_un.sun_path */
	int listen_fd;		/* -1: not open */
	int stop_fd;		/* eventfd: tells the thread to end */
	dev_t dev;		/* the socket file we made: only that one is removed */
	ino_t ino;
	pthread_t thread;
	int running;
	unsigned told_peer;	/* refused clients logged */
	int made_dir;		/* the directory was made here */
	ctl_render_fn render;
	void *arg;
};

/* Makes the socket file path (mode 0600, owned by the caller; the directory
 * is made 0750 if it is missing, and refused if group- or other-writable)
 * and listens on it.  Only clients running as root or as the daemon's
 * user (SO_PEERCRED) are answered.  A socket file left by
 * a crashed daemon is replaced only if nobody answers on it; any other file
 * is left alone.  Call before privileges are dropped and before any thread
 * starts (the file gets its mode through umask).  0, or -errno (logged,
 * naming the path); the struct can then be closed as it is. */
int ctl_socket_open(struct ctl_socket *c, const char *path);

/* Gives the socket (and its directory, when ctl_socket_open made it or it is
 * the default's /run/auditstream) to the
 * user the daemon is about to switch to, so that user may ask too and the
 * daemon may remove it at exit.  Call as root, before the switch.  0 or
 * -errno (logged). */
int ctl_socket_set_owner(struct ctl_socket *c, uid_t uid, gid_t gid);

/* Starts the thread that answers each connection with render(arg, f).
 * Call after signals are blocked, so the thread inherits the mask.
 * 0, or -errno (logged). */
int ctl_socket_start(struct ctl_socket *c, ctl_render_fn render, void *arg);

/* Stops the thread, closes the socket and removes its file.  Safe on a
 * socket never opened (zeroed and ctl_socket_init'ed) or already closed. */
void ctl_socket_close(struct ctl_socket *c);

/* A struct that ctl_socket_close() may be called on. */
void ctl_socket_init(struct ctl_socket *c);

/* The client: connects to path and copies what the daemon sends to out.
 * 0, or -errno (not logged: the caller words it for the user); -ENODATA
 * when the daemon closed without a word (it could not render). */
int ctl_socket_query(const char *path, FILE *out);

#endif
