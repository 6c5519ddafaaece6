# etc/: the systemd unit, the logrotate snippet (the config is in Makefile.am).
# The unit directory is a make variable, so packagers can say where:
#   make install systemdsystemunitdir=/lib/systemd/system
systemdsystemunitdir = $(prefix)/lib/systemd/system
systemdsystemunit_DATA = etc/auditstream.service
logrotatedir = $(sysconfdir)/logrotate.d
logrotate_DATA = etc/logrotate.d/auditstream
CLEANFILES = etc/auditstream.service etc/logrotate.d/auditstream
EXTRA_DIST += etc/auditstream.service.in etc/auditstream.logrotate

etc/auditstream.service: etc/auditstream.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		$(srcdir)/etc/auditstream.service.in > $@.tmp && mv $@.tmp $@
# Installed under the package's name, as logrotate.d expects.
etc/logrotate.d/auditstream: etc/auditstream.logrotate
	$(AM_V_GEN)$(MKDIR_P) etc/logrotate.d && cp $(srcdir)/etc/auditstream.logrotate $@
