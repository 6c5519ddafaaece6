/* tests/unit/test_loader.c -- loader_open's ABI checks against purpose-built
 * broken plugins, the good file plugin, and options_bind against a plugin's
 * option table.  The log goes to stderr, which the tests capture. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/loader.h"
#include "util/log.h"
#include "output/options.h"

#define STR2(x) #x
#define STR(x) STR2(x)
/* This core's ABI as the refusals print it, e.g. "ABI 1.1". */
#define CORE_ABI "ABI " STR(AUDITSTREAM_ABI_MAJOR) "." STR(AUDITSTREAM_ABI_MINOR)

/* ------------------------------------------------------------- helpers */

/* $top_builddir as the test harness exports it, else the usual guesses. */
static const char *builddir(void)
{
	const char *d = getenv("top_builddir");
	static const char *const guesses[] = { "../..", ".", ".." };

	if (d && *d)
		return d;
	for (size_t i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		char p[4096];
		snprintf(p, sizeof(p), "%s/tests/plugins/.libs/badmajor.so", guesses[i]);
		if (access(p, R_OK) == 0)
			return guesses[i];
	}
	return "../..";
}

static char bad_dir[4096], good_dir[4096];

static void setup(void)
{
	snprintf(bad_dir, sizeof(bad_dir), "%s/tests/plugins/.libs", builddir());
	snprintf(good_dir, sizeof(good_dir), "%s/plugins/.libs", builddir());
	log_set_level(LOG_LVL_DEBUG);
}

/* Captures stderr (the log) around one call.  capture_begin/capture_end
 * return what was logged (malloc'd) and echo it for failing tests. */
static int cap_fd = -1, cap_saved = -1;

static void capture_begin(void)
{
	char path[] = "/tmp/as-test-loader-XXXXXX";

	cap_fd = mkstemp(path);
	ck_assert_int_ge(cap_fd, 0);
	unlink(path);
	fflush(stderr);
	cap_saved = dup(STDERR_FILENO);
	ck_assert_int_ge(cap_saved, 0);
	ck_assert_int_ge(dup2(cap_fd, STDERR_FILENO), 0);
}

