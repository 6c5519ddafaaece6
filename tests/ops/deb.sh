#!/bin/sh
# The Debian packages as a user gets them: `make deb` from a fresh copy of
# the sources (configure, `make dist`, dpkg-buildpackage on the tarball),
# lintian without errors, then on this machine: dpkg -i every package, the
# installed `auditstream --check-config` on the packaged config, each
# packaged plugin loaded by --check-config and fed a replay, the SDK example
# built against the installed -dev package and loaded, and finally a purge
# that leaves none of the packages' files (dpkg -L, taken before) behind.
# Root only: it installs packages on this machine.  Skips when any of them
# is already installed (it would not leave the machine as it found it).
. "$top_srcdir/tests/lib/common.sh"
[ "$(id -u)" = 0 ] || skip "installs packages: needs root"
# Packaging does not depend on the sanitizers; tests/run-all.sh runs it once.
[ -n "${AUDITSTREAM_ONCE_DONE:-}" ] && skip "packaging already tested in the normal build of this run"
for t in dpkg-buildpackage dh fakeroot; do
	command -v $t >/dev/null || skip "$t missing (packages dpkg-dev debhelper fakeroot)"
done
PKGS="auditstream auditstream-plugin-http auditstream-plugin-kafka auditstream-plugin-redis auditstream-dev"
for p in $PKGS; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q installed && skip "$p is installed already"
done
# One packaging run at a time (a parallel run of this test would purge ours).
exec 8>/run/auditstream-deb-test.lock
flock -w 1200 8 || skip "could not take /run/auditstream-deb-test.lock"

# The system user stays after a purge (Debian's practice: its uid may still
# own files elsewhere); removed here if the machine was found without it.
had_user=$(getent passwd auditstream || true)
purge() {
	dpkg --purge $(for p in $PKGS; do echo "$p-dbgsym"; done) $PKGS >/dev/null 2>&1
	if [ -z "$had_user" ]; then
		userdel auditstream 2>/dev/null
		groupdel auditstream 2>/dev/null
	fi
}
CLEANUP_HOOKS="purge $CLEANUP_HOOKS"

# A fresh copy of the sources: the tree may be configured in place.
SRC=$TMP/src
mkdir -p "$SRC"
(cd "$top_srcdir" && if [ -d .git ]; then git ls-files -co --exclude-standard -z; else find . -type f -print0; fi) |
	(cd "$top_srcdir" && tar --null -T - -cf -) | tar -xf - -C "$SRC"
(cd "$SRC" && ./autogen.sh && ./configure && DEB_BUILD_OPTIONS="parallel=$(nproc)" make deb) >"$TMP/build.log" 2>&1 ||
	{ tail -n 60 "$TMP/build.log"; fail "make deb"; }
