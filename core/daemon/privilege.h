/* core/daemon/privilege.h -- the daemon gives up what it does not need. */
#ifndef AS_PRIVILEGE_H
#define AS_PRIVILEGE_H

/*
 * Keeps only CAP_AUDIT_CONTROL and CAP_AUDIT_READ (and CAP_NET_ADMIN when
 * keep_net_admin: SO_RCVBUFFORCE for socket_buffer.receive), in the
 * effective, permitted and bounding sets, and sets no_new_privs.  Called
 * before the first thread starts, because capabilities are per thread and
 * only threads created afterwards inherit the reduced set.  Without
 * capabilities to drop (not root) only no_new_privs is set.  Built without
 * libcap-ng it only sets no_new_privs and says so.  Returns 0 or -errno.
 */
int privilege_drop(int keep_net_admin);

#endif