static char *capture_end(void)
{
	off_t n;
	char *log;

	fflush(stderr);
	dup2(cap_saved, STDERR_FILENO);
	close(cap_saved);
	n = lseek(cap_fd, 0, SEEK_END);
	ck_assert_int_ge(n, 0);
	log = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(log);
	ck_assert_int_eq(pread(cap_fd, log, (size_t)n, 0), n);
	close(cap_fd);
	if (n)
		fprintf(stderr, "%s", log);
	return log;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

#define ck_assert_has(log, what) \
	ck_assert_msg(strstr((log), (what)) != NULL, "log lacks \"%s\"; log was:\n%s", (what), (log))

/* loader_open with the log captured. */
static int open_capture(const char *dir, const char *name, struct plugin_handle *h, char **log)
{
	int rc;

	capture_begin();
	rc = loader_open(dir, name, h);
	*log = capture_end();
	return rc;
}

/*
 * A refusal: negative rc, nothing left open, and exactly one log line naming
 * the file, the entry symbol and the given version strings.
 */
static void assert_refusal(const char *name, int want_rc, const char *const *must_have)
{
	struct plugin_handle h;
	char path[4200], *log;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.so", bad_dir, name);
	ck_assert_msg(access(path, R_OK) == 0, "%s is not built (make check builds it)", path);
	rc = open_capture(bad_dir, name, &h, &log);
	ck_assert_int_eq(rc, want_rc);
	ck_assert_ptr_null(h.dl);
	ck_assert_int_eq(count_lines(log), 1);
	ck_assert_has(log, path);
	ck_assert_has(log, "auditstream_plugin_entry");
	for (; *must_have; must_have++)
		ck_assert_has(log, *must_have);
	free(log);
}

/* ------------------------------------------------------------ refusals */

/* ABI 2.x against this core's 1.x: refused, both versions named. */
START_TEST(refuse_badmajor)
{
	static const char *const want[] = { "plugin ABI 2." STR(AUDITSTREAM_ABI_MINOR),
					    "this auditstream has " CORE_ABI, NULL };

	assert_refusal("badmajor", -EPROTO, want);
}
END_TEST

/* A newer minor (1.7) than the core's: refused, both versions named. */
START_TEST(refuse_newerminor)
{
	static const char *const want[] = { "plugin ABI 1.7", "newer than this auditstream's " CORE_ABI,
					    NULL };

	assert_refusal("newerminor", -EPROTO, want);
}
END_TEST

/* A descriptor of 16 bytes cannot hold the ABI 1.0 callbacks: refused. */
START_TEST(refuse_shortstruct)
{
	static const char *const want[] = { "16 bytes", "this auditstream has " CORE_ABI, NULL };

	assert_refusal("shortstruct", -EPROTO, want);
}
END_TEST

/* No entry symbol: not a plugin (its version cannot be known; the core's is
 * named). */
START_TEST(refuse_nosymbol)
{
	static const char *const want[] = { "this auditstream has " CORE_ABI, NULL };

	assert_refusal("nosymbol", -EINVAL, want);
}
END_TEST

/* The descriptor's name is not the file's: refused, naming both names and
 * both versions. */
START_TEST(refuse_wrongname)
{
	static const char *const want[] = { "\"somethingelse\"", "\"wrongname\"",
					    "plugin " CORE_ABI, "this auditstream has " CORE_ABI, NULL };

	assert_refusal("wrongname", -EINVAL, want);
}
END_TEST

/* A missing plugin: -ENOENT, the path in the message. */
START_TEST(missing_plugin)
{
	struct plugin_handle h;
	char path[4200], *log;

	snprintf(path, sizeof(path), "%s/doesnotexist.so", bad_dir);
	ck_assert_int_eq(open_capture(bad_dir, "doesnotexist", &h, &log), -ENOENT);
	ck_assert_ptr_null(h.dl);
	ck_assert_has(log, path);
	ck_assert_int_eq(count_lines(log), 1);
	free(log);
}
END_TEST

/* Names that could leave plugin_dir (or are not plain) are refused before
 * any file is touched. */
START_TEST(invalid_names)
{
	static const char *const bad[] = {
		"../file", "..", "a/b", "file.so", ".hidden", "", "a b", "x\n",
		"fi\xc3\xa9le",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",	/* 65 */
	};
	static const char *const good[] = {
		"file", "my-plugin_2", "A",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",	/* 64 */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct plugin_handle h;
		char *log;

		ck_assert_msg(plugin_name_valid(bad[i]) == 0, "accepted \"%s\"", bad[i]);
		ck_assert_int_eq(open_capture(good_dir, bad[i], &h, &log), -EINVAL);
		ck_assert_ptr_null(h.dl);
		ck_assert_has(log, "invalid name");
		free(log);
	}
	ck_assert_int_eq(plugin_name_valid(NULL), 0);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(plugin_name_valid(good[i]) == 1, "refused \"%s\"", good[i]);
	/* an absolute path must name NAME.so */
	{
		struct plugin_handle h;
		char *log;
		ck_assert_int_eq(open_capture(good_dir, "/etc/passwd", &h, &log), -EINVAL);
		ck_assert_has(log, "invalid path");
		free(log);
		ck_assert_int_eq(open_capture(good_dir, "/nonexistent-dir/x.so", &h, &log), -ENOENT);
		ck_assert_has(log, "/nonexistent-dir/x.so: no such plugin");
		free(log);
	}
	/* "../plugins/.libs/file" would reach the good plugin if allowed */
	{
		struct plugin_handle h;
		char *log;
		ck_assert_int_eq(open_capture(good_dir, "../.libs/file", &h, &log), -EINVAL);
		free(log);
	}
}
END_TEST

/* ----------------------------------------------------------- good plugin */

/* file.so loads with one line naming it, its version and path; the
 * descriptor is this ABI's, named "file". */
START_TEST(load_file_plugin)
{
	struct plugin_handle h;
	char *log;

	ck_assert_int_eq(open_capture(good_dir, "file", &h, &log), 0);
	ck_assert_int_eq(count_lines(log), 1);
	ck_assert_has(log, "plugin file " PACKAGE_VERSION " loaded from ");
	ck_assert_has(log, "/file.so (plugin " CORE_ABI ", this auditstream has " CORE_ABI ")");
	ck_assert_ptr_nonnull(h.dl);
	ck_assert_str_eq(h.desc.name, "file");
	ck_assert_uint_eq(h.desc.abi_major, AUDITSTREAM_ABI_MAJOR);
	ck_assert_uint_eq(h.desc.abi_minor, AUDITSTREAM_ABI_MINOR);
	ck_assert_uint_eq(h.desc.struct_size, sizeof(struct auditstream_plugin));
	ck_assert_ptr_nonnull(h.desc.create);
	ck_assert_ptr_nonnull(h.desc.write);
	ck_assert_ptr_nonnull(h.desc.destroy);
	ck_assert_ptr_nonnull(h.desc.options);
	ck_assert_ptr_nonnull(strstr(h.path, "/file.so"));
	loader_close(&h);
	ck_assert_ptr_null(h.dl);
	free(log);
}
END_TEST

/* ------------------------------------------------------------- options */

/* Parses text and returns outputs.[0]; the config lives in *lc. */
static config_setting_t *output_group(config_t *lc, const char *text)
{
	config_setting_t *list;

	config_init(lc);
	ck_assert_msg(config_read_string(lc, text) == CONFIG_TRUE, "bad test config: %s line %d",
		      config_error_text(lc), config_error_line(lc));
	list = config_lookup(lc, "outputs");
	ck_assert_ptr_nonnull(list);
	ck_assert_ptr_nonnull(config_setting_get_elem(list, 0));
	return config_setting_get_elem(list, 0);
}

/* options_bind(file.so's table, outputs.[0] of text) with the log captured. */
static int bind_file(const char *text, struct options *o, config_t *lc, char **log)
{
	struct plugin_handle h;
	config_setting_t *g;
	char *openlog;
	int rc;

	ck_assert_int_eq(open_capture(good_dir, "file", &h, &openlog), 0);
	free(openlog);
	g = output_group(lc, text);
	capture_begin();
	rc = options_bind(o, &h.desc, g, h.path);
	*log = capture_end();
	/* the option table lives in the plugin: read it before closing */
	if (rc == 0) {
		const struct opt_value *v = options_get(o, "mode", AUDITSTREAM_OPT_STRING);
		ck_assert_ptr_nonnull(v);
	}
	options_free(o);
	loader_close(&h);
	return rc;
}

/* An unknown plugin key: error naming its line and key. */
START_TEST(options_unknown_key)
{
	struct options o;
	config_t lc;
	char *log;

	ck_assert_int_eq(bind_file("outputs = ( {\n"
				   "  plugin = \"file\";\n"
				   "  path = \"/tmp/out.json\";\n"
				   "  colour = \"blue\";\n"
				   "} );\n", &o, &lc, &log), -EINVAL);
	ck_assert_has(log, ":4: output \"file\": colour: unknown key for plugin \"file\"");
	ck_assert_int_eq(count_lines(log), 1);
	config_destroy(&lc);
	free(log);

	/* a typo gets the nearest key, a core key mistyped too */
	ck_assert_int_eq(bind_file("outputs = ( {\n"
				   "  plugin = \"file\";\n"
				   "  path = \"/tmp/out.json\";\n"
				   "  fsnyc = true; formt = \"raw\";\n"
				   "} );\n", &o, &lc, &log), -EINVAL);
	ck_assert_has(log, "fsnyc: unknown key for plugin \"file\"");
	ck_assert_has(log, "; did you mean \"fsync\"? valid keys: path, mode, fsync (and the core's: plugin,");
	ck_assert_has(log, "formt: unknown key for plugin \"file\"");
	ck_assert_has(log, "; did you mean \"format\"?");
	config_destroy(&lc);
	free(log);
}
END_TEST

/* The required "path" missing: an error naming it. */
START_TEST(options_missing_required)
{
	struct options o;
	config_t lc;
	char *log;

	ck_assert_int_eq(bind_file("outputs = ( {\n"
				   "  plugin = \"file\";\n"
				   "} );\n", &o, &lc, &log), -EINVAL);
	ck_assert_has(log, "missing option \"path\" required by plugin \"file\"");
	ck_assert_has(log, ":1: output \"file\"");
	ck_assert_int_eq(count_lines(log), 1);
	config_destroy(&lc);
	free(log);
}
END_TEST

/* "fsync = 1" where a bool belongs: an error naming line, key and type. */
START_TEST(options_mistyped)
{
	struct options o;
	config_t lc;
	char *log;

	ck_assert_int_eq(bind_file("outputs = ( {\n"
				   "  plugin = \"file\";\n"
				   "  path = \"/tmp/out.json\";\n"
				   "  fsync = 1;\n"
				   "} );\n", &o, &lc, &log), -EINVAL);
	ck_assert_has(log, ":4: output \"file\": fsync: must be true or false");
	ck_assert_int_eq(count_lines(log), 1);
	config_destroy(&lc);
	free(log);
}
END_TEST

/* A valid group binds silently, with the plugin's defaults applied and the
 * core's keys (plugin, name, format, queue, retry) not taken as unknown. */
START_TEST(options_valid_defaults)
{
	struct plugin_handle h;
	struct options o;
	config_setting_t *g;
	config_t lc;
	char *log;
	const struct opt_value *v;

	ck_assert_int_eq(open_capture(good_dir, "file", &h, &log), 0);
	free(log);
	g = output_group(&lc, "outputs = ( {\n"
			 "  plugin = \"file\";\n"
			 "  name = \"audit-file\";\n"
			 "  format = \"goaudit\";\n"
			 "  queue = { size = 100; overflow = \"block\"; };\n"
			 "  retry = { initial_ms = 10; };\n"
			 "  path = \"/tmp/out.json\";\n"
			 "} );\n");
	capture_begin();
	ck_assert_int_eq(options_bind(&o, &h.desc, g, h.path), 0);
	log = capture_end();
	ck_assert_str_eq(log, "");
	ck_assert_uint_eq(o.n, 3);
	v = options_get(&o, "path", AUDITSTREAM_OPT_STRING);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->str, "/tmp/out.json");
	v = options_get(&o, "mode", AUDITSTREAM_OPT_STRING);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->str, "0600");
	v = options_get(&o, "fsync", AUDITSTREAM_OPT_BOOL);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->b, 0);
	/* wrong type or unknown name: NULL */
	ck_assert_ptr_null(options_get(&o, "path", AUDITSTREAM_OPT_INT));
	ck_assert_ptr_null(options_get(&o, "nope", AUDITSTREAM_OPT_STRING));
	options_free(&o);
	config_destroy(&lc);
	loader_close(&h);
	free(log);
}
END_TEST

