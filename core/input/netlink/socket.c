/* core/input/netlink/socket.c -- talk to the kernel's audit subsystem.
 *
 * Records arrive with an nlmsg_len that may cover only the payload, so the
 * size recv() returned is what counts (see DESIGN.md, kernel facts).
 *
 * The unicast socket is connect()ed to the kernel (port 0): the kernel then
 * refuses unicast from any other sender itself, so recvmmsg need not return
 * a source address per record (move_addr_to_user, ~2% of the daemon).  The
 * multicast socket still checks each sender: a broadcast passes connect(). */
#include "input/netlink/socket.h"
#include "input/netlink/msg.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/log.h"

struct nl_rx {
	struct mmsghdr msgs[NL_RX_BATCH];
	struct iovec iov[NL_RX_BATCH];
	struct sockaddr_nl from[NL_RX_BATCH];
	unsigned count, next;	/* received by the last recvmmsg, handed out */
	int emptied;		/* that recvmmsg found the socket empty before NL_RX_BATCH */
	char bufs[NL_RX_BATCH][NL_BUF_SIZE];	/* pages are touched only as used */
};

int nl_open(struct nl *n, int rcvbuf, uint32_t groups)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	n->seq = 0;
	n->rx = NULL;
	n->connected = 0;
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
	if (n->fd < 0)
		return -errno;
	if (bind(n->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (!groups && connect(n->fd, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)) {
		int e = errno;
		close(n->fd);
		n->fd = -1;
		return -e;
	}
	n->connected = !groups;
	if (rcvbuf > 0 && setsockopt(n->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0 &&
	    setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
		log_warn("netlink: cannot set the receive buffer to %d bytes: %s", rcvbuf,
			 strerror(errno));
	return 0;
}

void nl_close(struct nl *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	free(n->rx);
	n->rx = NULL;
}

int nl_rx_pending(const struct nl *n)
{
	return n->rx && n->rx->next < n->rx->count;
}

long nl_recv_many(struct nl *n, int *type, const char **payload)
{
	struct nl_rx *rx = n->rx;

	if (!rx) {
		if (!(rx = n->rx = malloc(sizeof(*rx))))
			return nl_recv(n, type, payload);	/* slower, still right */
		rx->count = rx->next = 0;
		rx->emptied = 0;
	}
	for (;;) {
		unsigned i;
		int got;

		if (rx->next == rx->count) {
			/* A short batch emptied the socket: say so now instead of
			 * asking again (a system call per wake-up that only
			 * returned EAGAIN); what came since wakes poll(). */
			if (rx->emptied) {
				rx->emptied = 0;
				return -EAGAIN;
			}
			for (i = 0; i < NL_RX_BATCH; i++) {
				rx->iov[i] = (struct iovec){ rx->bufs[i], NL_BUF_SIZE };
				rx->msgs[i].msg_hdr = (struct msghdr){
					.msg_name = n->connected ? NULL : &rx->from[i],
					.msg_namelen = n->connected ? 0 : sizeof(rx->from[i]),
					.msg_iov = &rx->iov[i], .msg_iovlen = 1 };
			}
			rx->count = rx->next = 0;
			got = recvmmsg(n->fd, rx->msgs, NL_RX_BATCH, MSG_DONTWAIT, NULL);
			if (got < 0)
				return errno == EWOULDBLOCK ? -EAGAIN : -errno;
			rx->count = (unsigned)got;
			if (!got)
				return -EAGAIN;
			rx->emptied = got < NL_RX_BATCH;
		}
		i = rx->next++;
		if (!n->connected && rx->from[i].nl_pid != 0)
			continue;	/* not from the kernel: ignore */
		got = (int)nl_msg_parse(rx->bufs[i], rx->msgs[i].msg_len, type, payload);
		if (got >= 0)
			return got;
	}
}

long nl_recv(struct nl *n, int *type, const char **payload)
{
	struct sockaddr_nl from;
	socklen_t fromlen = sizeof(from);
	ssize_t got;

	got = recvfrom(n->fd, n->buf, sizeof(n->buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
	if (got < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (from.nl_pid != 0)
		return -EAGAIN;	/* not from the kernel: ignore */
	got = nl_msg_parse(n->buf, (size_t)got, type, payload);
	return got < 0 ? -EAGAIN : got;	/* nothing in it: ignore */
}

/* Header and payload go out as two pieces: rules can be several KiB. */
static int send_msg(struct nl *n, int type, const void *data, size_t len, int ack, uint32_t *seq)
{
	struct nlmsghdr h;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct iovec iov[2] = { { &h, NLMSG_HDRLEN }, { (void *)data, len } };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = iov,
			    .msg_iovlen = len ? 2 : 1 };

	if (len > (1u << 20))
		return -EINVAL;
	memset(&h, 0, sizeof(h));
	h.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	h.nlmsg_type = (uint16_t)type;
	h.nlmsg_flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0);
	h.nlmsg_seq = *seq = ++n->seq;
	if (sendmsg(n->fd, &m, 0) < 0)
		return -errno;
	return 0;
}

/* The next message while waiting for an answer; -ETIMEDOUT after 2 s of
 * silence in all (*waited counts it across calls). */
static long recv_answer(struct nl *n, int *type, const char **payload, int *waited)
{
	while (*waited < 2000) {
		long len = nl_recv(n, type, payload);

		if (len == -EAGAIN) {
			struct pollfd p = { .fd = n->fd, .events = POLLIN };
			if (poll(&p, 1, 100) == 0)
				*waited += 100;
			continue;
		}
		if (len != -ENOBUFS)
			return len;
	}
	return -ETIMEDOUT;
}

/* Waits for the answer to seq: an NLMSG_ERROR (ACK) or a message of want_type. */
static int wait_answer(struct nl *n, uint32_t seq, int want_type, void *out, size_t outlen,
		       nl_msg_fn fn, void *arg)
{
	int waited = 0;

	for (;;) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)n->buf;
		const char *payload;
		int type;
		long len = recv_answer(n, &type, &payload, &waited);

		if (len < 0)
			return (int)len;
		if (type == NLMSG_ERROR && h->nlmsg_seq == seq && (size_t)len >= sizeof(struct nlmsgerr)) {
			const struct nlmsgerr *e = (const void *)payload;
			if (e->error != 0 || want_type == NLMSG_ERROR)
				return e->error;
			continue;	/* the ACK after a GET's answer */
		}
		if (type == want_type && h->nlmsg_seq == seq) {
			memcpy(out, payload, (size_t)len < outlen ? (size_t)len : outlen);
			return 0;
		}
		if (fn && type != NLMSG_ERROR && type != NLMSG_DONE)
			fn(arg, type, payload, (size_t)len);
	}
}

int nl_request(struct nl *n, int type, const void *data, size_t len, int ack,
	       nl_msg_fn fn, void *arg)
{
	uint32_t seq;
	int rc = send_msg(n, type, data, len, ack, &seq);

	if (rc < 0 || !ack)
		return rc;
	return wait_answer(n, seq, NLMSG_ERROR, NULL, 0, fn, arg);
}

int nl_get_status(struct nl *n, struct audit_status *st, nl_msg_fn fn, void *arg)
{
	uint32_t seq;
	int rc = send_msg(n, AUDIT_GET, NULL, 0, 0, &seq);

	memset(st, 0, sizeof(*st));
	if (rc < 0)
		return rc;
	return wait_answer(n, seq, AUDIT_GET, st, sizeof(*st), fn, arg);
}

int nl_set_status(struct nl *n, uint32_t mask, uint32_t value, nl_msg_fn fn, void *arg)
{
	struct audit_status st;

	memset(&st, 0, sizeof(st));
	st.mask = mask;
	switch (mask) {
	case AUDIT_STATUS_PID: st.pid = value; break;
	case AUDIT_STATUS_ENABLED: st.enabled = value; break;
	case AUDIT_STATUS_FAILURE: st.failure = value; break;
	case AUDIT_STATUS_RATE_LIMIT: st.rate_limit = value; break;
	case AUDIT_STATUS_BACKLOG_LIMIT: st.backlog_limit = value; break;
	case AUDIT_STATUS_BACKLOG_WAIT_TIME: st.backlog_wait_time = value; break;
	default: return -EINVAL;
	}
	return nl_request(n, AUDIT_SET, &st, sizeof(st), 1, fn, arg);
}

int nl_dump(struct nl *n, int type, nl_msg_fn item, void *item_arg, nl_msg_fn fn, void *arg)
{
	uint32_t seq;
	int rc = send_msg(n, type, NULL, 0, 0, &seq);

	int waited = 0;

	while (rc == 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)n->buf;
		const char *payload;
		int t;
		long len = recv_answer(n, &t, &payload, &waited);

		if (len < 0)
			return (int)len;
		if (h->nlmsg_seq == seq && t == NLMSG_DONE)
			return 0;
		if (h->nlmsg_seq == seq && t == NLMSG_ERROR && (size_t)len >= sizeof(struct nlmsgerr)) {
			const struct nlmsgerr *e = (const void *)payload;
			if (e->error)
				return e->error;
		} else if (h->nlmsg_seq == seq && t == type) {
			item(item_arg, t, payload, (size_t)len);
		} else if (fn && t != NLMSG_ERROR && t != NLMSG_DONE) {
			fn(arg, t, payload, (size_t)len);
		}
	}
	return rc;
}
