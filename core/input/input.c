/* core/input/input.c -- the table of inputs: which ops serve which mode. */
#include "input/input.h"

#include <errno.h>
#include <string.h>

static const struct {
	enum input_mode mode;
	const struct input_ops *ops;
} by_mode[] = {
	{ INPUT_UNICAST, &input_netlink_unicast },
	{ INPUT_MULTICAST, &input_netlink_multicast },
	{ INPUT_FOLLOW, &input_follow_ops },
};

int input_select(struct input *in, const struct config *cfg, const char *replay_path)
{
	memset(in, 0, sizeof(*in));
	in->cfg = cfg;
	if (replay_path) {
		in->ops = &input_replay_ops;
		in->path = replay_path;
		return 0;
	}
	for (size_t i = 0; i < sizeof(by_mode) / sizeof(by_mode[0]); i++)
		if (by_mode[i].mode == cfg->input_mode) {
			in->ops = by_mode[i].ops;
			return 0;
		}
	return -EINVAL;	/* config.c accepts only the modes above */
}
