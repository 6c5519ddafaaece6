/* tests/oracle/auparse_oracle.c -- libauparse, the library behind `ausearch -i`,
 * as the oracle for the enriched format.
 *
 * For every corpus file (the fixtures, among them the broad capture), the
 * test replays the file through auditstream with format = "enriched", then
 * walks the same file with libauparse and, for every field of every record,
 * compares auparse_interpret_field() (escape mode RAW: real bytes) with what
 * the enriched object shows for that field: its interpretation under the
 * upper-case name, else its own value.  It prints the agreement per field
 * kind (libauparse's AUPARSE_TYPE_*) and fails when a kind has more
 * disagreements than tests/oracle/allowed.txt allows (a ratchet: the file
 * only ever goes down; 0 everywhere is the goal).
 *
 * Deliberate differences, normalised here and listed in the README:
 *   - arrays instead of lists: ["chown","kill"] for "chown,kill", flag sets
 *     joined by '|', keys by libaudit's separator; [] for "none";
 *   - real bytes: invalid UTF-8 becomes U+FFFD (the JSON must be valid);
 *   - an abstract unix socket name is "@name" (libauparse drops the marker);
 *   - EXECVE's split pieces (a1[0], a1[1], ...) are joined in ARGV;
 *   - PROCTITLE is an ARGV array (libauparse joins it with spaces);
 *   - a capability set holding more than half of the known capabilities is
 *     "NAME_ALL_BUT":[those it lacks]: read here by its meaning, every
 *     capability libauparse names for a full set (ffffffffffffffff) but
 *     those listed, in libauparse's order;
 *   - bits above the last known capability are named "cap_N" (libauparse
 *     leaves them out): dropped here before comparing;
 *   - a quoted value with spaces inside msg='...' is whole (libauparse cuts
 *     it at the first space).
 *
 * Usage: auparse_oracle [-v] [LOG...]  (default: the corpus in $top_srcdir).
 * Needs $top_builddir/auditstream and its file plugin. */
#include <auditstream/util.h>
#include <auparse.h>
#include <libaudit.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NKINDS 64
#define MAX_EXAMPLES 6

static const char *kind_names[] = {
	"unclassified", "uid", "gid", "syscall", "arch", "exit", "escaped", "perm",
	"mode", "sockaddr", "flags", "promisc", "capability", "success", "a0", "a1",
	"a2", "a3", "signal", "list", "tty_data", "session", "cap_bitmap", "nfproto",
	"icmptype", "protocol", "addr", "personality", "seccomp", "oflag", "mmap",
	"mode_short", "mac_label", "proctitle", "hook", "netaction", "macproto",
	"ioctl_req", "escaped_key", "escaped_file", "fanotify", "nlmcgrp", "resolve",
};
#define KIND_TIME (NKINDS - 1)		/* the event's time, not a field */

struct tally {
	unsigned fields, changed, agree, agree_changed, examples;
};
static struct tally tally[NKINDS];
static int verbose;

static const char *kind_name(int k)
{
	if (k == KIND_TIME)
		return "event time";
	return k >= 0 && k < (int)(sizeof(kind_names) / sizeof(kind_names[0])) ? kind_names[k] : "?";
}

/* ------------------------------------------------------------ strings */

struct str {
	char *p;
	size_t len, cap;
};

static void s_add(struct str *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		if (!s->p)
			abort();
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void s_adds(struct str *s, const char *p)
{
	s_add(s, p, strlen(p));
}

static void s_clear(struct str *s)
{
	s->len = 0;
	s_add(s, "", 0);
}

/* Valid UTF-8 as the JSON writer makes it: each byte of an invalid sequence
 * becomes U+FFFD (core/format/json.c; the SDK's util.h has the same test). */
static void utf8_fix(struct str *out, const char *in)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t n = strlen(in);

	s_clear(out);
	for (size_t i = 0; i < n;) {
		size_t l = auditstream_utf8_len(u + i, n - i);
		if (l) {
			s_add(out, in + i, l);
			i += l;
		} else {
			s_adds(out, "\xef\xbf\xbd");
			i++;
		}
	}
}

/* ------------------------------------------------------- our rendering */

static void add_number(struct str *s, const cJSON *v)
{
	char t[64];

	snprintf(t, sizeof(t), "%.0f", v->valuedouble);
	s_adds(s, t);
}

