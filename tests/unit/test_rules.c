/* tests/unit/test_rules.c -- the rule parser, without a kernel: auditctl
 * lines become the commands auditctl would send (checked by printing them
 * back in auditctl syntax), "-e 2" is held back to be applied last, and bad
 * lines are refused with a reason. */
#include <check.h>
#include <errno.h>
#include <libaudit.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/netlink/rules.h"
#include "input/netlink/rules_load.h"

static struct ruleset rs;
static char err[512];

static void setup(void)
{
	ruleset_init(&rs);
}

static void teardown(void)
{
	ruleset_free(&rs);
}

static int parse(const char *line)
{
	return rules_parse_line(&rs, line, "test:1", err, sizeof(err));
}

/* Parses line into one command and prints its rule back. */
static void roundtrip(const char *line, const char *want)
{
	char *text;
	size_t before = rs.n;

	ck_assert_msg(parse(line) == 0, "%s: %s", line, err);
	ck_assert_uint_eq(rs.n, before + 1);
	ck_assert_ptr_nonnull(rs.cmds[before].data);
	ck_assert_int_eq(rules_format(rs.cmds[before].data, rs.cmds[before].size, &text), 0);
	ck_assert_str_eq(text, want);
	free(text);
}

static void refuse(const char *line, const char *reason)
{
	size_t before = rs.n;

	ck_assert_int_eq(parse(line), -EINVAL);
	ck_assert_msg(strstr(err, reason) != NULL, "%s: got \"%s\", want \"%s\"", line, err, reason);
	ck_assert_uint_eq(rs.n, before);
}

START_TEST(syscall_rules)
{
	roundtrip("-a always,exit -F arch=b64 -S execve -k exec",
		  "-a always,exit -F arch=b64 -S execve -F key=exec");
	roundtrip("-a exit,always -F arch=b32 -S open,openat -F success=0",
		  "-a always,exit -F arch=b32 -S open,openat -F success=0");
	roundtrip("-a always,exit -F arch=b64 -S 59,kill -F auid>=1000 -F auid!=unset -F key=a -k b",
		  "-a always,exit -F arch=b64 -S execve,kill -F auid>=1000 -F auid!=-1 -F key=a -F key=b");
	roundtrip("-a never,exit -F arch=b64 -S all -F uid<5 -F gid<=6 -F pid>7 -F ppid!=8",
		  "-a never,exit -F arch=b64 -S all -F uid<5 -F gid<=6 -F pid>7 -F ppid!=8");
	roundtrip("-a always,exit -F arch=b64 -S openat -F a1&=0x3 -F a2&64 -F exit=-EACCES",
		  "-a always,exit -F arch=b64 -S openat -F a1&=0x3 -F a2&0x40 -F exit=-EACCES");
	roundtrip("-a always,exit -F arch=b64 -S execve -C uid!=euid -C auid=uid",
		  "-a always,exit -F arch=b64 -S execve -C uid!=euid -C uid=auid");
	/* auditctl -l shows a path and perm rule as the watch it is */
	roundtrip("-a always,exit -F path=/usr/bin/passwd -F perm=x",
		  "-w /usr/bin/passwd -p x");
	roundtrip("-a always,exit -F path=/usr/bin/passwd -F perm=x -F auid>=1000",
		  "-a always,exit -S all -F path=/usr/bin/passwd -F perm=x -F auid>=1000");
}
END_TEST

START_TEST(prepend_and_delete)
{
	ck_assert_int_eq(parse("-A always,exit -F arch=b64 -S getpid"), 0);
	ck_assert_int_eq(rs.cmds[0].kind, RULE_ADD);
	ck_assert_uint_eq(rs.cmds[0].data->flags, AUDIT_FILTER_EXIT | AUDIT_FILTER_PREPEND);
	ck_assert_int_eq(parse("-d always,exit -F arch=b64 -S getpid"), 0);
	ck_assert_int_eq(rs.cmds[1].kind, RULE_DEL);
	ck_assert_uint_eq(rs.cmds[1].data->flags, AUDIT_FILTER_EXIT);
	ck_assert_int_eq(parse("-D"), 0);
	ck_assert_int_eq(rs.cmds[2].kind, RULE_DELETE_ALL);
	ck_assert_str_eq(rs.cmds[2].where, "test:1");
	ck_assert_str_eq(rs.cmds[2].text, "-D");
}
END_TEST

START_TEST(other_lists)
{
	roundtrip("-a never,exclude -F msgtype=CWD", "-a never,exclude -F msgtype=CWD");
	roundtrip("-a always,user -F uid=0", "-a always,user -F uid=0");
	roundtrip("-a never,task -F uid=65534", "-a never,task -F uid=65534");
}
END_TEST

START_TEST(watches)
{
	roundtrip("-w /etc/passwd -p wa -k identity", "-w /etc/passwd -p wa -k identity");
	roundtrip("-w /etc/ -p r", "-w /etc -p r");
	roundtrip("-w /etc/shadow", "-w /etc/shadow -p rwxa");
	roundtrip("-w /etc/not-there-yet -p WA -k a -k b", "-w /etc/not-there-yet -p wa -k a -k b");
	roundtrip("-w /tmp/with\\ space -p x", "-w /tmp/with space -p x");
	ck_assert_int_eq(rs.cmds[1].data->fields[0], AUDIT_DIR);
	ck_assert_int_eq(rs.cmds[0].data->fields[0], AUDIT_WATCH);
}
END_TEST

