/* core/daemon/privilege.c -- see privilege.h. */
#include "daemon/privilege.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>

#ifdef HAVE_LIBCAP_NG
#include <cap-ng.h>
#endif

#include "util/log.h"

int privilege_drop(int keep_net_admin)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		int e = errno;
		log_err("cannot set no_new_privs: %s", strerror(e));
		return -e;
	}
#ifdef HAVE_LIBCAP_NG
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return 0;	/* nothing to give up */
	/* The bounding set can only shrink with CAP_SETPCAP, held until now. */
	int select = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP) ?
		CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS;
	capng_clear(select);
	if (capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			  CAP_AUDIT_CONTROL, CAP_AUDIT_READ, -1) < 0 ||
	    (keep_net_admin &&
	     capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			  CAP_NET_ADMIN) < 0) ||
	    capng_apply(select) < 0) {
		log_err("cannot drop capabilities to CAP_AUDIT_CONTROL, CAP_AUDIT_READ%s",
			keep_net_admin ? ", CAP_NET_ADMIN" : "");
		return -EPERM;
	}
	log_info("capabilities dropped: keeping CAP_AUDIT_CONTROL, CAP_AUDIT_READ%s; no_new_privs set",
		 keep_net_admin ? ", CAP_NET_ADMIN" : "");
#else
	log_notice("built without libcap-ng: capabilities kept; no_new_privs set");
#endif
	return 0;
}