/* A JSON value as the text an analyst reads beside libauparse's. */
static void render(struct str *s, const cJSON *v, const char *sep)
{
	if (cJSON_IsString(v)) {
		s_adds(s, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		add_number(s, v);
	} else if (cJSON_IsNull(v)) {
		s_adds(s, "(null)");
	} else if (cJSON_IsBool(v)) {
		s_adds(s, cJSON_IsTrue(v) ? "yes" : "no");
	} else if (cJSON_IsArray(v)) {
		int n = cJSON_GetArraySize(v);
		if (n == 0)
			s_adds(s, "none");
		for (int i = 0; i < n; i++) {
			if (i)
				s_adds(s, sep);
			render(s, cJSON_GetArrayItem(v, i), sep);
		}
	} else {
		char *t = cJSON_PrintUnformatted(v);
		s_adds(s, t ? t : "?");
		free(t);
	}
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* SADDR {"family":"inet","addr":..,"port":..} in ausearch's words. */
static void render_saddr(struct str *s, const cJSON *sa)
{
	const cJSON *fam = cJSON_GetObjectItemCaseSensitive(sa, "family");
	const cJSON *port = cJSON_GetObjectItemCaseSensitive(sa, "port");
	const cJSON *pid = cJSON_GetObjectItemCaseSensitive(sa, "pid");
	const char *addr = jstr(sa, "addr"), *path = jstr(sa, "path");
	const char *err = jstr(sa, "error");

	s_adds(s, "{ saddr_fam=");
	render(s, fam, ",");
	if (err) {
		s_adds(s, " ");
		s_adds(s, err);
	} else if (path) {
		s_adds(s, " path=");
		s_adds(s, path[0] == '@' ? path + 1 : path);	/* README: "@" kept */
	} else if (cJSON_IsString(fam) && strcmp(fam->valuestring, "local") == 0) {
		s_adds(s, " path=");
	} else if (addr && port) {
		s_adds(s, " laddr=");
		s_adds(s, addr);
		s_adds(s, " lport=");
		add_number(s, port);
	} else if (pid) {
		s_adds(s, " nlnk-fam=16 nlnk-pid=");
		add_number(s, pid);
	} else {
		s_adds(s, " (unsupported)");
	}
	s_adds(s, " }");
}

static void upper(char *d, const char *s, size_t cap)
{
	size_t i = 0;

	for (; s[i] && i + 1 < cap; i++)
		d[i] = (char)toupper((unsigned char)s[i]);
	d[i] = '\0';
}

/* The record object of type name, occurrence idx, in event ev. */
static const cJSON *record_of(const cJSON *ev, const char *type, int idx)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(ev, type);

	if (cJSON_IsArray(r))
		return cJSON_GetArrayItem(r, idx);
	return idx == 0 || strcmp(type, "EXECVE") == 0 ? r : NULL;
}

/* a7 -> 7; -1 if name is not an EXECVE argument a<N>. */
static long arg_index(const char *name)
{
	char *end;
	long v;

	if (name[0] != 'a' || !isdigit((unsigned char)name[1]))
		return -1;
	v = strtol(name + 1, &end, 10);
	return *end ? -1 : v;
}

/* The capabilities libauparse knows, in its order: what it prints for a
 * full set.  Asked of libauparse itself, so "_ALL_BUT" is read against the
 * oracle's list, not auditstream's table. */
static char *cap_all[64];
static int ncap_all;

static int load_cap_all(void)
{
	static const char rec[] =
		"type=CAPSET msg=audit(1700000000.000:1): pid=1 cap_pp=ffffffffffffffff\n";
	auparse_state_t *au = auparse_init(AUSOURCE_BUFFER, rec);
	const char *v;
	char *copy, *save = NULL;

	if (!au || auparse_next_event(au) <= 0 || !auparse_find_field(au, "cap_pp") ||
	    !(v = auparse_interpret_field(au)) || !(copy = strdup(v))) {
		if (au)
			auparse_destroy(au);
		return -1;
	}
	for (char *t = strtok_r(copy, ",", &save); t && ncap_all < 64; t = strtok_r(NULL, ",", &save))
		cap_all[ncap_all++] = strdup(t);
	free(copy);
	auparse_destroy(au);
	return ncap_all > 20 ? 0 : -1;	/* a list this short is not libauparse's */
}

/* "cap_41": a bit enriched has no name for (libauparse prints nothing). */
static int cap_unnamed(const char *s)
{
	if (strncmp(s, "cap_", 4) != 0 || !s[4])
		return 0;
	for (s += 4; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int in_array(const cJSON *a, const char *s)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, a)
		if (cJSON_IsString(v) && strcmp(v->valuestring, s) == 0)
			return 1;
	return 0;
}

/* A capability set as libauparse would print it: "PP":[names] without the
 * cap_N names, or "PP_ALL_BUT":[names] as every known name but those.
 * Returns 1, 0 if the record has neither key, -1 for a malformed one. */
static int ours_caps(struct str *s, const cJSON *rec, const char *up)
{
	char key[160];
	const cJSON *v, *msg;
	int n = 0;

	snprintf(key, sizeof(key), "%s_ALL_BUT", up);
	for (msg = rec; msg; msg = msg == rec ? cJSON_GetObjectItemCaseSensitive(rec, "MSG") : NULL) {
		if ((v = cJSON_GetObjectItemCaseSensitive(msg, up))) {
			const cJSON *e;
			if (!cJSON_IsArray(v))
				return -1;
			cJSON_ArrayForEach(e, v) {
				if (!cJSON_IsString(e))
					return -1;
				if (cap_unnamed(e->valuestring))
					continue;
				if (n++)
					s_adds(s, ",");
				s_adds(s, e->valuestring);
			}
		} else if ((v = cJSON_GetObjectItemCaseSensitive(msg, key))) {
			if (!cJSON_IsArray(v))
				return -1;
			for (int i = 0; i < ncap_all; i++) {
				if (in_array(v, cap_all[i]))
					continue;
				if (n++)
					s_adds(s, ",");
				s_adds(s, cap_all[i]);
			}
		} else {
			continue;
		}
		if (!n)
			s_adds(s, "none");
		return 1;
	}
	return 0;
}

/* What enriched shows for field name (its nth occurrence in the record),
 * into s.  Returns 1, 0 if it shows nothing, -1 to skip (by design). */
static int ours(struct str *s, const cJSON *rec, const char *type, const char *name, int nth,
		int kind)
{
	char up[128];
	const cJSON *v, *msg, *first = NULL;
	long ai;
	int r;

	s_clear(s);
	if (strcmp(type, "EXECVE") == 0 && (ai = arg_index(name)) >= 0) {
		v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rec, "ARGV"), (int)ai);
		if (!v)
			return 0;
		render(s, v, ",");
		return 1;
	}
	if (strcmp(type, "EXECVE") == 0 && name[0] == 'a' && strcmp(name, "argc"))
		return -1;	/* a1_len, a1[0]: joined into ARGV[1] */
	if (strcmp(type, "PROCTITLE") == 0 && strcmp(name, "proctitle") == 0) {
		render(s, cJSON_GetObjectItemCaseSensitive(rec, "ARGV"), " ");
		return 1;
	}
	upper(up, name, sizeof(up));
	if (strcmp(name, "saddr") == 0 && (v = cJSON_GetObjectItemCaseSensitive(rec, "SADDR"))) {
		render_saddr(s, v);
		return 1;
	}
	if (strcmp(name, "key") == 0 && cJSON_IsArray(v = cJSON_GetObjectItemCaseSensitive(rec, "KEY"))) {
		if (!(v = cJSON_GetArrayItem(v, nth)))
			return 0;
		render(s, v, ",");
		return 1;
	}
	if (kind == AUPARSE_TYPE_CAP_BITMAP && (r = ours_caps(s, rec, up)) != 0)
		return r > 0 ? 1 : 0;
	/* Where libauparse leaves a field as it is, enriched may still add an
	 * interpretation (README): the field's own value is compared. */
	if (kind == AUPARSE_TYPE_UNCLASSIFIED || kind == AUPARSE_TYPE_MAC_LABEL)
		upper(up, "", sizeof(up));
	/* A name both outside and inside msg='...' (USER_AVC's auid): its
	 * nth occurrence is the nth level that has it. */
	for (msg = rec; msg; msg = msg == rec ? cJSON_GetObjectItemCaseSensitive(rec, "MSG") : NULL) {
		if ((up[0] && (v = cJSON_GetObjectItemCaseSensitive(msg, up))) ||
		    (v = cJSON_GetObjectItemCaseSensitive(msg, name))) {
			if (!first)
				first = v;
			if (nth-- > 0)
				continue;
			render(s, v, ",");
			return 1;
		}
	}
	if (first) {		/* repeated on one level: the first */
		render(s, first, ",");
		return 1;
	}
	return 0;
}

