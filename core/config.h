/* core/config.h -- the daemon's configuration (libconfig), checked strictly:
 * every error names file, line and key, and unknown keys are errors. */
#ifndef AS_CONFIG_H
#define AS_CONFIG_H

#include <libconfig.h>
#include <stddef.h>

#include "queue.h"

enum format { FORMAT_GOAUDIT };
enum input_mode { INPUT_UNICAST };

struct output_config {
	const char *name;
	const char *plugin;
	enum format format;
	size_t queue_size;
	enum overflow overflow;
	unsigned batch_max;
	unsigned retry_base_ms, retry_max_ms;
	config_setting_t *group;	/* the whole group; plugin keys are checked by the loader */
};

struct config {
	config_t lc;
	const char *path;
	const char *plugin_dir;
	const char *state_dir;
	const char *node;		/* NULL: the hostname */
	int log_level;

	enum input_mode input_mode;
	int enable_audit;		/* set AUDIT_STATUS_ENABLED=1 at start */
	unsigned event_timeout_ms;
	unsigned status_interval_ms;	/* AUDIT_GET poll */
	int socket_rcvbuf;		/* socket_buffer.receive; 0: kernel default */

	int tracking_enabled;
	int log_out_of_order;
	unsigned max_out_of_order;	/* serial window */
	unsigned missed_after_ms;

	unsigned drain_time_ms;
	unsigned stats_interval_s;	/* 0: only at exit */

	struct output_config *outputs;
	size_t noutputs;
};

/* Loads and checks path.  On error logs "FILE:LINE: KEY: reason" and returns
 * -EINVAL (or -errno when the file cannot be read). */
int config_load(struct config *c, const char *path);
void config_free(struct config *c);

/* For the loader: where a setting was written, for error messages. */
const char *config_where(const config_setting_t *s, char *buf, size_t len);

/* The keys of an output group that belong to the core, not the plugin. */
int config_is_core_output_key(const char *name);

#endif
