/* core/main.c -- command line, start-up order, shutdown order.  The only
 * place that decides the exit status. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "input_netlink.h"
#include "input_replay.h"
#include "log.h"
#include "output.h"
#include "pipeline.h"
#include "signals.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SYSCONFDIR "/auditstream/auditstream.conf"

struct args {
	const char *config;
	const char *replay;
	int check_only;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: auditstream [-c FILE] [--check-config] [--replay FILE|-]\n"
		"Reads Linux audit events and sends them as JSON to the configured outputs.\n\n"
		"  -c, --config FILE   configuration (default %s)\n"
		"      --check-config  check the configuration and plugins, then exit;\n"
		"                      touches neither the kernel nor any output\n"
		"      --replay FILE   read auditd-format text (audit.log, '-' for stdin)\n"
		"                      instead of the kernel; exit when it ends and the\n"
		"                      outputs have drained\n"
		"  -V, --version       print the version\n"
		"  -h, --help          this help\n", DEFAULT_CONFIG);
}

/* Returns 0 to run, 1 to exit successfully, -1 on a usage error. */
static int parse_args(int argc, char **argv, struct args *a)
{
	enum { OPT_CHECK = 256, OPT_REPLAY };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "replay", required_argument, NULL, OPT_REPLAY },
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

	for (size_t i = 0; i < cfg->noutputs; i++)
		if (output_prepare(&outs[i], &cfg->outputs[i], cfg->plugin_dir, node) < 0)
			rc = -EINVAL;
	return rc;
}

static int start_outputs(struct output *outs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (output_start(&outs[i]) < 0)
			return -1;
	return 0;
}

/* Lets the workers drain: until deadline, or with none (replay) until a
 * signal asks to stop, then for drain_time more. */
static void drain_outputs(struct output *outs, unsigned n, uint64_t deadline, unsigned drain_ms,
			  int sigfd, const struct stats *st)
{
	unsigned left = n;

	for (unsigned i = 0; i < n; i++)
		output_begin_stop(&outs[i], deadline);
	while (left) {
		struct pollfd p = { .fd = sigfd, .events = POLLIN };

		left = 0;
		for (unsigned i = 0; i < n; i++)
			left += !output_try_join(&outs[i]);
		if (left && poll(&p, 1, 20) > 0 &&
		    signals_handle(sigfd, outs, n, st) == SIGNALS_STOP)
			for (unsigned i = 0; i < n; i++)
				output_set_deadline(&outs[i], now_monotonic_ms() + drain_ms);
	}
}

static int run(const struct args *a, struct config *cfg)
{
	char host[HOST_NAME_MAX + 1] = "localhost";
	struct output *outs;
	struct pipeline p;
	unsigned n = (unsigned)cfg->noutputs;
	int sigfd = -1, rc;

	gethostname(host, sizeof(host) - 1);
	const char *node = cfg->node ? cfg->node : host;
	if (!(outs = calloc(n, sizeof(*outs))))
		return -ENOMEM;
	rc = prepare_outputs(cfg, node, outs);
	if (rc == 0 && a->check_only) {
		printf("%s: configuration OK (%u output%s)\n", cfg->path, n, n == 1 ? "" : "s");
		goto out;
	}
	if (rc < 0 || (rc = sigfd = signals_setup()) < 0 || (rc = start_outputs(outs, n)) < 0)
		goto out;
	if ((rc = pipeline_init(&p, cfg, node, outs, n, a->replay != NULL)) < 0)
		goto out;
	if (a->replay) {
		rc = input_replay_run(&p, a->replay, sigfd);
		drain_outputs(outs, n, rc == 1 ? now_monotonic_ms() + cfg->drain_time_ms : UINT64_MAX,
			      cfg->drain_time_ms, sigfd, &p.stats);
		if (rc == 1)
			rc = 0;
	} else {
		rc = input_netlink_run(&p, sigfd);
		drain_outputs(outs, n, now_monotonic_ms() + cfg->drain_time_ms, cfg->drain_time_ms,
			      sigfd, &p.stats);
	}
	stats_log(&p.stats, outs, n);
	pipeline_free(&p);
out:
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
	if (config_load(&cfg, a.config) < 0) {
		config_free(&cfg);
		return EXIT_FAILURE;
	}
	log_set_level(cfg.log_level);
	rc = run(&a, &cfg);
	config_free(&cfg);
	return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