/* Set values win over defaults. */
START_TEST(options_set_values)
{
	struct plugin_handle h;
	struct options o;
	config_setting_t *g;
	config_t lc;
	char *log;

	ck_assert_int_eq(open_capture(good_dir, "file", &h, &log), 0);
	free(log);
	g = output_group(&lc, "outputs = ( { plugin = \"file\"; path = \"-\"; mode = \"0640\"; fsync = true; } );");
	ck_assert_int_eq(options_bind(&o, &h.desc, g, h.path), 0);
	ck_assert_str_eq(options_get(&o, "path", AUDITSTREAM_OPT_STRING)->str, "-");
	ck_assert_str_eq(options_get(&o, "mode", AUDITSTREAM_OPT_STRING)->str, "0640");
	ck_assert_int_eq(options_get(&o, "fsync", AUDITSTREAM_OPT_BOOL)->b, 1);
	options_free(&o);
	config_destroy(&lc);
	loader_close(&h);
}
END_TEST

/* A table with every option type (an in-test descriptor): INT and BOOL
 * defaults parsed, PASSTHROUGH groups of scalars only. */
static const struct auditstream_option all_types[] = {
	{ .name = "batch", .type = AUDITSTREAM_OPT_INT, .default_value = "512", .required = 0, .help = "events per request" },
	{ .name = "hex", .type = AUDITSTREAM_OPT_INT, .default_value = "0x10", .required = 0, .help = "a hex default" },
	{ .name = "tls", .type = AUDITSTREAM_OPT_BOOL, .default_value = "true", .required = 0, .help = "use TLS" },
	{ .name = "props", .type = AUDITSTREAM_OPT_PASSTHROUGH, .default_value = NULL, .required = 0, .help = "library properties" },
	{ 0 }
};
static const struct auditstream_plugin all_types_plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "alltypes",
	.options = all_types,
};

