/* core/daemon/main.c -- command line, start-up order, shutdown order.  The only
 * place that decides the exit status. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/control_socket.h"
#include "daemon/loop.h"
#include "daemon/metrics.h"
#include "daemon/notify.h"
#include "daemon/privilege.h"
#include "daemon/signals.h"
#include "format/format.h"
#include "input/input.h"
#include "input/netlink/rules_apply.h"
#include "input/netlink/rules_load.h"
#include "output/output.h"
#include "pipeline/pipeline.h"
#include "util/log.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SYSCONFDIR "/auditstream/auditstream.conf"

struct args {
	const char *config;
	const char *replay;
	int check_only;
	int list_rules;
	int stats;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: auditstream [-c FILE] [--check-config] [--replay FILE|-] [--list-rules]\n"
		"       auditstream [-c FILE] --stats\n"
		"Reads Linux audit events and sends them as JSON to the configured outputs.\n\n"
		"  -c, --config FILE   configuration (default %s)\n"
		"      --check-config  check the configuration and plugins, then exit;\n"
		"                      touches neither the kernel nor any output\n"
		"      --replay FILE   read auditd-format text (audit.log, '-' for stdin)\n"
		"                      instead of the kernel; exit when it ends and the\n"
		"                      outputs have drained\n"
		"      --list-rules    print the kernel's audit rules in auditctl syntax\n"
		"                      (as `auditctl -l` does), then exit\n"
		"      --stats         print the running daemon's metrics (Prometheus text),\n"
		"                      read from its control_socket (default %s)\n"
		"  -V, --version       print the version\n"
		"  -h, --help          this help\n", DEFAULT_CONFIG, CTL_SOCKET_DEFAULT);
}

/* Returns 0 to run, 1 to exit successfully, -1 on a usage error. */
static int parse_args(int argc, char **argv, struct args *a)
{
	enum { OPT_CHECK = 256, OPT_REPLAY, OPT_LIST_RULES, OPT_STATS };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "list-rules", no_argument, NULL, OPT_LIST_RULES },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	a->config = DEFAULT_CONFIG;
	while ((c = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case OPT_CHECK: a->check_only = 1; break;
		case OPT_REPLAY: a->replay = optarg; break;
		case OPT_LIST_RULES: a->list_rules = 1; break;
		case OPT_STATS: a->stats = 1; break;
		case 'V':
			printf("auditstream %s (plugin ABI %d.%d)\n", PACKAGE_VERSION,
			       AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
			return 1;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "auditstream: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	return 0;
}

static int prepare_outputs(const struct config *cfg, const char *node, struct output *outs)
{
	int rc = 0;

	if (config_check_plugin_dir(cfg) < 0)
		return -ENOENT;
	for (size_t i = 0; i < cfg->noutputs; i++) {
		if (output_prepare(&outs[i], &cfg->outputs[i], cfg->plugin_dir, node) < 0)
			rc = -EINVAL;
		/* A reader waiting on a full `block` queue gives up on SIGTERM. */
		outs[i].q.give_up = signals_stop_pending;
	}
	return rc;
}

static int start_outputs(struct output *outs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (output_start(&outs[i]) < 0)
			return -1;
	return 0;
}

/* --check-config: the rules are parsed and checked, never sent. */
static int check_rules(const struct config *cfg)
{
	struct ruleset rs;
	int rc;

	ruleset_init(&rs);
	if ((rc = rules_load_config(&rs, cfg)) == 0 && (rs.n || rs.immutable))
		printf("%s: rules OK (%zu command%s%s)\n", cfg->path, rs.n, rs.n == 1 ? "" : "s",
		       rs.immutable ? ", then -e 2: immutable until reboot" : "");
	else if (rc < 0)
		log_err("%s: rules refused: nothing would be applied", cfg->path);
	ruleset_free(&rs);
	return rc;
}

static void print_rule(void *arg, const struct audit_rule_data *r, size_t len)
{
	char *text;

	if (*(int *)arg < 0)
		return;
	if (rules_format(r, len, &text) < 0) {
		*(int *)arg = -ENOMEM;
		return;
	}
	printf("%s\n", text);
	(*(int *)arg)++;
	free(text);
}

/* --list-rules: what the kernel holds, as `auditctl -l` prints it. */
static int list_rules(void)
{
	struct nl *n = malloc(sizeof(*n));
	int rc, count = 0;

	if (!n)
		return -ENOMEM;
	if ((rc = nl_open(n, 0, 0)) < 0)
		log_err("cannot open the audit netlink socket: %s", strerror(-rc));
	else if ((rc = rules_kernel_list(n, print_rule, &count, NULL, NULL)) < 0)
		log_err("cannot list the kernel's audit rules: %s%s", strerror(-rc),
			rc == -EPERM ? " (needs CAP_AUDIT_CONTROL)" : "");
	else if (count == 0)
		printf("No rules\n");
	nl_close(n);
	free(n);
	return rc < 0 ? rc : count < 0 ? count : 0;
}

/* The control socket's path, NULL for none.  A replay gets one only when
 * the config names it: it must not take the running daemon's. */
static const char *ctl_path(const struct config *cfg, int replay)
{
	if (cfg->control_socket)
		return cfg->control_socket[0] ? cfg->control_socket : NULL;
	return replay ? NULL : CTL_SOCKET_DEFAULT;
}

/* --stats: the running daemon's metrics, from its control socket. */
static int query_stats(const struct config *cfg)
{
	const char *path = ctl_path(cfg, 0);
	int rc;

	if (!path) {
		log_err("%s: control_socket is \"\": the daemon has no socket to ask", cfg->path);
		return -EINVAL;
	}
	rc = ctl_socket_query(path, stdout);
	if (rc == -ENOENT || rc == -ECONNREFUSED)
		log_err("no auditstream daemon is listening on %s: %s", path, strerror(-rc));
	else if (rc == -EACCES)
		log_err("cannot connect to %s: %s (only its owner, usually root, may connect)", path,
			strerror(-rc));
	else if (rc < 0)
		log_err("cannot read the stats from %s: %s", path, strerror(-rc));
	return rc;
}

/* Resolves input.coalesce_ms (kernel inputs only: the others never wait)
 * and says what was chosen.  Its default is 5 ms, but 0 when an output
 * reads the process of each event from /proc (enriched, goaudit_container):
 * waiting 5 ms, an exec'd /bin/true was still there for 9 % of the events,
 * against 95 % without (bench/RESULTS.md, issue 18). */
static void resolve_coalesce(struct config *cfg, int kernel)
{
	int is_auto = cfg->coalesce_ms == CONFIG_COALESCE_AUTO, reads_proc = cfg->goaudit_container;

	for (size_t i = 0; i < cfg->noutputs; i++)
		reads_proc |= formats[cfg->outputs[i].format]->reads_processes;
	if (is_auto)
		cfg->coalesce_ms = reads_proc ? 0 : 5;
	if (!kernel)
		return;
	log_info("input: a sparse read is followed by a wait of %u ms (input.coalesce_ms%s)",
		 cfg->coalesce_ms, !is_auto ? "" : reads_proc ?
		 ", default: 0 as an output reads processes from /proc" : ", default");
}

static int render_metrics(void *view, FILE *f)
{
	return metrics_render(f, view);
}

static int run(const struct args *a, struct config *cfg)
{
	char host[HOST_NAME_MAX + 1] = "localhost";
	struct output *outs;
	struct pipeline p;
	struct input in;
	struct loop loop = { .in = &in, .p = &p };
	struct ctl_socket ctl;
	const char *ctl_sock = ctl_path(cfg, a->replay != NULL);
	unsigned n = (unsigned)cfg->noutputs;
	int sigfd = -1, rc;

	gethostname(host, sizeof(host) - 1);
	const char *node = cfg->node ? cfg->node : host;
	ctl_socket_init(&ctl);
	if (!(outs = calloc(n, sizeof(*outs))))
		return -ENOMEM;
	rc = prepare_outputs(cfg, node, outs);
	if (rc == 0)
		rc = input_select(&in, cfg, a->replay);
	if (rc == 0 && !a->check_only)
		resolve_coalesce(cfg, !a->replay && cfg->input_mode != INPUT_FOLLOW);
	loop.coalesce_ms = cfg->coalesce_ms;
	/* Said before start_outputs() creates any output file. */
	if (rc == 0 && a->replay && !a->check_only && strcmp(a->replay, "-") != 0 &&
	    access(a->replay, R_OK) < 0) {
		rc = -errno;
		log_err("%s: cannot open for replay: %s", a->replay, strerror(-rc));
	}
	if (a->check_only) {
		for (unsigned i = 0; i < n; i++)	/* which code would run */
			if (outs[i].plugin.dl)
				printf("output %s: plugin %s %s (%s)\n", outs[i].cfg->name,
				       outs[i].plugin.desc.name, outs[i].plugin.desc.version ?
				       outs[i].plugin.desc.version : "(no version)", outs[i].plugin.path);
		if (check_rules(cfg) < 0)
			rc = -EINVAL;
		if (rc == 0)
			printf("%s: configuration OK (%u output%s)\n", cfg->path, n, n == 1 ? "" : "s");
		goto out;
	}
	/* While root may still write the socket's directory.  A daemon
	 * without it still audits: the socket only serves --stats (and a
	 * second daemon then fails on the audit pid, which says more). */
	if (rc == 0 && ctl_sock)
		ctl_socket_open(&ctl, ctl_sock);
	if (rc == 0 && !a->replay && cfg->switch_user)
		ctl_socket_set_owner(&ctl, cfg->run_uid, cfg->run_gid);
	/* The daemon, before its first thread: every thread inherits the
	 * reduced set.  A replay runs as whoever started it. */
	if (rc == 0 && !a->replay && (rc = privilege_drop(cfg)) < 0)
		goto out;
	if (rc < 0 || (rc = sigfd = signals_setup()) < 0 || (rc = start_outputs(outs, n)) < 0)
		goto out;
	if ((rc = pipeline_init(&p, cfg, node, outs, n, in.ops->file_backed)) < 0)
		goto out;
	loop.sigfd = sigfd;
	loop.mv = (struct metrics_view){ .cfg = cfg, .stats = &p.stats, .outs = outs, .nouts = n };
	if (ctl_socket_start(&ctl, render_metrics, &loop.mv) < 0)
		ctl_socket_close(&ctl);	/* refused, not left unanswered */
	rc = loop_run(&loop);
	stats_log(&p.stats, outs, n);
	metrics_write(&loop.mv, &loop.ms);	/* the final values, for whoever reads the file next */
	ctl_socket_close(&ctl);	/* its thread reads p */
	pipeline_free(&p);
out:
	ctl_socket_close(&ctl);
	for (unsigned i = 0; i < n; i++) {
		output_begin_stop(&outs[i], 0);
		while (!output_try_join(&outs[i]))
			usleep(1000);
		output_release(&outs[i]);
	}
	free(outs);
	if (sigfd >= 0)
		close(sigfd);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	struct config cfg;
	int rc = parse_args(argc, argv, &a);

	if (rc != 0)
		return rc > 0 ? EXIT_SUCCESS : 2;
	if (a.list_rules)
		return list_rules() < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	if (config_load(&cfg, a.config) < 0) {
		config_free(&cfg);
		return EXIT_FAILURE;
	}
	log_set_level(cfg.log_level);
	rc = a.stats ? query_stats(&cfg) : run(&a, &cfg);
	config_free(&cfg);
	return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