/* Array renderings are compared with both separators libauparse uses. */
static int same(const char *want, struct str *got, const cJSON *rec, const char *name)
{
	char up[128];
	const cJSON *v;
	struct str alt = { 0 };
	int eq;

	if (strcmp(want, got->p) == 0)
		return 1;
	upper(up, name, sizeof(up));
	v = cJSON_GetObjectItemCaseSensitive(rec, up);
	if (!cJSON_IsArray(v))
		return 0;
	render(&alt, v, "|");
	eq = strcmp(want, alt.p) == 0;
	free(alt.p);
	return eq;
}

/* Where libauparse has no name it prints the value back ("0x1c" for an
 * argument, "unknown-signal(99)"): enriched then adds nothing (README). */
static int no_name(const char *want, const char *raw, const char *got, const cJSON *rec,
		   const char *name)
{
	char up[128];

	upper(up, name, sizeof(up));
	if (cJSON_GetObjectItemCaseSensitive(rec, up) || strcmp(got, raw) != 0)
		return 0;
	return (strncmp(want, "0x", 2) == 0 && strcmp(want + 2, raw) == 0) ||
	       strncmp(want, "unknown-", 8) == 0;
}

/* libauparse keeps the quotes of a value it does not interpret
 * (AVC's dev="vda"); enriched removes them (README). */
