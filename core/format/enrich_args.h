/* core/format/enrich_args.h -- what a SYSCALL record's a0..a3 mean, by syscall
 * name, exactly where libauparse interprets them (auparse/interpret.c's
 * print_a0..print_a3): open's a1 is open flags, kill's a1 a signal, ... */
#ifndef AS_ENRICH_ARGS_H
#define AS_ENRICH_ARGS_H

enum sys_arg_kind {
	AK_NONE, AK_SIGNAL, AK_DIRFD, AK_CLOCK, AK_PERSON, AK_PTRACE, AK_PRCTL, AK_CLONE,
	AK_RLIMIT, AK_UID, AK_GID, AK_FAM, AK_SOCKETCALL, AK_EXIT, AK_BPF, AK_MODE_SHORT,
	AK_MODE, AK_FCNTL, AK_SOCKLEVEL, AK_SOCKTYPE, AK_SCHED, AK_OFLAGS, AK_ACCESS, AK_EPOLL,
	AK_PRCTL_A1, AK_UMOUNT, AK_IOCTL, AK_FCNTL_A2, AK_SOCKOPT, AK_OPEN_MODE, AK_MQ_MODE,
	AK_PROTO, AK_RECV, AK_SHM, AK_PROT_MMAP, AK_PROT, AK_SEEK, AK_MMAP, AK_MOUNT,
};

struct sys_args {
	const char *name;
	unsigned char a[4];	/* enum sys_arg_kind of a0..a3 */
};

/* The entry for a syscall name (libaudit's), or NULL: no argument is
 * interpreted. */
const struct sys_args *sys_args_find(const char *name);

#endif