START_TEST(options_all_types)
{
	struct options o;
	config_t lc;
	config_setting_t *g;
	char *log;

	g = output_group(&lc, "outputs = ( { plugin = \"alltypes\"; } );");
	ck_assert_int_eq(options_bind(&o, &all_types_plugin, g, "alltypes.so"), 0);
	ck_assert_int_eq(options_get(&o, "batch", AUDITSTREAM_OPT_INT)->i, 512);
	ck_assert_int_eq(options_get(&o, "hex", AUDITSTREAM_OPT_INT)->i, 16);
	ck_assert_int_eq(options_get(&o, "tls", AUDITSTREAM_OPT_BOOL)->b, 1);
	ck_assert_ptr_null(options_get(&o, "props", AUDITSTREAM_OPT_PASSTHROUGH)->group);
	options_free(&o);
	config_destroy(&lc);

	g = output_group(&lc, "outputs = ( { plugin = \"alltypes\"; batch = 7L; tls = false;\n"
			 "  props = { acks = \"all\"; retries = 3; }; } );");
	ck_assert_int_eq(options_bind(&o, &all_types_plugin, g, "alltypes.so"), 0);
	ck_assert_int_eq(options_get(&o, "batch", AUDITSTREAM_OPT_INT)->i, 7);
	ck_assert_int_eq(options_get(&o, "tls", AUDITSTREAM_OPT_BOOL)->b, 0);
	ck_assert_ptr_nonnull(options_get(&o, "props", AUDITSTREAM_OPT_PASSTHROUGH)->group);
	options_free(&o);
	config_destroy(&lc);

	/* a nested group inside a pass-through group is refused */
	g = output_group(&lc, "outputs = ( { plugin = \"alltypes\";\n  props = { a = { b = 1; }; }; } );");
	capture_begin();
	ck_assert_int_eq(options_bind(&o, &all_types_plugin, g, "alltypes.so"), -EINVAL);
	log = capture_end();
	ck_assert_has(log, ":2: output \"alltypes\": props: must be a group of settings");
	options_free(&o);
	config_destroy(&lc);
	free(log);
}
END_TEST

