/* core/input/netlink/msg.c -- see nl_msg.h. */
#include "input/netlink/msg.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>

long nl_msg_parse(const char *buf, size_t got, int *type, const char **payload)
{
	struct nlmsghdr h;

	if (got < NLMSG_HDRLEN)
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));	/* buf need not be aligned */
	*type = h.nlmsg_type;
	*payload = buf + NLMSG_HDRLEN;
	return (long)(got - NLMSG_HDRLEN);
}
