/* core/input/netlink/socket.h -- the NETLINK_AUDIT socket: requests with checked ACKs,
 * status, and non-blocking receive. */
#ifndef AS_NETLINK_H
#define AS_NETLINK_H

#include <linux/audit.h>
#include <stddef.h>
#include <stdint.h>

/* Headroom over the kernel's largest record, so nothing is ever truncated. */
#define NL_BUF_SIZE (16 * 1024)

struct nl_rx;

struct nl {
	int fd;
	uint32_t seq;
	struct nl_rx *rx;	/* nl_recv_many()'s batch, made on first use */
	int connected;		/* to the kernel: no other unicast sender gets through */
	char buf[NL_BUF_SIZE] __attribute__((aligned(8)));
};

/* Called for every message that is not the answer being waited for. */
typedef void (*nl_msg_fn)(void *arg, int type, const char *payload, size_t len);

/* Opens the socket; rcvbuf > 0 sets SO_RCVBUFFORCE (or SO_RCVBUF if not
 * permitted).  groups: multicast groups to join as a bit mask (bit 0:
 * AUDIT_NLGRP_READLOG, needs CAP_AUDIT_READ), 0 for none.  Returns 0 or
 * -errno. */
int nl_open(struct nl *n, int rcvbuf, uint32_t groups);
void nl_close(struct nl *n);

/* Sends one request; with ack, waits for the kernel's answer (up to 2 s) and
 * returns its error (0 or -errno).  Other messages go to fn meanwhile. */
int nl_request(struct nl *n, int type, const void *data, size_t len, int ack,
	       nl_msg_fn fn, void *arg);

/* AUDIT_GET, waiting for the answer. */
int nl_get_status(struct nl *n, struct audit_status *st, nl_msg_fn fn, void *arg);

/* AUDIT_SET of one status field (mask AUDIT_STATUS_*), ACK checked. */
int nl_set_status(struct nl *n, uint32_t mask, uint32_t value, nl_msg_fn fn, void *arg);

/* A request answered by several messages of its own type and NLMSG_DONE
 * (AUDIT_LIST_RULES): each answer goes to item, other traffic to fn.
 * Returns 0 or -errno. */
int nl_dump(struct nl *n, int type, nl_msg_fn item, void *item_arg, nl_msg_fn fn, void *arg);

/* Receives one message without waiting: returns its payload length and sets
 * *type and *payload; -EAGAIN when there is none, -ENOBUFS after an overrun,
 * other -errno on failure. */
long nl_recv(struct nl *n, int *type, const char **payload);

/* Like nl_recv(), for the reader's drain: one recvmmsg() takes up to
 * NL_RX_BATCH messages and the next calls hand them out, so a busy socket
 * costs one system call per batch instead of one per record.  After a batch
 * shorter than NL_RX_BATCH (the socket was empty) it returns -EAGAIN once
 * without asking the socket again: poll() says when more came.  The payload
 * is valid until the next call.  nl_rx_pending() says whether messages of
 * the last batch are still to be handed out (drain them before using
 * nl_recv() or nl_request(), or records would be reordered). */
#define NL_RX_BATCH 64
long nl_recv_many(struct nl *n, int *type, const char **payload);
int nl_rx_pending(const struct nl *n);

#endif