static int unquoted(const char *want, const char *got)
{
	size_t n = strlen(want);

	return n >= 2 && want[0] == '"' && want[n - 1] == '"' && strlen(got) == n - 2 &&
	       strncmp(want + 1, got, n - 2) == 0;
}

/* USER messages' msg='... text=hello from test': libauparse splits on every
 * space (text=hello); enriched keeps the bare words with the value before
 * them (README). */
static int joined_words(const char *want, const char *got, const cJSON *rec, const char *name)
{
	size_t n = strlen(want);

	return !cJSON_GetObjectItemCaseSensitive(rec, name) && strncmp(want, got, n) == 0 &&
	       got[n] == ' ';
}

/* A quoted value with spaces inside USER messages' msg='...'
 * (cmdline="systemctl status x"): libauparse cuts it at the first space
 * and keeps the quote ("systemctl); enriched keeps the value (README). */
static int cut_quoted(const char *want, const char *got)
{
	size_t n = strlen(want);

	return n >= 2 && want[0] == '"' && !strchr(want + 1, '"') &&
	       strncmp(want + 1, got, n - 1) == 0 && got[n - 1] == ' ';
}

/* ------------------------------------------------------------ the walk */

static cJSON **events;
static size_t nevents;

static void load_json(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "FAIL: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (getline(&line, &cap, f) > 0) {
		cJSON *e = cJSON_Parse(line);
		if (!e) {
			fprintf(stderr, "FAIL: invalid JSON from auditstream: %.200s\n", line);
			exit(1);
		}
		events = realloc(events, (nevents + 1) * sizeof(*events));
		events[nevents++] = e;
	}
	free(line);
	fclose(f);
}

static void free_json(void)
{
	for (size_t i = 0; i < nevents; i++)
		cJSON_Delete(events[i]);
	free(events);
	events = NULL;
	nevents = 0;
}

static const cJSON *event_of(unsigned long serial, const char *first_type)
{
	static size_t last;

	for (size_t k = 0; k < nevents; k++) {
		size_t i = (last + k) % nevents;	/* events come in order: start after the last */
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(events[i], "serial");
		if (cJSON_IsNumber(s) && (unsigned long)s->valuedouble == serial &&
		    cJSON_GetObjectItemCaseSensitive(events[i], first_type)) {
			last = i;
			return events[i];
		}
	}
	return NULL;
}

static void count(int kind, int changed, int agree, const char *what)
{
	struct tally *t = &tally[kind];

	t->fields++;
	t->changed += changed;
	t->agree += agree;
	t->agree_changed += agree && changed;
	if (!agree && (verbose || t->examples < MAX_EXAMPLES)) {
		t->examples++;
		printf("  differs [%s] %s\n", kind_name(kind), what);
	}
}

