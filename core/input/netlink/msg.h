/* core/input/netlink/msg.h -- one datagram from the audit netlink socket, checked
 * without a socket, so the fuzzer can feed it any bytes. */
#ifndef AS_NL_MSG_H
#define AS_NL_MSG_H

#include <stddef.h>

/*
 * Finds the message in buf[0..got).  The kernel's audit records set
 * nlmsg_len to the payload length (a long-standing audit quirk, see
 * kauditd_send_multicast_skb), other replies to the full length; neither is
 * trusted: the payload is what arrived after the header.  Audit sends one
 * message per datagram (also each part of a rule dump, ended by NLMSG_DONE).
 * Returns the payload length and sets *type, *payload; -EBADMSG when the
 * datagram is shorter than a header.
 */
long nl_msg_parse(const char *buf, size_t got, int *type, const char **payload);

#endif
