#!/bin/sh
# Container identity on the real kernel: cgroup v2 directories shaped like
# the scopes docker, containerd (CRI, kubepods), cri-o, podman and
# systemd-nspawn create, a process moved into each (cgroup.procs) that then
# execs; the enriched events of those execs carry PID.cgroup (the path
# /proc/PID/cgroup shows) and PID.container {runtime, id}.  A process in a
# plain scope gets its cgroup and no container.  With goaudit_container the
# goaudit events carry the same.  A process that moves to another cgroup
# and back gets the cgroup it is in at each exec (the daemon keeps the path
# of each cgroup id it has read).  Directories are removed.
. "$top_srcdir/tests/kernel/lib.sh"

V2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$V2" ] || cannot_run "no cgroup v2 hierarchy mounted"
TOP=astest-$$.slice
mkdir "$V2/$TOP" 2>/dev/null || cannot_run "cannot make cgroups under $V2"
PIDS=""
cgroup_restore() {
	for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for p in $(cat "$TMP/movepids" 2>/dev/null); do kill "$p" 2>/dev/null; done
	find "$V2/$TOP" -depth -type d -exec rmdir {} \; 2>/dev/null
	[ ! -d "$V2/$TOP" ] || echo "WARNING: $V2/$TOP left behind" >&2
}
CLEANUP_HOOKS="cgroup_restore $CLEANUP_HOOKS"

id() { printf '%s' "$1" | sha256sum | cut -c1-64; }
D1=$(id docker) D2=$(id containerd) D3=$(id crio) D4=$(id podman)
# tag  path under $TOP  runtime  id
cat > "$TMP/cases" <<CASES
docker system.slice/docker-$D1.scope docker $D1
cri kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e.slice/cri-containerd-$D2.scope containerd $D2
crio kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod9a8b.slice/crio-$D3.scope cri-o $D3
podman machine.slice/libpod-$D4.scope podman $D4
nspawn machine.slice/systemd-nspawn@astest.service systemd-nspawn astest
plain user.slice/session-9.scope - -
CASES

EXTRA_CONFIG='goaudit_container = true;' write_config "$TMP/a.conf" \
	"plugin = \"file\"; path = \"$TMP/out.json\"; format = \"enriched\";" \
	"plugin = \"file\"; name = \"goaudit\"; path = \"$TMP/goaudit.json\";"
start_daemon "$TMP/a.conf" "$TMP/log"
auditctl -a always,exit -F arch=b64 -S execve -F key=astest-ctr >/dev/null || fail "auditctl -a"

tag=astest-$$-$(date +%s%N)
while read -r name path runtime cid; do
	mkdir -p "$V2/$TOP/$path" || fail "mkdir $V2/$TOP/$path"
	# Into the cgroup first, then an exec that names the case; sleep keeps
	# the pid alive while the daemon reads /proc/PID/cgroup.
	sh -c 'echo $$ > "$1/cgroup.procs" && exec /bin/sh -c "exec /bin/sleep 30" "$2"' \
		x "$V2/$TOP/$path" "$tag-$name" &
	PIDS="$PIDS $!"
done < "$TMP/cases"
for name in $(cut -d' ' -f1 "$TMP/cases"); do
	wait_for 15 grep -q "$tag-$name" "$TMP/out.json" || { cat "$TMP/log"; fail "no event for $name"; }
done
# One shell moves a -> b -> a; a child of it execs at each stop and sleeps
# (alive while the daemon looks), the next move only once its event is out.
mkdir -p "$V2/$TOP/move/a" "$V2/$TOP/move/b" || fail "mkdir $V2/$TOP/move"
sh -c 'd=$1 tag=$2 out=$3 pids=$4
	for step in 1:a 2:b 3:a; do
		n=${step%%:*}
		echo $$ > "$d/${step#*:}/cgroup.procs" || exit 1
		/bin/sh -c "exec /bin/sleep 30" "$tag-move$n" &
		echo $! >> "$pids"
		i=0
		until grep -q "$tag-move$n" "$out"; do
			i=$((i + 1)); [ $i -lt 300 ] || exit 1; sleep 0.05
		done
	done' x "$V2/$TOP/move" "$tag" "$TMP/out.json" "$TMP/movepids" ||
	{ cat "$TMP/log"; fail "the moving shell failed (no event in 15 s?)"; }
auditctl -D >/dev/null
stop_daemon "$DPID" || fail "daemon exit status on SIGTERM"	# checks the law too
grep -q "followed by a wait of 0 ms (input.coalesce_ms, default: 0 as an output reads processes" "$TMP/log" ||
	fail "an output reads /proc: reads must not wait; $(grep coalesce "$TMP/log")"

py "$TMP/out.json" "$TMP/cases" "$tag" "/$TOP" "$TMP/goaudit.json" <<'PY' || exit 1
import json, sys
out, cases, tag, top, ga = sys.argv[1:6]
events = [json.loads(l) for l in open(out)]
# goaudit_container = true: the same in goaudit's "container", by serial
gev = {e['sequence']: e for e in map(json.loads, open(ga)) if 'sequence' in e}
bad = []
for line in open(cases):
    name, path, runtime, cid = line.split()
    # the exec made inside the cgroup (not the sh that moved there, nor grep)
    hits = [e for e in events
            if e.get('EXECVE', {}).get('ARGV', []) == ['/bin/sh', '-c', 'exec /bin/sleep 30', tag + '-' + name]]
    if len(hits) != 1:
        bad.append('%s: %d events' % (name, len(hits))); continue
    pid = hits[0]['SYSCALL'].get('PID')
    if not pid:
        bad.append('%s: no PID in %r' % (name, hits[0]['SYSCALL'])); continue
    if pid.get('cgroup') != top + '/' + path:
        bad.append('%s: cgroup %r, want %r' % (name, pid.get('cgroup'), top + '/' + path))
    want = None if runtime == '-' else {'runtime': runtime, 'id': cid}
    if pid.get('container') != want:
        bad.append('%s: container %r, want %r' % (name, pid.get('container'), want))
    g = gev.get(hits[0]['serial'], {}).get('container')
    gwant = dict(pid=hits[0]['SYSCALL']['pid'], cgroup=top + '/' + path, **(want or {}))
    if g != gwant:
        bad.append('%s: goaudit container %r, want %r' % (name, g, gwant))
    print('# %s: %s' % (name, json.dumps(pid)))
for n, g in (1, 'a'), (2, 'b'), (3, 'a'):
    hits = [e for e in events
            if e.get('EXECVE', {}).get('ARGV', []) == ['/bin/sh', '-c', 'exec /bin/sleep 30', '%s-move%d' % (tag, n)]]
    want = '%s/move/%s' % (top, g)
    got = [h['SYSCALL'].get('PID', {}).get('cgroup') for h in hits]
    if got != [want]:
        bad.append('move%d: cgroups %r, want [%r]' % (n, got, want))
    print('# move%d: %r' % (n, got))
for b in bad:
    print('FAIL:', b)
sys.exit(1 if bad else 0)
PY