/* A plugin that declares a default its own type cannot hold is refused. */
static const struct auditstream_option bad_default[] = {
	{ .name = "n", .type = AUDITSTREAM_OPT_INT, .default_value = "12abc", .required = 0, .help = "a number" },
	{ 0 }
};
static const struct auditstream_plugin bad_default_plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "baddefault",
	.options = bad_default,
};

START_TEST(options_bad_default)
{
	struct options o;
	config_t lc;
	config_setting_t *g;
	char *log;

	g = output_group(&lc, "outputs = ( { plugin = \"baddefault\"; } );");
	capture_begin();
	ck_assert_int_eq(options_bind(&o, &bad_default_plugin, g, "baddefault.so"), -EINVAL);
	log = capture_end();
	ck_assert_has(log, "bad default \"12abc\" for option \"n\"");
	options_free(&o);
	config_destroy(&lc);
	free(log);
}
END_TEST

/* ------------------------------------------------------- ABI 1.1 loading */

/* A plugin given by absolute path loads the same file, under its own name. */
START_TEST(load_absolute_path)
{
	struct plugin_handle h;
	char path[4200], real[4096], *log;

	snprintf(path, sizeof(path), "%s/file.so", good_dir);
	ck_assert_ptr_nonnull(realpath(path, real));
	ck_assert_int_eq(open_capture("/nonexistent", real, &h, &log), 0);
	ck_assert_str_eq(h.desc.name, "file");
	ck_assert_str_eq(h.path, real);
	ck_assert_has(log, real);
	loader_close(&h);
	free(log);
}
END_TEST