static void check_time(auparse_state_t *au, const cJSON *ev)
{
	char want[64];
	time_t t = auparse_get_time(au);
	struct tm tm;
	const char *got = jstr(ev, "time");

	gmtime_r(&t, &tm);
	strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(want + strlen(want), sizeof(want) - strlen(want), ".%03uZ", auparse_get_milli(au));
	count(KIND_TIME, 1, got && strcmp(got, want) == 0, want);
}

static void check_record(auparse_state_t *au, const cJSON *ev, const char *type, int idx,
			 unsigned long serial)
{
	const cJSON *rec = record_of(ev, type, idx);
	struct str got = { 0 }, want = { 0 }, what = { 0 };
	const char *seen[128];
	int nseen = 0;

	if (auparse_first_field(au) <= 0)
		return;
	do {
		const char *name = auparse_get_field_name(au), *raw = auparse_get_field_str(au);
		const char *interp;
		int kind = auparse_get_field_type(au), r, nth = 0, agree;
		char line[160];

		if (!name || !raw || strcmp(name, "type") == 0 || strcmp(name, "node") == 0)
			continue;
		for (int i = 0; i < nseen; i++)
			nth += strcmp(seen[i], name) == 0;
		if (nseen < 128)
			seen[nseen++] = name;
		interp = auparse_interpret_field(au);
		if (!interp)
			interp = raw;
		if (kind < 0 || kind >= NKINDS - 1)
			kind = 0;
		utf8_fix(&want, interp);
		r = rec ? ours(&got, rec, type, name, nth, kind) : 0;
		if (r < 0)
			continue;
		agree = r > 0 && (same(want.p, &got, rec, name) || joined_words(want.p, got.p, rec, name) ||
				  no_name(want.p, raw, got.p, rec, name) || unquoted(want.p, got.p) ||
				  cut_quoted(want.p, got.p));
		s_clear(&what);
		snprintf(line, sizeof(line), "serial %lu %s[%d] %s=", serial, type, idx, name);
		s_adds(&what, line);
		s_add(&what, raw, strlen(raw) > 80 ? 80 : strlen(raw));
		s_adds(&what, "  ausearch: ");
		s_add(&what, want.p, want.len > 120 ? 120 : want.len);
		s_adds(&what, "  enriched: ");
		s_adds(&what, r > 0 ? got.p : "(absent)");
		count(kind, strcmp(raw, interp) != 0, agree, what.p);
	} while (auparse_next_field(au) > 0);
	free(got.p);
	free(want.p);
	free(what.p);
}

static int walk(const char *log)
{
	auparse_state_t *au = auparse_init(AUSOURCE_FILE, log);
	int missing = 0;

	if (!au) {
		fprintf(stderr, "FAIL: auparse_init %s\n", log);
		return -1;
	}
	auparse_set_escape_mode(au, AUPARSE_ESC_RAW);
	while (auparse_next_event(au) > 0) {
		unsigned long serial = auparse_get_serial(au);
		const char *first = auparse_get_type_name(au);
		const cJSON *ev = first ? event_of(serial, first) : NULL;
		char seen[64][32];
		int nseen = 0;

		if (!ev) {
			if (missing++ < MAX_EXAMPLES)
				printf("  no enriched event for serial %lu (%s)\n", serial, first);
			continue;
		}
		check_time(au, ev);
		do {
			const char *type = auparse_get_type_name(au);
			int idx = 0;
			if (!type)
				continue;
			for (int i = 0; i < nseen; i++)
				idx += strcmp(seen[i], type) == 0;
			if (nseen < 64)
				snprintf(seen[nseen++], sizeof(seen[0]), "%s", type);
			check_record(au, ev, type, idx, serial);
		} while (auparse_next_record(au) > 0);
	}
	auparse_destroy(au);
	return missing;
}

/* ------------------------------------------------------- a synthetic corpus */

/* Records the capture cannot have (no SELinux, netfilter, TTY auditing
 * here) and every x86_64 syscall with argument values that each printer
 * has a name for: what enriched must agree on beyond the capture.  Old
 * timestamps: no container lookups. */
