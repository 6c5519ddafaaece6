/* core/output/trust.h -- is a file safe to run as root?  Every directory from
 * "/" down to it, and the file itself, owned by root (or the daemon's euid)
 * and not writable by group or others; walked with O_NOFOLLOW from "/", so
 * what is checked is what is opened. */
#ifndef AS_TRUST_H
#define AS_TRUST_H

/* Checks the directory `path` and all above it.  `what` names it in the
 * refusal ("plugin_dir").  Returns 0, or -errno after logging one line. */
int trust_check_dir(const char *path, const char *what);

/* Opens the regular file `path` read-only (O_CLOEXEC) after checking it and
 * every directory above it; symlinks are resolved first and the result is
 * judged.  Returns the descriptor, or -errno after logging one line that
 * names `path` and `what` ("plugin"). */
int trust_open_file(const char *path, const char *what);

#endif
