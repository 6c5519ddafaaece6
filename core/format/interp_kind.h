/* core/format/interp_kind.h -- the kinds of interpretation a field can
 * have: shared by the field table (enrich_fields.c), which knows each
 * field's kind by name, and the interpreters (enrich_interp.c). */
#ifndef AS_INTERP_KIND_H
#define AS_INTERP_KIND_H

/* How a field is interpreted, by name (libauparse's typetab.h); kept in
 * field_kind()'s bits FK_IK_SHIFT and up. */
enum interp_kind {
	IK_NONE, IK_PERM, IK_MODE, IK_FLAGS, IK_PROMISC, IK_CAPABILITY, IK_SUCCESS, IK_ARG,
	IK_SIGNAL, IK_LIST, IK_CAP_BITMAP, IK_NFPROTO, IK_ICMPTYPE, IK_PROTOCOL,
	IK_PERSONALITY, IK_SECCOMP, IK_OFLAG, IK_HOOK, IK_NETACTION, IK_MACPROTO, IK_IOCTL,
	IK_FANOTIFY, IK_NLMCGRP, IK_RESOLVE, IK_KEY,
};

#endif