static const char *const other_records[] = {
	"AVC msg=audit(1700000000.000:%u): avc:  denied  { read write } for  pid=2 comm=\"x\" "
	"name=\"f\" dev=\"vda\" ino=1 scontext=system_u:system_r:x_t:s0 "
	"tcontext=system_u:object_r:y_t:s0 tclass=file permissive=0",
	"AVC msg=audit(1700000000.000:%u): avc:  granted  { setenforce } for  pid=2 comm=\"x\" "
	"saddr=7f000001 tclass=security",
	"NETFILTER_PKT msg=audit(1700000000.000:%u): mark=0x0 saddr=10.0.0.1 daddr=10.0.0.2 proto=6",
	"NETFILTER_CFG msg=audit(1700000000.000:%u): table=filter family=2 entries=3 op=xt_replace "
	"pid=2 comm=\"iptables\"",
	"SECCOMP msg=audit(1700000000.000:%u): auid=0 uid=0 gid=0 ses=1 pid=2 comm=\"x\" "
	"subj=unconfined exe=\"/x\" sig=31 arch=c000003e syscall=41 compat=0 ip=0x7f code=0x7ffc0000",
	"SECCOMP msg=audit(1700000000.000:%u): auid=0 uid=0 gid=0 ses=1 pid=2 comm=\"x\" "
	"subj=unconfined exe=\"/x\" sig=0 arch=c000003e syscall=2 compat=0 ip=0x7f code=0x50001",
	"ANOM_PROMISCUOUS msg=audit(1700000000.000:%u): dev=eth0 prom=256 old_prom=0 auid=0 uid=0 gid=0 ses=1",
	"OBJ_PID msg=audit(1700000000.000:%u): opid=2 oauid=0 ouid=65534 oses=1 ocomm=\"x\"",
	"KERN_MODULE msg=audit(1700000000.000:%u): name=\"ext4\"",
	"FANOTIFY msg=audit(1700000000.000:%u): resp=2",
	"ADD_GROUP msg=audit(1700000000.000:%u): pid=2 uid=0 auid=0 ses=1 msg='op=add-group "
	"id=65534 exe=\"/usr/sbin/groupadd\" hostname=h addr=? terminal=pts/0 res=success'",
	"CAPSET msg=audit(1700000000.000:%u): pid=2 cap_pi=0 cap_pp=3000 cap_pe=3000 cap_pa=0",
	/* userspace AVCs as systemd and dbus-daemon send them */
	"USER_AVC msg=audit(1700000000.000:%u): pid=1 uid=0 auid=4294967295 ses=4294967295 "
	"subj=system_u:system_r:init_t:s0 msg='avc:  denied  { status } for auid=0 uid=0 gid=0 "
	"path=\"/usr/lib/systemd/system/x.service\" cmdline=\"systemctl status x\" "
	"scontext=unconfined_u:unconfined_r:unconfined_t:s0 "
	"tcontext=system_u:object_r:systemd_unit_file_t:s0 tclass=service permissive=0  "
	"exe=\"/usr/lib/systemd/systemd\" sauid=0 hostname=? addr=? terminal=?'",
	"USER_AVC msg=audit(1700000000.000:%u): pid=551 uid=81 auid=4294967295 ses=4294967295 "
	"subj=system_u:system_r:system_dbusd_t:s0-s0:c0.c1023 msg='avc:  denied  { send_msg } for "
	"msgtype=method_return dest=:1.83 spid=1 tpid=1042 scontext=system_u:system_r:init_t:s0 "
	"tcontext=unconfined_u:unconfined_r:unconfined_t:s0 tclass=dbus permissive=0  "
	"exe=\"/usr/bin/dbus-daemon\" sauid=81 hostname=? addr=? terminal=?'",
	"USER_AVC msg=audit(1700000000.000:%u): pid=551 uid=81 auid=4294967295 ses=4294967295 "
	"subj=system_u:system_r:system_dbusd_t:s0 msg='avc:  granted  { read write } for "
	"scontext=a tcontext=b tclass=file permissive=1  exe=\"/usr/bin/dbus-daemon\" sauid=81 "
	"hostname=? addr=? terminal=?'",
	"SOCKADDR msg=audit(1700000000.000:%u): saddr=11000300020000000000000000000000",
	"SOCKADDR msg=audit(1700000000.000:%u): saddr=0A000050000000000000000000000000000000010000000000000000",
	"CONFIG_CHANGE msg=audit(1700000000.000:%u): auid=0 ses=1 op=add_rule key=\"w\" list=2 res=0",
	"CONFIG_CHANGE msg=audit(1700000000.000:%u): auid=0 ses=1 op=updated_rules path=\"/etc\" "
	"key=(null) list=4 res=1 perm=3",
	"MMAP msg=audit(1700000000.000:%u): fd=3 flags=0x802",
	"PATH msg=audit(1700000000.000:%u): item=0 name=\"/d\" inode=1 dev=fe:00 mode=0140644 "
	"ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=2000 cap_fi=0 cap_fe=1 cap_fver=2 "
	"cap_frootid=0 flags=0x11",
	"MQ_OPEN msg=audit(1700000000.000:%u): oflag=0xc2 mode=01777 mq_flags=0x0 mq_maxmsg=10 "
	"mq_msgsize=8192 mq_curmsgs=0",
	"LOGIN msg=audit(1700000000.000:%u): pid=2 uid=0 subj=unconfined old-auid=4294967295 "
	"auid=0 tty=(none) old-ses=4294967295 ses=1 res=1",
	"BPRM_FCAPS msg=audit(1700000000.000:%u): fver=2 fp=0000000000003000 fi=0 fe=1 "
	"old_pp=0 old_pi=0 old_pe=0 old_pa=0 pp=3000 pi=0 pe=3000 pa=0 frootid=0",
	/* sets around half (20, 21 of 41 known), full, near-full, and with bits
	 * above the last known capability */
	"CAPSET msg=audit(1700000000.000:%u): pid=2 cap_pi=00000000000fffff "
	"cap_pp=00000000001fffff cap_pe=000001ffffffffff cap_pa=000001fffeffffff",
	"CAPSET msg=audit(1700000000.000:%u): pid=2 cap_pi=0000020000000001 "
	"cap_pp=000003ffffffffff cap_pe=ffffffffffffffff cap_pa=8000000000000000",
	"BPRM_FCAPS msg=audit(1700000000.000:%u): fver=0 fp=0 fi=0 fe=0 "
	"old_pp=000001ffffffffff old_pi=0 old_pe=000001ffffffffff old_pa=0 "
	"pp=000001fffeffffff pi=0 pe=000001fffeffffff pa=0 frootid=0",
};

