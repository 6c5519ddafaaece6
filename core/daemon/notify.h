/* core/daemon/notify.h -- systemd's readiness protocol (sd_notify), without libsystemd. */
#ifndef AS_NOTIFY_H
#define AS_NOTIFY_H

/* Sends state ("READY=1", "STOPPING=1", ...) as one datagram to
 * $NOTIFY_SOCKET.  Returns 0 when sent or when NOTIFY_SOCKET is unset
 * (not started by systemd), -errno otherwise (logged once here). */
int notify_send(const char *state);

#endif
