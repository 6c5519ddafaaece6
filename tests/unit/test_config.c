/* tests/unit/test_config.c -- config_load: defaults, values, and errors that
 * name FILE:LINE and the key path.  The log goes to stderr, which each test
 * captures into a temporary file. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* by path: the build's own build-aux/config.h comes first on -I */
#include "config/config.h"
#include "format/format.h"
#include "util/log.h"

/* ------------------------------------------------------------- helpers */

static char tmpdir[256];
static char conf_path[512];

/* Checked fixture: each test (in its own process) gets its own directory. */
static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/as-test-config-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(conf_path, sizeof(conf_path), "%s/auditstream.conf", tmpdir);
	log_set_level(LOG_LVL_DEBUG);
}

/* Files besides the config that tests write into tmpdir. */
static const char *const extra_files[] = { "inc.conf", "deep.conf", "link.conf", NULL };

static void teardown(void)
{
	char p[600];

	for (const char *const *f = extra_files; *f; f++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, *f);
		unlink(p);
	}
	unlink(conf_path);
	rmdir(tmpdir);
}

/* Writes tmpdir/name with mode; returns its path (static). */
static const char *write_extra(const char *name, const char *text, mode_t mode)
{
	static char p[600];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(p, mode), 0);	/* not the umask's */
	return p;
}