DEBS=$(ls "$SRC"/_pkg/deb/*.deb | grep -v -- '-dbgsym_')
note "built: $(echo $DEBS | xargs -n1 basename | tr '\n' ' ')"
for p in $PKGS; do
	ls "$SRC"/_pkg/deb/${p}_*.deb >/dev/null 2>&1 || fail "no package $p"
done

if command -v lintian >/dev/null; then
	lintian --fail-on error "$SRC"/_pkg/deb/*.changes >"$TMP/lintian" 2>&1 ||
		{ cat "$TMP/lintian"; fail "lintian reports errors"; }
	grep -v '^N:' "$TMP/lintian" | sed 's/^/# lintian: /' >&2
else
	note "lintian missing: not run"
fi

dpkg -i $DEBS >"$TMP/dpkg.log" 2>&1 || { cat "$TMP/dpkg.log"; fail "dpkg -i"; }
for p in $PKGS; do dpkg -L "$p"; done | sort -u > "$TMP/files"
# auditd's plugin config for the audisp mode, as an example (never active).
dpkg -L auditstream | grep -qx /usr/share/doc/auditstream/examples/audisp-auditstream.conf ||
	fail "auditstream lacks the audisp example"
[ -e /etc/audit/plugins.d/auditstream.conf ] && fail "the package activated an auditd plugin"
# The service is installed but neither enabled nor started.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
	systemctl is-enabled auditstream.service >/dev/null 2>&1 && fail "the service was enabled on install"
fi
[ -x /usr/sbin/auditstream ] || fail "/usr/sbin/auditstream not installed"
# The daemon's own user owns what it writes; the config (it may hold
# secrets) is root's, readable by that group only.
getent passwd auditstream >/dev/null || fail "no system user auditstream"
for d in /var/log/auditstream /var/lib/auditstream; do
	[ "$(stat -c '%a %U:%G' $d)" = "700 auditstream:auditstream" ] || fail "$d is $(stat -c '%a %U:%G' $d)"
done
[ "$(stat -c '%a %U:%G' /etc/auditstream/auditstream.conf)" = "640 root:auditstream" ] ||
	fail "the config is $(stat -c '%a %U:%G' /etc/auditstream/auditstream.conf)"
/usr/sbin/auditstream --check-config >"$TMP/cc.log" 2>&1 || { cat "$TMP/cc.log"; fail "the packaged default config"; }
grep -q "/etc/auditstream/auditstream.conf: configuration OK" "$TMP/cc.log" || fail "$(cat "$TMP/cc.log")"
man -w auditstream.conf >/dev/null 2>&1 || note "man-db cannot find auditstream.conf(5)"

plugdir=$(pkg-config --variable=plugindir auditstream-plugin) || fail "pkg-config finds no auditstream-plugin"
[ -f "$plugdir/file.so" ] || fail "plugindir $plugdir holds no file.so"
# Each packaged plugin, with the options it requires; check-config loads it.
make_events 10 1 > "$TMP/in.log"
for spec in \
	"file|path = \"$TMP/f.json\";" \
	"syslog|network = \"udp\"; address = \"127.0.0.1:9\";" \
	"gelf|address = \"127.0.0.1:9\";" \
	"http|url = \"http://127.0.0.1:9/\";" \
	"kafka|brokers = \"127.0.0.1:9\"; topic = \"t\";" \
	"redis|key = \"k\";"; do
	name=${spec%%|*}
	printf 'outputs = ( { plugin = "%s"; %s } );\n' "$name" "${spec#*|}" > "$TMP/$name.conf"
	/usr/sbin/auditstream -c "$TMP/$name.conf" --check-config >"$TMP/log" 2>&1 ||
		{ cat "$TMP/log"; fail "plugin $name does not load from the packages"; }
done
/usr/sbin/auditstream -c "$TMP/file.conf" --replay "$TMP/in.log" 2>"$TMP/log" || { cat "$TMP/log"; fail "replay"; }
[ "$(wc -l < "$TMP/f.json")" -eq 10 ] || fail "the packaged file plugin wrote $(wc -l < "$TMP/f.json") events"

# The author kit, from the -dev package, built against its headers and .pc
# in a directory of one's own; its test recipe passes with the packaged daemon.
ex=$(pkg-config --variable=examplesdir auditstream-plugin)/null
[ "$ex" = /usr/share/auditstream/examples/null ] || fail "examplesdir: $ex"
[ -f "$ex/null.c" ] || fail "example not in $ex"
mkdir "$TMP/ex" && cp -R "$ex" "$TMP/ex/" && chmod -R go-w "$TMP/ex"
make -s -C "$TMP/ex/null" CFLAGS="-O2 -Wall -Wextra -Werror" >"$TMP/exbuild" 2>&1 || { cat "$TMP/exbuild"; fail "example build"; }
make -s -C "$TMP/ex/null" check >"$TMP/excheck" 2>&1 || { cat "$TMP/excheck"; fail "the kit's make check"; }
grep -q "PASS: null received all" "$TMP/excheck" || fail "$(cat "$TMP/excheck")"
mkdir "$TMP/plug" && cp "$TMP/ex/null/null.so" "$TMP/plug/"
printf 'plugin_dir = "%s";\noutputs = ( { plugin = "null"; } );\n' "$TMP/plug" > "$TMP/null.conf"
/usr/sbin/auditstream -c "$TMP/null.conf" --replay "$TMP/in.log" 2>"$TMP/log" || { cat "$TMP/log"; fail "example plugin"; }
grep -q "output null: enqueued=10 written=10" "$TMP/log" || fail "$(cat "$TMP/log")"

dpkg --purge $PKGS >"$TMP/purge.log" 2>&1 || { cat "$TMP/purge.log"; fail "dpkg --purge"; }
left=""
while read -r f; do
	case $f in /.|/etc|/lib|/usr|/var|/usr/*/|/etc/logrotate.d) continue ;; esac
	[ -f "$f" ] || [ -L "$f" ] && left="$left $f"
	[ -d "$f" ] && [ -n "$(echo "$f" | grep auditstream)" ] && left="$left $f/"
done < "$TMP/files"
[ -z "$left" ] || fail "left behind after purge:$left"
for d in /etc/auditstream /var/log/auditstream /var/lib/auditstream /usr/include/auditstream; do
	[ -e "$d" ] && fail "$d left behind"
done
exit 0
