/* tests/unit/test_loader.c -- plugin_open's ABI checks against purpose-built
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

/* plugin_open with the log captured. */
static int open_capture(const char *dir, const char *name, struct plugin_handle *h, char **log)
{
	int rc;

	capture_begin();
	rc = plugin_open(dir, name, h);
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

/* ABI 2.0 against this core's 1.0: refused, both versions named. */
START_TEST(refuse_badmajor)
{
	static const char *const want[] = { "plugin ABI 2.0", "this auditstream has ABI 1.0", NULL };

	assert_refusal("badmajor", -EPROTO, want);
}
END_TEST

/* A newer minor (1.7) than the core's (1.0): refused, both versions named. */
START_TEST(refuse_newerminor)
{
	static const char *const want[] = { "plugin ABI 1.7", "ABI 1.0", NULL };

	assert_refusal("newerminor", -EPROTO, want);
}
END_TEST

/* A descriptor of 16 bytes cannot hold the ABI 1.0 callbacks: refused. */
START_TEST(refuse_shortstruct)
{
	static const char *const want[] = { "16 bytes", "ABI 1.0", "this auditstream has ABI 1.0", NULL };

	assert_refusal("shortstruct", -EPROTO, want);
}
END_TEST

/* No entry symbol: not a plugin (its version cannot be known; the core's is
 * named). */
START_TEST(refuse_nosymbol)
{
	static const char *const want[] = { "this auditstream has ABI 1.0", NULL };

	assert_refusal("nosymbol", -EINVAL, want);
}
END_TEST

/* The descriptor's name is not the file's: refused, naming both names and
 * both versions. */
START_TEST(refuse_wrongname)
{
	static const char *const want[] = { "\"somethingelse\"", "\"wrongname\"",
					    "plugin ABI 1.0", "this auditstream has ABI 1.0", NULL };

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
		"../file", "..", "a/b", "/etc/passwd", "file.so", ".hidden", "", "a b", "x\n",
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

/* file.so loads silently; the descriptor is the ABI 1.0 one, named "file". */
START_TEST(load_file_plugin)
{
	struct plugin_handle h;
	char *log;

	ck_assert_int_eq(open_capture(good_dir, "file", &h, &log), 0);
	ck_assert_str_eq(log, "");
	ck_assert_ptr_nonnull(h.dl);
	ck_assert_str_eq(h.desc.name, "file");
	ck_assert_uint_eq(h.desc.abi_major, 1);
	ck_assert_uint_eq(h.desc.abi_minor, 0);
	ck_assert_uint_eq(h.desc.struct_size, sizeof(struct auditstream_plugin));
	ck_assert_ptr_nonnull(h.desc.create);
	ck_assert_ptr_nonnull(h.desc.write);
	ck_assert_ptr_nonnull(h.desc.destroy);
	ck_assert_ptr_nonnull(h.desc.options);
	ck_assert_ptr_nonnull(strstr(h.path, "/file.so"));
	plugin_close(&h);
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
	plugin_close(&h);
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
	plugin_close(&h);
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
	plugin_close(&h);
}
END_TEST

/* A table with every option type (an in-test descriptor): INT and BOOL
 * defaults parsed, PASSTHROUGH groups of scalars only. */
static const struct auditstream_option all_types[] = {
	{ "batch", AUDITSTREAM_OPT_INT, "512", 0, "events per request" },
	{ "hex", AUDITSTREAM_OPT_INT, "0x10", 0, "a hex default" },
	{ "tls", AUDITSTREAM_OPT_BOOL, "true", 0, "use TLS" },
	{ "props", AUDITSTREAM_OPT_PASSTHROUGH, NULL, 0, "library properties" },
	{ NULL, 0, NULL, 0, NULL }
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
	{ "n", AUDITSTREAM_OPT_INT, "12abc", 0, "a number" },
	{ NULL, 0, NULL, 0, NULL }
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