static void write_conf(const char *text)
{
	FILE *f = fopen(conf_path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* Runs config_load(path) with stderr captured; *log gets what was logged
 * (malloc'd, NUL-terminated). */
static int load_capture(struct config *c, const char *path, char **log)
{
	char logpath[512];
	int fd, saved, rc;
	off_t n;

	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	fd = open(logpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	rc = config_load(c, path);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = lseek(fd, 0, SEEK_END);
	ck_assert_int_ge(n, 0);
	*log = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(*log);
	ck_assert_int_eq(pread(fd, *log, (size_t)n, 0), n);
	close(fd);
	unlink(logpath);
	/* echo it, so a failing test shows what was logged */
	if (n)
		fprintf(stderr, "%s", *log);
	return rc;
}

/* Loads text as the config file; returns config_load's value. */
static int load_text(struct config *c, const char *text, char **log)
{
	write_conf(text);
	return load_capture(c, conf_path, log);
}

/* Asserts that log contains "<conf_path>:<line>: <rest>". */
static void assert_logged(const char *log, int line, const char *rest)
{
	char want[1024];

	snprintf(want, sizeof(want), "%s:%d: %s", conf_path, line, rest);
	ck_assert_msg(strstr(log, want) != NULL, "log lacks \"%s\"; log was:\n%s", want, log);
}

/* Every logged line is an error that names the file first. */
static void assert_lines_name_file(const char *log)
{
	char prefix[600];
	int nlines = 0;

	snprintf(prefix, sizeof(prefix), "<3>%s:", conf_path);
	for (const char *p = log; *p; nlines++) {
		const char *nl = strchr(p, '\n');
		ck_assert_msg(strncmp(p, prefix, strlen(prefix)) == 0, "line without \"%s\": %.*s",
			      prefix, nl ? (int)(nl - p) : (int)strlen(p), p);
		p = nl ? nl + 1 : p + strlen(p);
	}
	ck_assert_int_gt(nlines, 0);
}

static const char minimal[] =
	"outputs = ( { plugin = \"file\"; path = \"/tmp/out.json\"; } );\n";

/* ---------------------------------------------------------------- valid */

/* A minimal config loads silently, with go-audit's defaults and the output's
 * name defaulting to its plugin's. */
START_TEST(minimal_defaults)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c, minimal, &log), 0);
	ck_assert_str_eq(log, "");
	ck_assert_uint_eq(c.event_timeout_ms, 2000);
	ck_assert_uint_eq(c.coalesce_ms, CONFIG_COALESCE_AUTO);	/* main.c picks 5 or 0 */
	ck_assert_uint_eq(c.max_out_of_order, 65536);
	ck_assert_int_eq(c.tracking_enabled, 1);
	ck_assert_int_eq(c.log_out_of_order, 0);
	ck_assert_int_eq(c.log_level, LOG_LVL_INFO);
	ck_assert_int_eq(c.enable_audit, 1);
	ck_assert_int_eq(c.input_mode, INPUT_UNICAST);
	ck_assert_ptr_null(c.node);
	ck_assert_ptr_nonnull(c.plugin_dir);
	ck_assert_uint_eq(c.noutputs, 1);
	ck_assert_str_eq(c.outputs[0].plugin, "file");
	ck_assert_str_eq(c.outputs[0].name, "file");
	ck_assert_str_eq(formats[c.outputs[0].format]->name, "goaudit");
	ck_assert_uint_eq(c.outputs[0].queue_size, 65536);
	ck_assert_int_eq(c.outputs[0].overflow, OVERFLOW_DROP_NEWEST);
	ck_assert_ptr_nonnull(c.outputs[0].group);
	/* the plugin's key is left in the group for the loader */
	ck_assert_ptr_nonnull(config_setting_get_member(c.outputs[0].group, "path"));
	config_free(&c);
	free(log);
}
END_TEST

/* Every key the schema knows is read into the struct. */
START_TEST(all_values)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"plugin_dir = \"/opt/as/plugins\";\n"
		"state_dir = \"/var/tmp/as\";\n"
		"node = \"web-01\";\n"
		"log_level = \"debug\";\n"
		"input = { mode = \"unicast\"; enable = false; event_timeout_ms = 750; status_interval_ms = 250; coalesce_ms = 7; };\n"
		"socket_buffer = { receive = 1048576; };\n"
		"message_tracking = { enabled = false; log_out_of_order = true; max_out_of_order = 1000;"
		" missed_after_ms = 9000; };\n"
		"shutdown = { drain_time_ms = 1234; };\n"
		"stats = { interval_s = 60; };\n"
		"outputs = (\n"
		"  { plugin = \"file\"; name = \"a\"; path = \"/tmp/a\";\n"
		"    queue = { size = 10; max_bytes = 1048576; overflow = \"block\"; batch = 5; };\n"
		"    retry = { initial_ms = 50; max_ms = 5000; }; },\n"
		"  { plugin = \"file\"; name = \"b\"; format = \"goaudit\"; path = \"/tmp/b\";\n"
		"    queue = { overflow = \"drop_oldest\"; }; }\n"
		");\n", &log), 0);
	ck_assert_str_eq(log, "");
	ck_assert_str_eq(c.plugin_dir, "/opt/as/plugins");
	ck_assert_str_eq(c.state_dir, "/var/tmp/as");
	ck_assert_str_eq(c.node, "web-01");
	ck_assert_int_eq(c.log_level, LOG_LVL_DEBUG);
	ck_assert_int_eq(c.enable_audit, 0);
	ck_assert_uint_eq(c.event_timeout_ms, 750);
	ck_assert_uint_eq(c.status_interval_ms, 250);
	ck_assert_uint_eq(c.coalesce_ms, 7);
	ck_assert_int_eq(c.socket_rcvbuf, 1048576);
	ck_assert_int_eq(c.tracking_enabled, 0);
	ck_assert_int_eq(c.log_out_of_order, 1);
	ck_assert_uint_eq(c.max_out_of_order, 1000);
	ck_assert_uint_eq(c.missed_after_ms, 9000);
	ck_assert_uint_eq(c.drain_time_ms, 1234);
	ck_assert_uint_eq(c.stats_interval_s, 60);
	ck_assert_uint_eq(c.noutputs, 2);
	ck_assert_str_eq(c.outputs[0].name, "a");
	ck_assert_uint_eq(c.outputs[0].queue_size, 10);
	ck_assert_uint_eq(c.outputs[0].queue_max_bytes, 1048576);
	ck_assert_int_eq(c.outputs[0].overflow, OVERFLOW_BLOCK);
	ck_assert_uint_eq(c.outputs[0].batch_max, 5);
	ck_assert_uint_eq(c.outputs[0].retry_base_ms, 50);
	ck_assert_uint_eq(c.outputs[0].retry_max_ms, 5000);
	ck_assert_str_eq(c.outputs[1].name, "b");
	ck_assert_uint_eq(c.outputs[1].queue_size, 65536);
	ck_assert_uint_eq(c.outputs[1].queue_max_bytes, 32u << 20);
	ck_assert_int_eq(c.outputs[1].overflow, OVERFLOW_DROP_OLDEST);
	config_free(&c);
	free(log);
}
END_TEST

