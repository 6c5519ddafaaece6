/* core/daemon/notify.c -- sd_notify(3) done by hand: one datagram on the unix
 * socket named by $NOTIFY_SOCKET ('@' first: the abstract namespace).
 * Linking libsystemd for this would pull a large library into a daemon
 * that runs with audit capabilities. */
#include "daemon/notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/log.h"

int notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t plen;
	socklen_t salen;
	int fd, rc = 0;

	if (!path || !*path)
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sa.sun_path)) {
		log_warn("NOTIFY_SOCKET \"%s\" is not a unix socket path: %s not sent", path, state);
		return -EINVAL;
	}
	memcpy(sa.sun_path, path, plen);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract: no terminating NUL counted */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + (path[0] == '/'));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		rc = -errno;
	} else {
		if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
			rc = -errno;
		close(fd);
	}
	if (rc < 0)
		log_warn("cannot tell the service manager %s on %s: %s", state, path, strerror(-rc));
	else
		log_debug("told the service manager %s", state);
	return rc;
}
