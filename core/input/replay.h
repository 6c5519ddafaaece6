/* core/input/replay.h -- read auditd-format text (audit.log) instead of netlink. */
#ifndef AS_INPUT_REPLAY_H
#define AS_INPUT_REPLAY_H

#include "pipeline/pipeline.h"

/* Reads path ("-": stdin) to its end, or until a stop signal.  Returns 0,
 * 1 if stopped by a signal, or -errno. */
int input_replay_run(struct pipeline *p, const char *path, int sigfd);

#endif
