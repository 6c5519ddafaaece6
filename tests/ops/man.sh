#!/bin/sh
# The man pages: man(1) renders each without a single warning (groff's
# -ww), lexgrog finds a NAME line (what mandb and apropos index), and
# auditstream.conf(5) documents every key: each key of config.c's schema
# tables and each option of every plugin's table, under its plugin.
. "$top_srcdir/tests/lib/common.sh"
command -v man >/dev/null || skip "man missing (package man-db)"
command -v lexgrog >/dev/null || skip "lexgrog missing (package man-db)"

for page in auditstream.8 auditstream.conf.5 auditstream-plugin.3; do
	f=$top_builddir/doc/$page	# made from .in with configure's paths
	grep -q '@[a-zA-Z_]*@' "$f" && fail "$page: a placeholder left: $(grep -o '@[a-zA-Z_]*@' "$f" | head -1)"
	[ -f "$f" ] || fail "$page missing"
	MANWIDTH=80 man --warnings=all -l "$f" >"$TMP/out" 2>"$TMP/err" || fail "$page: man failed: $(cat "$TMP/err")"
	# A path too long to break (distcheck's prefix) cannot be adjusted; not a defect of the page.
	grep -v "cannot adjust line" "$TMP/err" > "$TMP/err.real"
	[ -s "$TMP/err.real" ] && fail "$page: warnings: $(cat "$TMP/err.real")"
	[ "$(wc -l < "$TMP/out")" -gt 20 ] || fail "$page: rendered to almost nothing"
	lexgrog "$f" >/dev/null || fail "$page: lexgrog finds no NAME section"
done

py "$top_srcdir" "$top_builddir" <<'PY' || exit 1
import glob, os, re, sys
top = sys.argv[1]
man = open(os.path.join(sys.argv[2], 'doc/auditstream.conf.5')).read()
src = open(os.path.join(top, 'core/config/config.c')).read()
tables = {}
for name, body in re.findall(r'static const struct key (\w+)\[\] = \{(.*?)\n\};', src, re.S):
    tables[name] = re.findall(r'\{ "(\w+)", CONFIG_TYPE_\w+, (\w+) \}', body)
def walk(table, prefix):
    for key, children in tables[table]:
        if children != 'NULL':
            yield from walk(children, prefix + key + '.')
        else:
            yield prefix + key
keys = list(walk('top_keys', '')) + list(walk('output_keys', ''))
documented = set(re.findall(r'^\.B (\S+)$', man, re.M))
err = ['core key %s is not documented (want a ".B %s" line)' % (k, k) for k in keys if k not in documented]
if len(keys) < 35:
    err.append('only %d core keys found in config.c: the parser is broken' % len(keys))
sections = {m.group(1): m.end() for m in re.finditer(r'^\.SS (\w+)$', man, re.M)}
nplug = 0
for path in sorted(glob.glob(os.path.join(top, 'plugins/*/*.c'))):
    plugin = os.path.basename(os.path.dirname(path))
    opts = re.findall(r'^\s*\{ (?:\.name = )?"(\w+)", (?:\.type = )?AUDITSTREAM_OPT_\w+,', open(path).read(), re.M)
    if not opts:
        continue
    nplug += 1
    if plugin not in sections:
        err.append('plugin %s has no ".SS %s" section' % (plugin, plugin))
        continue
    start = sections[plugin]
    end = min([v for v in sections.values() if v > start] + [man.find('\n.SH ', start) % (len(man) + 1)])
    text = set(re.findall(r'^\.B (\S+)$', man[start:end], re.M))
    err += ['plugin %s: option %s is not documented' % (plugin, o) for o in opts if o not in text]
for e in err:
    print('FAIL: ' + e)
print('# %d core keys, %d plugins checked' % (len(keys), nplug))
sys.exit(1 if err else 0)
PY
