/* core/input/netlink/reader.h -- read the kernel's records as the audit daemon. */
#ifndef AS_INPUT_NETLINK_H
#define AS_INPUT_NETLINK_H

#include "pipeline/pipeline.h"

/* Registers, reads until a stop signal arrives on sigfd, deregisters.
 * SIGHUP reopens outputs on the way.  Returns 0 or -errno. */
int input_netlink_run(struct pipeline *p, int sigfd);

#endif