/* The core's output keys are known to be the core's; plugin keys are not. */
START_TEST(core_output_keys)
{
	ck_assert_int_eq(config_is_core_output_key("plugin"), 1);
	ck_assert_int_eq(config_is_core_output_key("name"), 1);
	ck_assert_int_eq(config_is_core_output_key("format"), 1);
	ck_assert_int_eq(config_is_core_output_key("queue"), 1);
	ck_assert_int_eq(config_is_core_output_key("retry"), 1);
	ck_assert_int_eq(config_is_core_output_key("path"), 0);
	ck_assert_int_eq(config_is_core_output_key("fsync"), 0);
	ck_assert_int_eq(config_is_core_output_key(""), 0);
}
END_TEST

/* --------------------------------------------------------------- errors */

/* An unknown top-level key: "FILE:3: bogus: unknown key". */
START_TEST(unknown_top_key)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"# auditstream\n"
		"node = \"n\";\n"
		"bogus = 1;\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 3, "bogus: unknown key");
	assert_lines_name_file(log);
	config_free(&c);
	free(log);
}
END_TEST

/* An unknown key in a group names the whole path. */
START_TEST(unknown_nested_key)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"message_tracking = {\n"
		"  enabled = true;\n"
		"  log_out_of_ordr = true;\n"
		"};\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 3, "message_tracking.log_out_of_ordr: unknown key");
	assert_lines_name_file(log);
	config_free(&c);
	free(log);
}
END_TEST

/* A mistyped value names its path and the type wanted. */
START_TEST(mistyped_value)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n"
		"socket_buffer = { receive = \"big\"; };\n", &log), -EINVAL);
	assert_logged(log, 2, "socket_buffer.receive: must be an integer");
	assert_lines_name_file(log);
	config_free(&c);
	free(log);
}
END_TEST

/* A group where a scalar belongs, and a string where a bool belongs. */
START_TEST(mistyped_others)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"node = { a = 1; };\n"
		"message_tracking = { enabled = \"yes\"; };\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 1, "node: must be a string");
	assert_logged(log, 2, "message_tracking.enabled: must be true or false");
	assert_lines_name_file(log);
	config_free(&c);
	free(log);
}
END_TEST

/* Several errors in one file are all reported, each on its own line. */
START_TEST(several_errors)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"foo = 1;\n"
		"bar = 2;\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 1, "foo: unknown key");
	assert_logged(log, 2, "bar: unknown key");
	assert_lines_name_file(log);
	config_free(&c);
	free(log);
}
END_TEST

/* A syntax error names file and line. */
START_TEST(syntax_error)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n"
		"node = ;\n", &log), -EINVAL);
	assert_logged(log, 2, "");
	ck_assert_ptr_nonnull(strstr(log, "syntax error"));
	assert_lines_name_file(log);
	config_free(&c);
	free(log);
}
END_TEST

/* A missing file: -ENOENT and a message naming the file. */
START_TEST(missing_file)
{
	struct config c;
	char path[600], *log;

	snprintf(path, sizeof(path), "%s/does-not-exist.conf", tmpdir);
	ck_assert_int_eq(load_capture(&c, path, &log), -ENOENT);
	ck_assert_ptr_nonnull(strstr(log, path));
	ck_assert_ptr_nonnull(strstr(log, "No such file"));
	config_free(&c);
	free(log);
}
END_TEST

/* No outputs at all, or an empty list: an error naming the file. */
START_TEST(no_outputs)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c, "node = \"n\";\n", &log), -EINVAL);
	ck_assert_ptr_nonnull(strstr(log, conf_path));
	ck_assert_ptr_nonnull(strstr(log, "no outputs"));
	config_free(&c);
	free(log);

	ck_assert_int_eq(load_text(&c, "outputs = ( );\n", &log), -EINVAL);
	ck_assert_ptr_nonnull(strstr(log, "no outputs"));
	config_free(&c);
	free(log);
}
END_TEST

/* 64 outputs load; 65 are refused with the file and the line of the list
 * (the pipeline marks an event's outputs in one 64-bit word). */