/* A binary built against the 1.0 header, with a 1.0 option table (40-byte
 * elements, no option_size): loads, and its options read right. */
START_TEST(load_abi10_plugin)
{
	struct plugin_handle h;
	const struct auditstream_option *o;
	char *log;

	ck_assert_int_eq(open_capture(bad_dir, "abi10", &h, &log), 0);
	ck_assert_has(log, "plugin abi10 0 loaded");
	ck_assert_has(log, "(plugin ABI 1.0, this auditstream has " CORE_ABI ")");
	ck_assert_uint_eq(h.desc.abi_minor, 0);
	ck_assert_ptr_null(h.desc.check);
	ck_assert_uint_eq(h.desc.option_size, 0);
	o = h.desc.options;
	ck_assert_str_eq(o[0].name, "level");
	ck_assert_int_eq(o[0].type, AUDITSTREAM_OPT_INT);
	ck_assert_str_eq(o[0].default_value, "3");
	ck_assert_str_eq(o[1].name, "label");
	ck_assert_str_eq(o[1].help, "a word");
	ck_assert_str_eq(o[2].name, "on");
	ck_assert_ptr_null(o[3].name);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(o[i].min, 0);
		ck_assert_int_eq(o[i].max, 0);
		ck_assert_ptr_null(o[i].choices);
	}
	loader_close(&h);
	free(log);
}
END_TEST

/* -fvisibility=hidden with no export list: the header's export attribute
 * keeps the entry point visible. */
START_TEST(load_hidden_plugin)
{
	struct plugin_handle h;
	char *log;

	ck_assert_int_eq(open_capture(bad_dir, "hidden", &h, &log), 0);
	ck_assert_str_eq(h.desc.name, "hidden");
	loader_close(&h);
	free(log);
}
END_TEST

/* A table with a name declared twice, in a real .so: refused, naming the
 * path and the option. */
START_TEST(refuse_dupoption)
{
	struct plugin_handle h;
	char path[4200], *log;

	snprintf(path, sizeof(path), "%s/dupoption.so", bad_dir);
	ck_assert_int_eq(open_capture(bad_dir, "dupoption", &h, &log), -EINVAL);
	ck_assert_ptr_null(h.dl);
	ck_assert_int_eq(count_lines(log), 1);
	ck_assert_has(log, path);
	ck_assert_has(log, "refused: option \"level\" of plugin \"dupoption\": declared twice");
	free(log);
}
END_TEST

/* ABI 1.1 with an option table but no option_size: the core cannot know
 * the element size, so it refuses rather than guess. */
START_TEST(refuse_nooptsize)
{
	struct plugin_handle h;
	char path[4200], *log;

	snprintf(path, sizeof(path), "%s/nooptsize.so: refused: plugin " CORE_ABI
		 " declares options but no option_size", bad_dir);
	ck_assert_int_eq(open_capture(bad_dir, "nooptsize", &h, &log), -EINVAL);
	ck_assert_ptr_null(h.dl);
	ck_assert_int_eq(count_lines(log), 1);
	ck_assert_has(log, path);
	free(log);
}
END_TEST

/* options_table_load on one bad entry (after a good one): refused with one
 * line naming the path, the option and the reason. */
