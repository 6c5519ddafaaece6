/* core/config/config.h -- the daemon's configuration (libconfig), checked strictly:
 * every error names file, line and key, and unknown keys are errors. */
#ifndef AS_CONFIG_H
#define AS_CONFIG_H

#include <libconfig.h>
#include <stddef.h>
#include <sys/types.h>

#include "config/config_file.h"
#include "config/where.h"
#include "pipeline/filter.h"
#include "output/queue.h"
#include "output/spool.h"

enum input_mode { INPUT_UNICAST, INPUT_MULTICAST, INPUT_FOLLOW };
enum exit_rules { EXIT_RULES_CLEAR, EXIT_RULES_KEEP };
enum exit_enabled { EXIT_ENABLED_RESTORE, EXIT_ENABLED_KEEP, EXIT_ENABLED_DISABLE };

/* input.coalesce_ms unset: 5, or 0 when an output looks up the event's
 * process in /proc (main.c: coalesce_ms()). */
#define CONFIG_COALESCE_AUTO 0xffffffffu
/* The pipeline marks the outputs that keep an event in one 64-bit word. */
#define CONFIG_MAX_OUTPUTS 64

/* canary = { ... }: a watched file read periodically; its event must come
 * back through the pipeline within deadline_ms (core/input/netlink/canary.c). */
struct canary_config {
	int enabled;
	const char *path;
	unsigned interval_ms;
	unsigned deadline_ms;
};

struct output_config {
	const char *name;
	const char *plugin;
	unsigned format;		/* index in formats[] (core/format/format.h) */
	size_t queue_size;
	size_t queue_max_bytes;		/* queue.max_bytes: the output's memory bound */
	enum overflow overflow;
	unsigned batch_max;
	unsigned retry_base_ms, retry_max_ms;
	struct filter_set filters;	/* this output's; after the global ones */
	struct spool_config spool;	/* spool = { ... }; dir NULL: none */
	config_setting_t *group;	/* the whole group; plugin keys are checked by the loader */
	char path_name[72];		/* the default name of a plugin given by path: NAME of /.../NAME.so */
};

struct config {
	config_t lc;
	struct config_files files;	/* the files read, for messages */
	const char *path;
	const char *plugin_dir;
	const char *state_dir;
	/* user, group: who the daemon runs as after start-up (privilege.c);
	 * user "" (the default unless configured --with-user): stays root. */
	const char *user;
	const char *group;		/* NULL: the user's primary group */
	int switch_user;
	uid_t run_uid;
	gid_t run_gid;
	const char *node;		/* NULL: the hostname */
	int goaudit_container;		/* goaudit events get "container" (off: go-audit's shape) */
	int log_level;

	enum input_mode input_mode;
	const char *input_path;		/* input.path: follow's log */
	int enable_audit;		/* set AUDIT_STATUS_ENABLED=1 at start */
	unsigned event_timeout_ms;
	unsigned status_interval_ms;	/* AUDIT_GET poll */
	unsigned coalesce_ms;		/* wait before reading a drained input again */
	int socket_rcvbuf;		/* socket_buffer.receive; 0: kernel default */
	int load_rules;			/* input.load_rules: apply rules, rules_files */

	/* Rules and kernel control (core/rules*.c, core/input/netlink/canary.c). */
	config_setting_t *rules;	/* rules = ( "-a ...", ... ); NULL: none */
	config_setting_t *rules_files;	/* rules_files = ( "FILE or DIR", ... ) */
	enum exit_rules on_exit_rules;
	enum exit_enabled on_exit_enabled;
	struct canary_config canary;

	int tracking_enabled;
	int log_out_of_order;
	unsigned max_out_of_order;	/* serial window */
	unsigned missed_after_ms;

	unsigned drain_time_ms;
	unsigned stats_interval_s;	/* 0: only at exit */
	const char *metrics_path;	/* metrics.path: Prometheus text file; NULL: none */
	unsigned metrics_interval_s;	/* metrics.interval_s */
	/* control_socket: unix socket for --stats (core/daemon/control_socket.c); "": none;
	 * NULL: not set (the daemon uses CTL_SOCKET_DEFAULT, a replay none). */
	const char *control_socket;

	unsigned events_min, events_max;	/* events.min/max: record types kept */
	struct filter_set filters;	/* global filters = ( ... ) */

	struct output_config *outputs;
	size_t noutputs;
};

/* Loads and checks path.  On error logs "FILE:LINE: KEY: reason" and returns
 * -EINVAL (or -errno when the file cannot be read). */
int config_load(struct config *c, const char *path);
void config_free(struct config *c);

/* plugin_dir is a directory; if not, says so with its config line (once,
 * rather than "no such plugin" per output).  Returns 0 or -EINVAL. */
int config_check_plugin_dir(const struct config *c);

/* The keys of an output group that belong to the core, not the plugin. */
int config_is_core_output_key(const char *name);
/* Offers them to a "did you mean" (a plugin's unknown key may be a core
 * key mistyped), and lists them for messages. */
struct suggest;
void config_suggest_core_output_key(struct suggest *sg);
const char *config_core_output_keys(void);

#endif