START_TEST(at_most_64_outputs)
{
	struct config c;
	char *log, *text = malloc(65 * 128 + 64);
	size_t len = 0;

	ck_assert_ptr_nonnull(text);
	for (int n = 64; n <= 65; n++) {
		len = (size_t)sprintf(text, "node = \"n\";\noutputs = (\n");
		for (int i = 0; i < n; i++)
			len += (size_t)sprintf(text + len, "%s{ name = \"o%d\"; plugin = \"file\"; path = \"/tmp/o%d.json\"; }\n",
					       i ? "," : "", i, i);
		sprintf(text + len, ");\n");
		if (n == 64) {
			ck_assert_int_eq(load_text(&c, text, &log), 0);
			ck_assert_uint_eq(c.noutputs, 64);
		} else {
			ck_assert_int_eq(load_text(&c, text, &log), -EINVAL);
			assert_logged(log, 2, "outputs: 65 outputs: at most 64");
		}
		config_free(&c);
		free(log);
	}
	free(text);
}
END_TEST

/* An unknown overflow policy names the output by name, then the key. */
START_TEST(unknown_overflow)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"outputs = (\n"
		"  { plugin = \"file\"; path = \"/x\";\n"
		"    queue = { overflow = \"sometimes\"; }; }\n"
		");\n", &log), -EINVAL);
	assert_logged(log, 3, "output \"file\": queue.overflow: unknown policy \"sometimes\"");
	assert_lines_name_file(log);
	config_free(&c);
	free(log);
}
END_TEST

/* Two outputs with the same name (here both defaulting to "file"). */
START_TEST(duplicate_names)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"outputs = (\n"
		"  { plugin = \"file\"; path = \"/a\"; },\n"
		"  { plugin = \"file\"; path = \"/b\"; }\n"
		");\n", &log), -EINVAL);
	ck_assert_ptr_nonnull(strstr(log, "output \"file\": two outputs are named \"file\""));
	assert_lines_name_file(log);
	config_free(&c);
	free(log);

	/* an explicit name colliding with another's default */
	ck_assert_int_eq(load_text(&c,
		"outputs = (\n"
		"  { plugin = \"file\"; path = \"/a\"; },\n"
		"  { plugin = \"file\"; name = \"file\"; path = \"/b\"; }\n"
		");\n", &log), -EINVAL);
	ck_assert_ptr_nonnull(strstr(log, "two outputs are named \"file\""));
	config_free(&c);
	free(log);
}
END_TEST

/* An unknown format names the key and the known ones. */
START_TEST(unknown_format)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"outputs = (\n"
		"  { plugin = \"file\"; path = \"/a\";\n"
		"    format = \"xml\"; }\n"
		");\n", &log), -EINVAL);
	assert_logged(log, 3, "output \"file\": format: unknown format \"xml\"");
	assert_lines_name_file(log);
	config_free(&c);
	free(log);
}
END_TEST

/* An output without "plugin", and one that is not a group. */
START_TEST(bad_output_shape)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c, "outputs = ( { name = \"x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 1, "output \"x\": missing key \"plugin\"");
	config_free(&c);
	free(log);

	ck_assert_int_eq(load_text(&c, "outputs = ( \"file\" );\n", &log), -EINVAL);
	assert_logged(log, 1, "outputs[0]: an output must be a group");
	config_free(&c);
	free(log);
}
END_TEST

/* The core's keys in an output are checked: types and ranges. */
START_TEST(output_core_key_errors)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"outputs = (\n"
		"  { plugin = \"file\"; path = \"/a\";\n"
		"    queue = { size = \"big\"; }; }\n"
		");\n", &log), -EINVAL);
	assert_logged(log, 3, "output \"file\": queue.size: must be an integer");
	config_free(&c);
	free(log);

	ck_assert_int_eq(load_text(&c,
		"outputs = (\n"
		"  { plugin = \"file\"; path = \"/a\";\n"
		"    queue = { size = 0; }; }\n"
		");\n", &log), -EINVAL);
	assert_logged(log, 3, "output \"file\": queue.size: must be at least 1");
	config_free(&c);
	free(log);

	ck_assert_int_eq(load_text(&c,
		"outputs = (\n"
		"  { plugin = \"file\"; path = \"/a\";\n"
		"    queue = { max_bytes = 1000; }; }\n"
		");\n", &log), -EINVAL);
	assert_logged(log, 3, "output \"file\": queue.max_bytes: must be at least 65536 (64 KiB)");
	config_free(&c);
	free(log);

	ck_assert_int_eq(load_text(&c,
		"outputs = (\n"
		"  { plugin = \"file\"; path = \"/a\";\n"
		"    retry = { initial_ms = 1; max_ms = 2; jitter = 3; }; }\n"
		");\n", &log), -EINVAL);
	assert_logged(log, 3, "output \"file\": retry.jitter: unknown key");
	config_free(&c);
	free(log);
}
END_TEST