static const unsigned long long arg_samples[][4] = {
	{ 0, 0, 0, 0 }, { 1, 1, 1, 1 }, { 2, 0x42, 0x1b6, 0x22 },
	{ 0xffffff9c, 0x241, 0x1ed, 0x802 }, { 0x11, 3, 7, 0x4000 }, { 0xa, 0x17, 3, 0x100 },
	{ 0x1f, 0x80800, 0x5, 0x1000 }, { 0x3, 0x5401, 0x29, 0x40 }, { 0x18, 0x107, 0xc02, 0x2 },
	{ 0x40000000, 0x40000001, 0x81a4, 0xffffffff },
};

static int synthetic(const char *path)
{
	FILE *f = fopen(path, "w");
	int m = audit_name_to_machine("x86_64");
	unsigned serial = 1;

	if (!f)
		return -1;
	for (size_t i = 0; i < sizeof(other_records) / sizeof(other_records[0]); i++) {
		fputs("type=", f);
		fprintf(f, other_records[i], serial++);
		fputc('\n', f);
	}
	for (int sc = 0; sc < 600; sc++) {
		if (!audit_syscall_to_name(sc, m))
			continue;
		for (size_t k = 0; k < sizeof(arg_samples) / sizeof(arg_samples[0]); k++)
			fprintf(f, "type=SYSCALL msg=audit(1700000000.000:%u): arch=c000003e syscall=%d "
				   "success=no exit=-%zu a0=%llx a1=%llx a2=%llx a3=%llx items=0 ppid=1 "
				   "pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
				   "tty=(none) ses=1 comm=\"x\" exe=\"/x\" key=(null)\n",
				serial++, sc, k + 1, arg_samples[k][0], arg_samples[k][1],
				arg_samples[k][2], arg_samples[k][3]);
	}
	return fclose(f);
}

/* ------------------------------------------------------- running auditstream */

