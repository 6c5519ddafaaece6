/* core/daemon/privilege.h -- the daemon gives up what it does not need. */
#ifndef AS_PRIVILEGE_H
#define AS_PRIVILEGE_H

#include "config/config.h"

/*
 * Keeps only CAP_AUDIT_CONTROL and CAP_AUDIT_READ (and CAP_NET_ADMIN when
 * socket_buffer.receive is set: SO_RCVBUFFORCE), in the effective, permitted
 * and bounding sets, sets no_new_privs, and with user = "..." switches to
 * that user and group (supplementary groups dropped) keeping those
 * capabilities (libcap-ng's capng_change_id): the daemon then no longer owns
 * every root-owned file.  Called before the first thread starts, because
 * capabilities are per thread and only threads created afterwards inherit
 * the reduced set.  Without capabilities to drop (not root) only
 * no_new_privs is set, and a user switch is refused.  Built without
 * libcap-ng it only sets no_new_privs, says so, and refuses a user switch.
 * In follow mode the one capability kept is CAP_DAC_READ_SEARCH, to read
 * auditd's root-only log and its rotations as that user.
 * Returns 0 or -errno (logged).
 */
int privilege_drop(const struct config *cfg);

#endif
