# plugins/syslog: plain sockets, no library beyond libc.  The tests run a
# private rsyslogd (Debian package rsyslog) and skip without it.
plugins_LTLIBRARIES += plugins/syslog.la
plugins_syslog_la_SOURCES = plugins/syslog/syslog.c
plugins_syslog_la_LDFLAGS = $(AM_LDFLAGS) $(PLUGIN_LDFLAGS)
SCRIPT_TESTS += tests/plugins/syslog.sh tests/plugins/syslog_restart.sh \
	tests/plugins/syslog_options.sh
EXTRA_DIST += tests/plugins/syslog_lib.sh
