/* core/config/config_file.h -- reading the files that decide what a root
 * daemon audits and loads, so that nobody else can have written them.
 *
 * Every file (the top one and each @include, at any depth) must be a regular
 * file, not a symbolic link, owned by root or by the daemon's effective uid,
 * and writable by no group or other.  Each is checked on its descriptor and
 * parsed from that same descriptor: libconfig 1.5 (Debian 12) has no include
 * hook and opens @include files by name, so each checked file's text is handed
 * to it as a memfd, its @include lines rewritten to name the memfd of the
 * already-checked included file ("/proc/self/fd/N").  Line numbers stay as
 * written; config_files_name() maps the memfd names back for messages. */
#ifndef AS_CONFIG_FILE_H
#define AS_CONFIG_FILE_H

#include <libconfig.h>
#include <stddef.h>

struct config_file_name {
	char *proc;	/* "/proc/self/fd/N", as libconfig knows the file */
	char *path;	/* as the operator wrote it */
};

struct config_files {
	struct config_file_name *v;
	size_t n;
};

/* Reads path (and its includes) into lc.  Relative @include paths are taken
 * from the top file's directory.  On error logs "FILE[:LINE]: reason" once and
 * returns -errno (-EPERM: refused as untrusted, -EINVAL: syntax). */
int config_files_read(config_t *lc, const char *path, struct config_files *files);

/* The operator's name for a file name libconfig reports; name itself when
 * it is not one of ours (or NULL). */
const char *config_files_name(const struct config_files *files, const char *name);

void config_files_free(struct config_files *files);

/* Opens path read-only without following a symbolic link and checks the
 * descriptor: a regular file owned by root or the euid, not group- or
 * other-writable.  Messages start with where (the path, or "FILE:LINE:
 * @include PATH").  Returns the descriptor or -errno, having logged why. */
int config_open_trusted(const char *path, const char *where);

#endif