static int replay(const char *log, const char *dir, char *json, size_t cap)
{
	const char *b = getenv("top_builddir");
	char conf[4096], cmd[16384];
	FILE *f;

	if (!b)
		b = ".";
	snprintf(conf, sizeof(conf), "%s/oracle.conf", dir);
	snprintf(json, cap, "%s/enriched.json", dir);
	unlink(json);
	if (!(f = fopen(conf, "w")))
		return -1;
	fprintf(f, "plugin_dir = \"%s/plugins/.libs\";\nlog_level = \"warning\";\n"
		   "outputs = ( { plugin = \"file\"; path = \"%s\"; format = \"enriched\"; } );\n",
		b, json);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "'%s/auditstream' -c '%s' --replay '%s' 2>'%s/log'", b, conf,
		 log, dir);
	return system(cmd) == 0 ? 0 : -1;
}

struct allowed {
	char kind[32];
	unsigned n;
};

static unsigned allowed_for(const struct allowed *a, int na, const char *kind)
{
	for (int i = 0; i < na; i++)
		if (strcmp(a[i].kind, kind) == 0)
			return a[i].n;
	return 0;
}

static int read_allowed(const char *path, struct allowed *a, int max)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < max)
		if (line[0] != '#' && sscanf(line, "%31[^:]: %u", a[n].kind, &a[n].n) == 2)
			n++;
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	const char *src = getenv("top_srcdir");
	static const char *corpus[] = { "auditd-broad.log", "auditd-raw.log", "auditd-basic.log" };
	char dir[] = "/tmp/as-oracle.XXXXXX", json[4200], path[4096], cmd[4200];
	struct allowed allowed[NKINDS];
	int nallowed, failed = 0, nlogs = 0, argi = 1;
	unsigned tf = 0, tc = 0, ta = 0, tac = 0;

	if (argi < argc && strcmp(argv[argi], "-v") == 0) {
		verbose = 1;
		argi++;
	}
	if (!src)
		src = ".";
	if (load_cap_all() < 0) {
		fprintf(stderr, "FAIL: libauparse does not name a full capability set\n");
		return 1;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	for (int i = 0; i < (argi < argc ? argc - argi : 4); i++) {
		if (argi < argc) {
			snprintf(path, sizeof(path), "%s", argv[argi + i]);
		} else if (i == 3) {
			snprintf(path, sizeof(path), "%s/synthetic.log", dir);
			if (synthetic(path) < 0) {
				perror(path);
				return 1;
			}
		} else {
			snprintf(path, sizeof(path), "%s/tests/fixtures/%s", src, corpus[i]);
		}
		if (replay(path, dir, json, sizeof(json)) < 0) {
			fprintf(stderr, "FAIL: auditstream --replay %s (log in %s)\n", path, dir);
			return 1;
		}
		load_json(json);
		printf("# %s: %zu enriched events\n", path, nevents);
		if (walk(path) != 0)
			failed = 1;
		free_json();
		nlogs++;
	}
	snprintf(path, sizeof(path), "%s/tests/oracle/allowed.txt", src);
	nallowed = read_allowed(path, allowed, NKINDS);
	printf("\n%-14s %7s %8s %7s %9s %9s\n", "kind", "fields", "changed", "agree", "agree%", "changed%");
	for (int k = 0; k < NKINDS; k++) {
		struct tally *t = &tally[k];
		unsigned bad = t->fields - t->agree, ok = allowed_for(allowed, nallowed, kind_name(k));
		if (!t->fields)
			continue;
		printf("%-14s %7u %8u %7u %8.1f%% %8.1f%%%s\n", kind_name(k), t->fields, t->changed,
		       t->agree, 100.0 * t->agree / t->fields,
		       t->changed ? 100.0 * t->agree_changed / t->changed : 100.0,
		       bad > ok ? "  FAIL" : bad < ok ? "  (allowed.txt can go down)" : "");
		if (bad > ok)
			failed = 1;
		if (k != KIND_TIME) {
			tf += t->fields;
			tc += t->changed;
			ta += t->agree;
			tac += t->agree_changed;
		}
	}
	printf("%-14s %7u %8u %7u %8.1f%% %8.1f%%\n", "all fields", tf, tc, ta,
	       tf ? 100.0 * ta / tf : 0, tc ? 100.0 * tac / tc : 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return failed || nlogs == 0;
}
