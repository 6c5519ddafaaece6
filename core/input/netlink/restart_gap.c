/* core/input/netlink/restart_gap.c -- see restart_gap.h. */
#include "input/netlink/restart_gap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

#define SAVE_PERIOD_MS 5000

static void read_boot_id(char *out, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	out[0] = '\0';
	if (f) {
		if (fgets(out, (int)len, f))
			out[strcspn(out, "\n")] = '\0';
		fclose(f);
	}
	if (!out[0])
		snprintf(out, len, "unknown");
}

void restart_gap_open(struct restart_gap *g, const char *state_dir)
{
	char boot[40], line[128];
	unsigned long long serial;
	FILE *f;

	memset(g, 0, sizeof(*g));
	read_boot_id(g->boot_id, sizeof(g->boot_id));
	if (!state_dir || !*state_dir ||
	    (size_t)snprintf(g->path, sizeof(g->path), "%s/last_serial", state_dir) >= sizeof(g->path)) {
		g->path[0] = '\0';
		return;
	}
	if (!(f = fopen(g->path, "r"))) {
		if (errno != ENOENT)
			log_warn("%s: cannot read the last serial: %s; no restart gap reported",
				 g->path, strerror(errno));
		return;
	}
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "%39s %llu", boot, &serial) != 2) {
		log_warn("%s: not \"BOOT_ID SERIAL\"; no restart gap reported", g->path);
	} else if (strcmp(boot, g->boot_id) != 0) {
		log_info("%s: written before the last boot; serials started again", g->path);
	} else {
		g->prev_last = serial;
		g->pending = 1;
	}
	fclose(f);
}

void restart_gap_first(struct restart_gap *g, struct pipeline *p, uint64_t serial)
{
	g->pending = 0;
	if (serial <= g->prev_last + 1) {
		if (serial <= g->prev_last)
			log_notice("first serial %" PRIu64 " is not after the previous run's last %" PRIu64
				   ": no restart gap to report", serial, g->prev_last);
		return;
	}
	struct loss l = { "restart_gap", serial - g->prev_last - 1, g->prev_last + 1, serial - 1, NULL };
	pipeline_loss(p, &l);
}

int restart_gap_save(struct restart_gap *g)
{
	char tmp[4096 + 8], text[96];
	int fd, n, rc = 0;

	if (!g->path[0] || g->last == 0 || g->last == g->saved)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", g->path);
	n = snprintf(text, sizeof(text), "%s %" PRIu64 "\n", g->boot_id, g->last);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	errno = 0;
	if (fd < 0 || write(fd, text, (size_t)n) != n || fsync(fd) < 0)
		rc = errno ? -errno : -EIO;
	if (fd >= 0 && close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, g->path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		log_warn("%s: cannot save the last serial: %s", g->path, strerror(-rc));
		g->path[0] = '\0';	/* said once; the run goes on without it */
		return rc;
	}
	g->saved = g->last;
	return 0;
}

void restart_gap_tick(struct restart_gap *g, uint64_t now_ms)
{
	if (now_ms < g->next_save_ms)
		return;
	g->next_save_ms = now_ms + SAVE_PERIOD_MS;
	restart_gap_save(g);
}
