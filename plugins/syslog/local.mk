# plugins/syslog: build and tests of the syslog plugin (not written yet).
