# etc/: the systemd unit, the logrotate snippet (the config is in Makefile.am).
# The unit directory is a make variable, so packagers can say where:
#   make install systemdsystemunitdir=/lib/systemd/system
systemdsystemunitdir = $(prefix)/lib/systemd/system
systemdsystemunit_DATA = etc/auditstream.service
logrotatedir = $(sysconfdir)/logrotate.d
logrotate_DATA = etc/logrotate.d/auditstream
CLEANFILES = etc/auditstream.service etc/logrotate.d/auditstream etc/auditstream.conf
EXTRA_DIST += etc/auditstream.service.in etc/auditstream.logrotate etc/auditstream.conf.in

etc/auditstream.service: etc/auditstream.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		$(srcdir)/etc/auditstream.service.in > $@.tmp && mv $@.tmp $@
# Installed under the package's name, as logrotate.d expects.
etc/logrotate.d/auditstream: etc/auditstream.logrotate
	$(AM_V_GEN)$(MKDIR_P) etc/logrotate.d && cp $(srcdir)/etc/auditstream.logrotate $@

# The config and the man pages name the paths configure chose.  Mode 0644
# here: group/other-writable would be refused (umask 002 builds).
SUBST_PATHS = sed -e 's|@confdir[@]|$(confdir)|g' -e 's|@pluginsdir[@]|$(pluginsdir)|g' \
	-e 's|@statedir[@]|$(statedir)|g' -e 's|@logdir[@]|$(logdir)|g' \
	-e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@libdir[@]|$(libdir)|g' -e 's|@DAEMON_USER[@]|$(DAEMON_USER)|g'
etc/auditstream.conf: etc/auditstream.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && $(SUBST_PATHS) $(srcdir)/etc/auditstream.conf.in > $@.tmp && \
		chmod 0644 $@.tmp && mv $@.tmp $@

# auditd's plugin config for the audisp mode (auditstream --replay - under
# auditd): an example to copy to /etc/audit/plugins.d/, never active itself.
audispexampledir = $(docdir)/examples
dist_audispexample_DATA = etc/audisp-auditstream.conf
