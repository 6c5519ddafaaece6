/* core/daemon/privilege.c -- see privilege.h. */
#include "daemon/privilege.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>

#ifdef HAVE_LIBCAP_NG
#include <cap-ng.h>
#endif

#include "util/log.h"

#ifdef HAVE_LIBCAP_NG
/* The bounding set first, while CAP_SETPCAP is still held; then the user
 * switch, which keeps the capabilities chosen (PR_SET_KEEPCAPS inside). */
static int apply(const struct config *cfg, int select)
{
	int rc;

	if (!cfg->switch_user)
		return capng_apply(select);
	if (select == CAPNG_SELECT_BOTH && capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return -1;
	if ((rc = capng_change_id((int)cfg->run_uid, (int)cfg->run_gid, CAPNG_DROP_SUPP_GRP)) < 0) {
		log_err("cannot switch to user %s (uid %u, gid %u): capng_change_id step %d: %s",
			cfg->user, (unsigned)cfg->run_uid, (unsigned)cfg->run_gid, -rc, strerror(errno));
		return -1;
	}
	return 0;
}
#endif

int privilege_drop(const struct config *cfg)
{
	/* follow touches no kernel audit state; it only reads auditd's log
	 * (mode 0600 in a 0700 directory, root's) after the user switch. */
	int follow = cfg->input_mode == INPUT_FOLLOW;
	int keep_net_admin = !follow && cfg->socket_rcvbuf > 0;
	const char *kept = follow ? "CAP_DAC_READ_SEARCH" : "CAP_AUDIT_CONTROL, CAP_AUDIT_READ";

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		int e = errno;
		log_err("cannot set no_new_privs: %s", strerror(e));
		return -e;
	}
#ifdef HAVE_LIBCAP_NG
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE) {
		if (!cfg->switch_user)
			return 0;	/* nothing to give up */
		log_err("%s: user = \"%s\": only a daemon started as root can switch user", cfg->path,
			cfg->user);
		return -EPERM;
	}
	/* The bounding set can only shrink with CAP_SETPCAP, held until now. */
	int select = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP) ?
		CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS;
	capng_clear(select);
	if ((follow ? capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
				   CAP_DAC_READ_SEARCH) :
		      capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
				    CAP_AUDIT_CONTROL, CAP_AUDIT_READ, -1)) < 0 ||
	    (keep_net_admin &&
	     capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			  CAP_NET_ADMIN) < 0) ||
	    apply(cfg, select) < 0) {
		log_err("cannot drop capabilities to %s%s", kept, keep_net_admin ? ", CAP_NET_ADMIN" : "");
		return -EPERM;
	}
	if (cfg->switch_user)
		log_info("running as user %s (uid %u, gid %u), keeping %s%s; no_new_privs set",
			 cfg->user, (unsigned)cfg->run_uid, (unsigned)cfg->run_gid, kept,
			 keep_net_admin ? ", CAP_NET_ADMIN" : "");
	else
		log_info("capabilities dropped: keeping %s%s; no_new_privs set", kept,
			 keep_net_admin ? ", CAP_NET_ADMIN" : "");
#else
	if (cfg->switch_user) {
		log_err("%s: user = \"%s\": this build has no libcap-ng (configured --without-capng), "
			"so it cannot switch user and keep CAP_AUDIT_CONTROL", cfg->path, cfg->user);
		return -ENOTSUP;
	}
	log_notice("built without libcap-ng: capabilities kept; no_new_privs set");
#endif
	return 0;
}
