/* core/format/enrich_args.c -- which a0..a3 libauparse interprets, per syscall.
 *
 * Transcribed from the branches of libauparse 3.0.9's print_a0..print_a3,
 * with their prefix matches spelled out as the names libaudit has
 * (renameat*, faccessat*, openat*, exit*, fcntl*, *chown*).  Some are odd
 * on purpose, because libauparse is: chown's a2 and fchown's a1 are not
 * named, clone's flags are read from a2.  The oracle test checks every
 * entry against libauparse. */
#include "format/enrich_args.h"

#include <stdlib.h>
#include <string.h>

#define _ AK_NONE
static const struct sys_args table[] = {	/* sorted by name */
	{ "access", { _, AK_ACCESS, _, _ } },
	{ "bpf", { AK_BPF, _, _, _ } },
	{ "chmod", { _, AK_MODE_SHORT, _, _ } },
	{ "chown", { _, AK_UID, _, _ } },
	{ "chown32", { _, AK_UID, _, _ } },
	{ "clock_settime", { AK_CLOCK, _, _, _ } },
	{ "clone", { _, _, AK_CLONE, _ } },
	{ "clone2", { _, _, AK_CLONE, _ } },
	{ "creat", { _, AK_MODE_SHORT, _, _ } },
	{ "epoll_ctl", { _, AK_EPOLL, _, _ } },
	{ "exit", { AK_EXIT, _, _, _ } },
	{ "exit_group", { AK_EXIT, _, _, _ } },
	{ "faccessat", { AK_DIRFD, _, AK_ACCESS, _ } },
	{ "faccessat2", { AK_DIRFD, _, AK_ACCESS, _ } },
	{ "fchmod", { _, AK_MODE_SHORT, _, _ } },
	{ "fchmodat", { AK_DIRFD, _, AK_MODE_SHORT, _ } },
	{ "fchownat", { AK_DIRFD, _, _, _ } },
	{ "fcntl", { _, AK_FCNTL, AK_FCNTL_A2, _ } },
	{ "fcntl64", { _, AK_FCNTL, AK_FCNTL_A2, _ } },
	{ "futimensat", { AK_DIRFD, _, _, _ } },
	{ "futimesat", { AK_DIRFD, _, _, _ } },
	{ "getrlimit", { AK_RLIMIT, _, _, _ } },
	{ "getsockopt", { _, AK_SOCKLEVEL, AK_SOCKOPT, _ } },
	{ "ioctl", { _, AK_IOCTL, _, _ } },
	{ "kill", { _, AK_SIGNAL, _, _ } },
	{ "linkat", { AK_DIRFD, _, AK_DIRFD, _ } },
	{ "lseek", { _, _, AK_SEEK, _ } },
	{ "mkdir", { _, AK_MODE_SHORT, _, _ } },
	{ "mkdirat", { AK_DIRFD, _, AK_MODE_SHORT, _ } },
	{ "mknod", { _, AK_MODE, _, _ } },
	{ "mknodat", { AK_DIRFD, _, AK_MODE_SHORT, _ } },
	{ "mmap", { _, _, AK_PROT_MMAP, AK_MMAP } },
	{ "mount", { _, _, _, AK_MOUNT } },
	{ "mprotect", { _, _, AK_PROT, _ } },
	{ "mq_open", { _, AK_OFLAGS, AK_MQ_MODE, _ } },
	{ "name_to_handle_at", { AK_DIRFD, _, _, _ } },
	{ "newfstatat", { AK_DIRFD, _, _, _ } },
	{ "open", { _, AK_OFLAGS, AK_OPEN_MODE, _ } },
	{ "open_by_handle_at", { _, _, AK_OFLAGS, _ } },
	{ "openat", { AK_DIRFD, _, AK_OFLAGS, _ } },
	{ "openat2", { AK_DIRFD, _, _, _ } },
	{ "personality", { AK_PERSON, _, _, _ } },
	{ "prctl", { AK_PRCTL, AK_PRCTL_A1, _, _ } },
	{ "ptrace", { AK_PTRACE, _, _, _ } },
	{ "readlinkat", { AK_DIRFD, _, AK_DIRFD, _ } },
	{ "recv", { _, _, _, AK_RECV } },
	{ "recvfrom", { _, _, _, AK_RECV } },
	{ "recvmmsg", { _, _, _, AK_RECV } },
	{ "recvmsg", { _, _, AK_RECV, _ } },
	{ "renameat", { AK_DIRFD, _, AK_DIRFD, _ } },
	{ "renameat2", { AK_DIRFD, _, AK_DIRFD, _ } },
	{ "rt_sigaction", { AK_SIGNAL, _, _, _ } },
	{ "sched_setscheduler", { _, AK_SCHED, _, _ } },
	{ "send", { _, _, _, AK_RECV } },
	{ "sendmmsg", { _, _, _, AK_RECV } },
	{ "sendmsg", { _, _, AK_RECV, _ } },
	{ "sendto", { _, _, _, AK_RECV } },
	{ "setfsgid", { AK_GID, _, _, _ } },
	{ "setfsuid", { AK_UID, _, _, _ } },
	{ "setgid", { AK_GID, _, _, _ } },
	{ "setns", { _, AK_CLONE, _, _ } },
	{ "setregid", { AK_GID, AK_GID, _, _ } },
	{ "setresgid", { AK_GID, AK_GID, AK_GID, _ } },
	{ "setresuid", { AK_UID, AK_UID, AK_UID, _ } },
	{ "setreuid", { AK_UID, AK_UID, _, _ } },
	{ "setrlimit", { AK_RLIMIT, _, _, _ } },
	{ "setsockopt", { _, AK_SOCKLEVEL, AK_SOCKOPT, _ } },
	{ "setuid", { AK_UID, _, _, _ } },
	{ "shmget", { _, _, AK_SHM, _ } },
	{ "socket", { AK_FAM, AK_SOCKTYPE, AK_PROTO, _ } },
	{ "socketcall", { AK_SOCKETCALL, _, _, _ } },
	{ "tgkill", { _, _, AK_SIGNAL, _ } },
	{ "tkill", { _, AK_SIGNAL, _, _ } },
	{ "umount2", { _, AK_UMOUNT, _, _ } },
	{ "unlinkat", { AK_DIRFD, _, _, _ } },
	{ "unshare", { AK_CLONE, _, _, _ } },
	{ "utimensat", { AK_DIRFD, _, _, _ } },
};
#undef _

static int cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct sys_args *)e)->name);
}

const struct sys_args *sys_args_find(const char *name)
{
	if (!name)
		return NULL;
	return bsearch(name, table, sizeof(table) / sizeof(table[0]), sizeof(table[0]), cmp);
}
