# doc/: the man pages (checked by tests/ops/man.sh).
dist_man_MANS = doc/auditstream.8 doc/auditstream.conf.5 doc/auditstream-plugin.3
