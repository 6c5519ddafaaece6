/* core/input/follow_files.h -- a log and its rotated copies, as auditd names
 * them: LOG.N (oldest) ... LOG.2, LOG.1, LOG (the one being written).  The
 * follow input asks which file comes after the one it has read to its end,
 * and where a saved position's file is now. */
#ifndef AS_INPUT_FOLLOW_FILES_H
#define AS_INPUT_FOLLOW_FILES_H

#include <stdint.h>
#include <sys/stat.h>

/* Opens the file that follows (dev, ino) in log's rotation: the next newer
 * name, or, when that file is gone from the set (deleted), the oldest one
 * written since mtime.  Returns the fd (and its stat), -ENOENT when no
 * newer file is there yet, or -errno of open (logged with the name). */
int follow_files_next(const char *log, uint64_t dev, uint64_t ino, const struct timespec *mtime,
		      struct stat *st);

/* Opens the file (dev, ino) wherever rotation moved it.  Returns the fd,
 * -ENOENT when it is not in the set, or -errno of open (logged). */
int follow_files_find(const char *log, uint64_t dev, uint64_t ino, struct stat *st);

/* Opens the oldest file of the set: -ENOENT when there is none. */
int follow_files_oldest(const char *log, struct stat *st);

#endif
