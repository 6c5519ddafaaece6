/* tests/unit/test_defaults.c -- etc/auditstream.conf says "each value set
 * below is the default": it is loaded and compared, field by field, with
 * what the code gives a config that sets nothing.  Only rules and outputs
 * are the file's own choice (and checked for what a newcomer needs: an
 * execve rule per architecture and a backlog limit).  The README and the
 * man page are compared with this file by tests/ops/defaults.sh. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/config/config.h"
#include "util/log.h"

#ifndef SHIPPED_CONF
#error "SHIPPED_CONF: the built etc/auditstream.conf"
#endif

static int str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

#define SAME_INT(f) ck_assert_msg(shipped.f == code.f, #f ": the file sets %lld, the code's default is %lld", \
				  (long long)shipped.f, (long long)code.f)
#define SAME_STR(f) ck_assert_msg(str_same(shipped.f, code.f), #f ": the file sets \"%s\", the code's default is \"%s\"", \
				  shipped.f ? shipped.f : "(none)", code.f ? code.f : "(none)")

START_TEST(shipped_values_are_the_defaults)
{
	struct config shipped, code;
	char path[] = "/tmp/test_defaults.XXXXXX";
	int fd = mkstemp(path);
	static const char minimal[] =
		"outputs = ( { plugin = \"file\"; name = \"events\"; path = \"/x\"; } );\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, minimal, strlen(minimal)), (int)strlen(minimal));
	close(fd);
	ck_assert_int_eq(config_load(&code, path), 0);
	unlink(path);
	ck_assert_msg(config_load(&shipped, SHIPPED_CONF) == 0, "%s does not load", SHIPPED_CONF);

	SAME_STR(plugin_dir); SAME_STR(state_dir); SAME_STR(user); SAME_STR(group);
	SAME_INT(switch_user); SAME_STR(node); SAME_INT(log_level);
	SAME_INT(input_mode); SAME_INT(enable_audit); SAME_INT(event_timeout_ms);
	SAME_INT(status_interval_ms); SAME_INT(socket_rcvbuf); SAME_INT(load_rules);
	SAME_STR(input_path);
	SAME_INT(on_exit_rules); SAME_INT(on_exit_enabled);
	SAME_INT(canary.enabled); SAME_STR(canary.path); SAME_INT(canary.interval_ms);
	SAME_INT(canary.deadline_ms);
	SAME_INT(tracking_enabled); SAME_INT(log_out_of_order); SAME_INT(max_out_of_order);
	SAME_INT(missed_after_ms); SAME_INT(drain_time_ms); SAME_INT(stats_interval_s);
	SAME_STR(metrics_path); SAME_INT(metrics_interval_s); SAME_STR(control_socket);
	SAME_INT(events_min); SAME_INT(events_max); SAME_INT(filters.n);
	SAME_INT(noutputs);
	SAME_STR(outputs[0].name); SAME_STR(outputs[0].plugin); SAME_INT(outputs[0].format);
	SAME_INT(outputs[0].queue_size); SAME_INT(outputs[0].queue_max_bytes); SAME_INT(outputs[0].overflow); SAME_INT(outputs[0].batch_max);
	SAME_INT(outputs[0].retry_base_ms); SAME_INT(outputs[0].retry_max_ms);
	SAME_INT(outputs[0].filters.n); SAME_STR(outputs[0].spool.dir);

	/* The file's own choice: what a newcomer needs to see events. */
	ck_assert_ptr_null(code.rules);
	ck_assert_ptr_nonnull(shipped.rules);
	int b64 = 0, b32 = 0, backlog = 0;
	for (int i = 0; i < config_setting_length(shipped.rules); i++) {
		const char *r = config_setting_get_string_elem(shipped.rules, i);
		b64 += strstr(r, "arch=b64") && strstr(r, "execve") != NULL;
		b32 += strstr(r, "arch=b32") && strstr(r, "execve") != NULL;
		backlog += strcmp(r, "-b 8192") == 0;
	}
	ck_assert_int_eq(b64, 1);
	ck_assert_int_eq(b32, 1);
	ck_assert_int_eq(backlog, 1);
	config_free(&shipped);
	config_free(&code);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("defaults");
	TCase *tc = tcase_create("shipped");
	SRunner *sr;
	int failed;

	log_set_level(LOG_LVL_ERR);
	tcase_add_test(tc, shipped_values_are_the_defaults);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