static void assert_table_refused(const struct auditstream_option *t, const char *opt,
				 const char *why)
{
	struct auditstream_option *out = (void *)1;
	char *log, want[256];

	capture_begin();
	ck_assert_int_eq(options_table_load(t, sizeof(*t), "tbl", "/x/tbl.so", &out), -EINVAL);
	log = capture_end();
	ck_assert_ptr_null(out);
	ck_assert_int_eq(count_lines(log), 1);
	snprintf(want, sizeof(want), "/x/tbl.so: refused: option \"%s\" of plugin \"tbl\": %s", opt, why);
	ck_assert_has(log, want);
	free(log);
}

#define GOOD_OPT { .name = "ok", .type = AUDITSTREAM_OPT_INT, .default_value = "1" }
static const char *const ab[] = { "a", "b", NULL };
static const char *const none[] = { NULL };

START_TEST(table_refusals)
{
	struct { struct auditstream_option bad; const char *opt, *why; } cases[] = {
		{ { .name = "Bad Name!", .type = AUDITSTREAM_OPT_STRING }, "Bad Name!",
		  "the name is not [a-z0-9_]+" },
		{ { .name = "", .type = AUDITSTREAM_OPT_STRING }, "", "the name is not" },
		{ { .name = "format", .type = AUDITSTREAM_OPT_STRING }, "format",
		  "the name is one of the core's keys" },
		{ { .name = "queue", .type = AUDITSTREAM_OPT_INT }, "queue", "the name is one of the core's keys" },
		{ { .name = "ok", .type = AUDITSTREAM_OPT_BOOL }, "ok", "declared twice" },
		{ { .name = "t", .type = 99 }, "t", "unknown type" },
		{ { .name = "n", .type = AUDITSTREAM_OPT_INT, .default_value = "12abc" }, "n",
		  "its default is not an integer" },
		{ { .name = "n", .type = AUDITSTREAM_OPT_INT, .default_value = "99999999999999999999" }, "n",
		  "its default is not an integer" },
		{ { .name = "n", .type = AUDITSTREAM_OPT_INT, .min = 5, .max = 1 }, "n", "an empty range" },
		{ { .name = "n", .type = AUDITSTREAM_OPT_INT, .default_value = "0", .min = 1, .max = 9 }, "n",
		  "its default is out of its range" },
		{ { .name = "s", .type = AUDITSTREAM_OPT_STRING, .min = 1, .max = 9 }, "s",
		  "min/max on an option that is not an INT" },
		{ { .name = "b", .type = AUDITSTREAM_OPT_BOOL, .default_value = "yes" }, "b",
		  "its default is not true or false" },
		{ { .name = "s", .type = AUDITSTREAM_OPT_STRING, .default_value = "c", .choices = ab }, "s",
		  "its default is not one of its choices" },
		{ { .name = "n", .type = AUDITSTREAM_OPT_INT, .choices = ab }, "n",
		  "choices on an option that is not a STRING" },
		{ { .name = "s", .type = AUDITSTREAM_OPT_STRING, .choices = none }, "s", "an empty list of choices" },
		{ { .name = "g", .type = AUDITSTREAM_OPT_PASSTHROUGH, .default_value = "x" }, "g",
		  "a group of settings has no default" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct auditstream_option t[3] = { GOOD_OPT, cases[i].bad, { 0 } };
		assert_table_refused(t, cases[i].opt, cases[i].why);
	}
}
END_TEST

/* A later minor's bigger element (option_size): the core steps by it and
 * reads the members it knows. */
struct option_1_9 {
	struct auditstream_option o;
	int64_t future[3];
};

START_TEST(table_wider_elements)
{
	static const struct option_1_9 t[] = {
		{ { .name = "a", .type = AUDITSTREAM_OPT_INT, .default_value = "4", .min = 1, .max = 8 },
		  { 7, 7, 7 } },
		{ { .name = "b", .type = AUDITSTREAM_OPT_STRING, .default_value = "b", .choices = ab },
		  { 7, 7, 7 } },
		{ { 0 }, { 0 } },
	};
	struct auditstream_option *out;

	ck_assert_int_eq(options_table_load(t, sizeof(t[0]), "w", "/x/w.so", &out), 0);
	ck_assert_str_eq(out[0].name, "a");
	ck_assert_int_eq(out[0].max, 8);
	ck_assert_str_eq(out[1].name, "b");
	ck_assert_ptr_eq(out[1].choices, ab);
	ck_assert_ptr_null(out[2].name);
	free(out);
}
END_TEST

/* INT values out of range and STRING values outside the choices: errors
 * with file:line, key, the range or the list of valid values. */
static const struct auditstream_option ranged[] = {
	{ .name = "busy_timeout_ms", .type = AUDITSTREAM_OPT_INT, .default_value = "5000",
	  .help = "wait for a lock", .min = 0, .max = 600000 },
	{ .name = "journal", .type = AUDITSTREAM_OPT_STRING, .default_value = "wal",
	  .help = "journal mode", .choices = (const char *const[]){ "wal", "delete", NULL } },
	{ 0 }
};
static const struct auditstream_plugin ranged_plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "sqlite",
	.options = ranged,
};