/* Out-of-range and unknown-name values name their key. */
START_TEST(range_and_names)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"message_tracking = { max_out_of_order = -1; };\n"
		"log_level = \"loud\";\n"
		"input = { mode = \"broadcast\"; };\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 1, "message_tracking.max_out_of_order: must be between 0 and ");
	assert_logged(log, 2, "log_level: unknown level \"loud\"");
	assert_logged(log, 3, "input.mode: unknown mode \"broadcast\"");
	assert_lines_name_file(log);
	config_free(&c);
	free(log);

	ck_assert_int_eq(load_text(&c, "input = { coalesce_ms = 51; };\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 1, "input.coalesce_ms: must be between 0 and 50");
	config_free(&c);
	free(log);
}
END_TEST

/* ---------------------------------------------------------------- trust */

/* An @include is read: its settings count, and an error in it names the
 * included file and its own line.  Relative paths start at the config's
 * directory; an @include inside a comment is not followed. */
START_TEST(include_read)
{
	struct config c;
	char want[700], *log;

	write_extra("inc.conf", "node = \"from-include\";\n", 0644);
	ck_assert_int_eq(load_text(&c,
		"/* @include \"missing.conf\"\n"
		"   @include \"missing.conf\" */\n"
		"@include \"inc.conf\"\n"
		"# @include \"missing.conf\"\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), 0);
	ck_assert_str_eq(c.node, "from-include");
	config_free(&c);
	free(log);

	write_extra("inc.conf", "\n\nbogus = 1;\n", 0644);
	ck_assert_int_eq(load_text(&c,
		"@include \"inc.conf\"\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	snprintf(want, sizeof(want), "%s/inc.conf:3: bogus: unknown key", tmpdir);
	ck_assert_msg(strstr(log, want) != NULL, "log lacks \"%s\":\n%s", want, log);
	config_free(&c);
	free(log);
}
END_TEST

/* An included file others (or its group) may write is refused, naming the
 * @include line: whoever writes it chooses plugins and rules. */
START_TEST(include_writable_refused)
{
	struct config c;
	char *log;

	write_extra("inc.conf", "node = \"n\";\n", 0666);
	ck_assert_int_eq(load_text(&c,
		"\n@include \"inc.conf\"\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EPERM);
	assert_logged(log, 2, "@include \"");
	ck_assert_ptr_nonnull(strstr(log, "refused: writable by others (mode 0666)"));
	config_free(&c);
	free(log);

	/* one level deeper, group-writable */
	write_extra("deep.conf", "node = \"n\";\n", 0664);
	write_extra("inc.conf", "@include \"deep.conf\"\n", 0644);
	ck_assert_int_eq(load_text(&c,
		"@include \"inc.conf\"\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EPERM);
	ck_assert_ptr_nonnull(strstr(log, "inc.conf:1: @include \""));
	ck_assert_ptr_nonnull(strstr(log, "refused: writable by its group (mode 0664)"));
	config_free(&c);
	free(log);

	/* an include loop ends at the depth limit */
	write_extra("inc.conf", "@include \"inc.conf\"\n", 0644);
	ck_assert_int_eq(load_text(&c, "@include \"inc.conf\"\n", &log), -ELOOP);
	ck_assert_ptr_nonnull(strstr(log, "nested more than"));
	config_free(&c);
	free(log);
}
END_TEST

/* The top file: group-writable, owned by another user, or a symbolic link. */
START_TEST(top_untrusted_refused)
{
	struct config c;
	char link[600], *log;

	write_conf(minimal);
	ck_assert_int_eq(chmod(conf_path, 0664), 0);
	ck_assert_int_eq(load_capture(&c, conf_path, &log), -EPERM);
	ck_assert_ptr_nonnull(strstr(log, "refused: writable by its group (mode 0664)"));
	config_free(&c);
	free(log);

	ck_assert_int_eq(chmod(conf_path, 0644), 0);
	snprintf(link, sizeof(link), "%s/link.conf", tmpdir);
	ck_assert_int_eq(symlink(conf_path, link), 0);
	ck_assert_int_eq(load_capture(&c, link, &log), -ELOOP);
	ck_assert_ptr_nonnull(strstr(log, "refused: a symbolic link"));
	config_free(&c);
	free(log);

	if (geteuid() != 0)
		return;	/* only root can give a file to another user */
	ck_assert_int_eq(chown(conf_path, 65534, 65534), 0);
	ck_assert_int_eq(load_capture(&c, conf_path, &log), -EPERM);
	ck_assert_ptr_nonnull(strstr(log, "refused: owned by uid 65534"));
	config_free(&c);
	free(log);
}
END_TEST

/* A mistyped key gets the nearest known one and the list of valid keys. */
START_TEST(unknown_key_suggested)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"message_tracking = { enabeld = true; };\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 1, "message_tracking.enabeld: unknown key; did you mean \"enabled\"? "
		      "valid keys: enabled, log_out_of_order, max_out_of_order, missed_after_ms");
	config_free(&c);
	free(log);

	ck_assert_int_eq(load_text(&c,
		"outputs = ( { plugin = \"file\"; name = \"events\"; path = \"/x\";\n"
		"\n"
		"  queue = { szie = 1; }; } );\n", &log), -EINVAL);
	assert_logged(log, 3, "output \"events\": queue.szie: unknown key; did you mean \"size\"?");
	config_free(&c);
	free(log);
}
END_TEST

/* status_interval_ms = 0 is refused (it used to become 1000 silently). */
START_TEST(status_interval_zero)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"input = { status_interval_ms = 0; };\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 1, "input.status_interval_ms: must be at least 1");
	config_free(&c);
	free(log);
}
END_TEST

/* A plugin_dir that is not there is said with its line. */
START_TEST(plugin_dir_missing)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c,
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n"
		"plugin_dir = \"/nonexistent/plugins\";\n", &log), 0);
	free(log);
	fflush(stderr);
	ck_assert_int_eq(config_check_plugin_dir(&c), -EINVAL);
	config_free(&c);
	c.plugin_dir = NULL;
	ck_assert_int_eq(load_text(&c,
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n"
		"plugin_dir = \"/tmp\";\n", &log), 0);
	ck_assert_int_eq(config_check_plugin_dir(&c), 0);
	config_free(&c);
	free(log);
}
END_TEST

/* input.path: follow's log, absolute, and only for follow. */
START_TEST(follow_path)
{
	struct config c;
	char *log;

	ck_assert_int_eq(load_text(&c, "input = { mode = \"follow\"; };\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), 0);
	ck_assert_int_eq(c.input_mode, INPUT_FOLLOW);
	ck_assert_str_eq(c.input_path, "/var/log/audit/audit.log");
	ck_assert_int_eq(c.load_rules, 0);
	config_free(&c);
	free(log);
	ck_assert_int_eq(load_text(&c, "input = {\n mode = \"follow\";\n path = \"audit.log\"; };\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 3, "input.path: must be an absolute path");
	config_free(&c);
	free(log);
	ck_assert_int_eq(load_text(&c, "input = { path = \"/var/log/audit/audit.log\"; };\n"
		"outputs = ( { plugin = \"file\"; path = \"/x\"; } );\n", &log), -EINVAL);
	assert_logged(log, 1, "input.path: only mode \"follow\" reads a file");
	config_free(&c);
	free(log);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("valid");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, minimal_defaults);
	tcase_add_test(tc, all_values);
	tcase_add_test(tc, core_output_keys);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unknown_top_key);
	tcase_add_test(tc, unknown_nested_key);
	tcase_add_test(tc, mistyped_value);
	tcase_add_test(tc, mistyped_others);
	tcase_add_test(tc, several_errors);
	tcase_add_test(tc, syntax_error);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, no_outputs);
	tcase_add_test(tc, at_most_64_outputs);
	tcase_add_test(tc, unknown_overflow);
	tcase_add_test(tc, duplicate_names);
	tcase_add_test(tc, unknown_format);
	tcase_add_test(tc, bad_output_shape);
	tcase_add_test(tc, output_core_key_errors);
	tcase_add_test(tc, range_and_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("trust");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, include_read);
	tcase_add_test(tc, include_writable_refused);
	tcase_add_test(tc, top_untrusted_refused);
	tcase_add_test(tc, unknown_key_suggested);
	tcase_add_test(tc, status_interval_zero);
	tcase_add_test(tc, plugin_dir_missing);
	tcase_add_test(tc, follow_path);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
