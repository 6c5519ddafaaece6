/* core/input/follow_state.h -- where the follow input stands, kept in
 * state_dir/follow.state across restarts.
 *
 * `at` is where reading starts again: the start of the first record of the
 * oldest event not yet through the pipeline.  Events that completed while
 * it was pending have records after `at`: their serials are in `done`, and
 * records of those serials are skipped up to `end` (where reading was when
 * the position was taken), so a restart repeats nothing that the outputs
 * had taken.  Written atomically (temp file, rename); fsync'd now and then,
 * since a kill -9 keeps the page cache and only a crash of the host needs
 * the disk. */
#ifndef AS_INPUT_FOLLOW_STATE_H
#define AS_INPUT_FOLLOW_STATE_H

#include <stddef.h>
#include <stdint.h>

#define FOLLOW_MAX_DONE 128

struct follow_file {
	uint64_t dev, ino, off;
};

struct follow_pos {
	struct follow_file at, end;
	uint64_t serial;		/* the last serial read, for the log */
	unsigned ndone;
	uint64_t done[FOLLOW_MAX_DONE];
};

/* state_dir/follow.state into out (size len); -ENAMETOOLONG. */
int follow_state_path(char *out, size_t len, const char *state_dir);

/* Reads the position saved for log.  1: found, 0: none (no file, or one
 * for another log: logged), -errno / -EINVAL for a damaged file (logged). */
int follow_state_load(const char *state, const char *log, struct follow_pos *pos);

/* Saves it; fsync'd when sync is set.  0 or -errno (the caller logs:
 * it knows whether it said so already). */
int follow_state_save(const char *state, const char *log, const struct follow_pos *pos, int sync);

#endif