START_TEST(controls_and_immutable)
{
	ck_assert_int_eq(parse("-b 8192"), 0);
	ck_assert_int_eq(parse("--backlog_wait_time 60000"), 0);
	ck_assert_int_eq(parse("-r 100 -f 2"), 0);
	ck_assert_int_eq(parse("-e 1"), 0);
	ck_assert_int_eq(parse("-e 2"), 0);
	ck_assert_uint_eq(rs.n, 5);	/* -e 2 is not among the commands ... */
	ck_assert_int_eq(rs.immutable, 1);	/* ... but held back for the end */
	ck_assert_str_eq(rs.immutable_where, "test:1");
	ck_assert_uint_eq(rs.cmds[0].set_mask, AUDIT_STATUS_BACKLOG_LIMIT);
	ck_assert_uint_eq(rs.cmds[0].set_value, 8192);
	ck_assert_uint_eq(rs.cmds[1].set_mask, AUDIT_STATUS_BACKLOG_WAIT_TIME);
	ck_assert_uint_eq(rs.cmds[2].set_mask, AUDIT_STATUS_RATE_LIMIT);
	ck_assert_uint_eq(rs.cmds[3].set_mask, AUDIT_STATUS_FAILURE);
	ck_assert_uint_eq(rs.cmds[3].set_value, 2);
	ck_assert_uint_eq(rs.cmds[4].set_mask, AUDIT_STATUS_ENABLED);
	ck_assert_uint_eq(rs.cmds[4].set_value, 1);
}
END_TEST

START_TEST(comments_and_blanks)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_int_eq(parse("   \t "), 0);
	ck_assert_int_eq(parse("# -a always,exit -S bogus"), 0);
	ck_assert_int_eq(parse("  ## indented comment"), 0);
	ck_assert_uint_eq(rs.n, 0);
}
END_TEST

START_TEST(bad_lines)
{
	refuse("-a always,exit -F arch=b64 -S nosuchcall", "unknown syscall \"nosuchcall\"");
	refuse("-a always,exit -F arch=b64 -S open -F bogus=1", "unknown field \"bogus\"");
	refuse("-a always,exit -F arch>=b64", "only takes = or !=");
	refuse("-a always,exit -F uid~0", "missing or unknown operator");
	refuse("-a always,exit -F uid=", "missing value");
	refuse("-a always,exit -S open -F arch=b64", "arch must be given before -S");
	refuse("-a always,exit -F msgtype=CWD", "msgtype can only be used");
	refuse("-a never,exclude -S open", "cannot go on the exclude list");
	refuse("-a always,task -F exit=1", "exit list");
	refuse("-a always", "must be LIST,ACTION");
	refuse("-a exit,possible", "deprecated");
	refuse("-a always,exit -a always,exit", "only one of");
	refuse("-F uid=0", "must be given before -F");
	refuse("-S open", "no list given");
	refuse("-k key", "-k needs a watch or a syscall");
	refuse("-w etc/passwd", "must be absolute");
	refuse("-w /no-such-dir-auditstream/x", "directory does not exist");
	refuse("-w /etc/passwd -p rwq", "permission 'q'");
	refuse("-a always,exit -w /etc/passwd", "cannot be combined");
	refuse("-a always,exit -F dir=/no-such-dir-auditstream", "no such directory");
	refuse("-e 2x", "-e must be 0, 1 or 2");
	refuse("-f 3", "-f must be 0, 1 or 2");
	refuse("-b -1", "-b needs a number");
	refuse("-r", "needs a value");
	refuse("-D -k x", "-D must stand alone");
	refuse("-s", "not supported in rules");
	refuse("--reset-lost", "not supported in rules");
	refuse("-a always,exit stray", "\"stray\" is not an option");
	ck_assert_int_eq(rs.immutable, 0);
}
END_TEST

/* A rules file decides what is audited: one its group or others may write,
 * or a symlink, is refused like a config file; a trusted one is read. */
START_TEST(rules_file_trust)
{
	char dir[] = "/tmp/test_rules.XXXXXX", path[64], link[64];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.rules", dir);
	snprintf(link, sizeof(link), "%s/l.rules", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("-a always,exit -F arch=b64 -S getpid -k t\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(rules_parse_path(&rs, path), -EPERM);
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(rules_parse_path(&rs, link), -ELOOP);
	ck_assert_int_eq(rules_parse_path(&rs, path), 0);
	ck_assert_uint_eq(rs.n, 1);
	unlink(link);
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, syscall_rules);
	tcase_add_test(tc, prepend_and_delete);
	tcase_add_test(tc, other_lists);
	tcase_add_test(tc, watches);
	tcase_add_test(tc, controls_and_immutable);
	tcase_add_test(tc, comments_and_blanks);
	tcase_add_test(tc, bad_lines);
	tcase_add_test(tc, rules_file_trust);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rules_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