START_TEST(options_range_and_choices)
{
	struct options o;
	config_t lc;
	config_setting_t *g;
	char *log;

	g = output_group(&lc, "outputs = ( { plugin = \"sqlite\";\n"
			 "  busy_timeout_ms = 5000000000L;\n  journal = \"memory\"; } );");
	capture_begin();
	ck_assert_int_eq(options_bind(&o, &ranged_plugin, g, "sqlite.so"), -EINVAL);
	log = capture_end();
	ck_assert_int_eq(count_lines(log), 2);
	ck_assert_has(log, ":2: output \"sqlite\": busy_timeout_ms: 5000000000 is out of range [0, 600000]");
	ck_assert_has(log, ":3: output \"sqlite\": journal: \"memory\" is not one of \"wal\", \"delete\"");
	options_free(&o);
	config_destroy(&lc);
	free(log);

	g = output_group(&lc, "outputs = ( { plugin = \"sqlite\"; busy_timeout_ms = 600000; journal = \"delete\"; } );");
	ck_assert_int_eq(options_bind(&o, &ranged_plugin, g, "sqlite.so"), 0);
	ck_assert_int_eq(options_get(&o, "busy_timeout_ms", AUDITSTREAM_OPT_INT)->i, 600000);
	ck_assert_str_eq(options_get(&o, "journal", AUDITSTREAM_OPT_STRING)->str, "delete");
	options_free(&o);
	config_destroy(&lc);
}
END_TEST

static Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *tc;

	tc = tcase_create("refusals");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, refuse_badmajor);
	tcase_add_test(tc, refuse_newerminor);
	tcase_add_test(tc, refuse_shortstruct);
	tcase_add_test(tc, refuse_nosymbol);
	tcase_add_test(tc, refuse_wrongname);
	tcase_add_test(tc, missing_plugin);
	tcase_add_test(tc, invalid_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("good");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, load_file_plugin);
	tcase_add_test(tc, load_absolute_path);
	tcase_add_test(tc, load_abi10_plugin);
	tcase_add_test(tc, load_hidden_plugin);
	suite_add_tcase(s, tc);

	tc = tcase_create("option table");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, refuse_dupoption);
	tcase_add_test(tc, refuse_nooptsize);
	tcase_add_test(tc, table_refusals);
	tcase_add_test(tc, table_wider_elements);
	tcase_add_test(tc, options_range_and_choices);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, options_unknown_key);
	tcase_add_test(tc, options_missing_required);
	tcase_add_test(tc, options_mistyped);
	tcase_add_test(tc, options_valid_defaults);
	tcase_add_test(tc, options_set_values);
	tcase_add_test(tc, options_all_types);
	tcase_add_test(tc, options_bad_default);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(loader_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
