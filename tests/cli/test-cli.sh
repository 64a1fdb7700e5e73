#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's command line as a user meets it: --help lists every option of
# the table, bad input gives one line and exit 1, the socket is created,
# guarded against a live owner and reclaimed from a dead one.  TAP output.
set -u
bin=${VFSD_BINARY:-$(dirname "$0")/../../src/virtiofsd}
srcdir=${VFSD_TOP_SRCDIR:-$(dirname "$0")/../..}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/tap.sh"

# expect_fail DESC PATTERN ARGS...: exit status 1, one line on stderr
# matching PATTERN, nothing on stdout.
expect_fail() {
	local d=$1 pat=$2; shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$? lines
	lines=$(wc -l <"$tmp/err")
	if [ $rc = 1 ] && [ "$lines" = 1 ] && grep -q -- "$pat" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "$d"
	else
		nok "$d" "rc=$rc lines=$lines" "$(cat "$tmp/err")"
	fi
}

"$bin" --help >"$tmp/help" 2>&1
check "--help exits 0" test $? = 0
missing=""
for name in $(sed -n 's/^OPT("\([^"]*\)".*/\1/p' "$srcdir/src/cli/options.def"); do
	grep -q -- "--$name" "$tmp/help" || missing="$missing $name"
done
check "--help lists every option of options.def${missing:+ (missing:$missing)}" test -z "$missing"
check "--help documents -o compatibility" grep -q -- "-o, --options" "$tmp/help"

out=$("$bin" --version); check "--version prints the version" test "${out#virtiofsd }" != "$out"
out=$("$bin" -V); check "-V prints the version" test "${out#virtiofsd }" != "$out"
"$bin" --print-capabilities >"$tmp/caps"
check "--print-capabilities names type fs" grep -q '"type": "fs"' "$tmp/caps"

mkdir "$tmp/share"
expect_fail "no arguments" "--shared-dir" 
expect_fail "no socket" "--socket-path or --fd" --shared-dir="$tmp/share"
expect_fail "unknown option" "frobnicate" --frobnicate
expect_fail "unknown -o key" "bogus" --fd=5 -o source="$tmp/share",bogus
expect_fail "bad cache" "--cache" --fd=5 --shared-dir="$tmp/share" --cache=often
expect_fail "bad number" "thread-pool-size" --fd=5 --shared-dir="$tmp/share" --thread-pool-size=many
expect_fail "missing shared dir" "does-not-exist" --socket-path="$tmp/s0" --shared-dir="$tmp/does-not-exist"
touch "$tmp/file"
expect_fail "shared dir is a file" "not a directory" --socket-path="$tmp/s0" --shared-dir="$tmp/file"
expect_fail "fd that is not a socket" "not a listening" --fd=9 --shared-dir="$tmp/share" 9<"$tmp/file"
expect_fail "fd that is not open" "not a listening" --fd=77 --shared-dir="$tmp/share"

# A live daemon owns its socket: a second one must refuse it.
"$bin" --socket-path="$tmp/live.sock" --shared-dir="$tmp/share" --sandbox=none 2>"$tmp/d1.log" &
d1=$!
for _ in $(seq 100); do [ -S "$tmp/live.sock" ] && break; sleep 0.05; done
check "socket created at --socket-path" test -S "$tmp/live.sock"
expect_fail "socket of a live daemon is refused" "in use" --socket-path="$tmp/live.sock" --shared-dir="$tmp/share" --sandbox=none
check "refused daemon left the live socket alone" test -S "$tmp/live.sock"
kill -TERM $d1; wait $d1; rc=$?
check "SIGTERM before a frontend connects: exit 0" test $rc = 0
check "socket removed at exit" test ! -e "$tmp/live.sock"

# A stale socket (its daemon killed, nobody listening) is replaced.
"$bin" --socket-path="$tmp/stale.sock" --shared-dir="$tmp/share" --sandbox=none 2>/dev/null &
d0=$!
for _ in $(seq 100); do [ -S "$tmp/stale.sock" ] && break; sleep 0.05; done
kill -KILL $d0; wait $d0 2>/dev/null
check "a killed daemon leaves a stale socket behind" test -S "$tmp/stale.sock"
"$bin" --socket-path="$tmp/stale.sock" --shared-dir="$tmp/share" --sandbox=none 2>"$tmp/d2.log" &
d2=$!
for _ in $(seq 100); do grep -q "waiting" "$tmp/d2.log" && break; sleep 0.05; done
check "stale socket is reclaimed" grep -q waiting "$tmp/d2.log"
kill -TERM $d2; wait $d2

# Every option but the actions is a key of the configuration file, in the
# annotated example and in virtiofsd.conf(5), and the example loads.
builddir=${VFSD_TOP_BUILDDIR:-$srcdir}
example=$builddir/data/virtiofsd.conf.example
[ -f "$example" ] || example=$srcdir/data/virtiofsd.conf.example
conf5=$builddir/man/virtiofsd.conf.5
[ -f "$conf5" ] || conf5=$srcdir/man/virtiofsd.conf.5
missing_ex="" missing_man=""
for name in $(sed -n 's/^OPT("\([^"]*\)".*/\1/p' "$srcdir/src/cli/options.def"); do
	case $name in config|version|print-capabilities) continue ;; esac
	grep -q "^#\?$name=" "$example" || missing_ex="$missing_ex $name"
	grep -q -- "$(echo "$name" | sed 's/-/\\\\-/g')" "$conf5" || missing_man="$missing_man $name"
done
check "every option is a key in the example config${missing_ex:+ (missing:$missing_ex)}" test -z "$missing_ex"
check "every option is a key in virtiofsd.conf(5)${missing_man:+ (missing:$missing_man)}" test -z "$missing_man"
sed -e "s|^shared-dir=.*|shared-dir=$tmp/share|" "$example" >"$tmp/example.conf"
printf 'socket-path=%s\nsandbox=none\n' "$tmp/ex.sock" >>"$tmp/example.conf"
"$bin" --config="$tmp/example.conf" 2>"$tmp/d3.log" &
d3=$!
for _ in $(seq 100); do grep -q "waiting" "$tmp/d3.log" && break; sleep 0.05; done
check "the example config starts the daemon" grep -q "waiting" "$tmp/d3.log"
kill -TERM $d3 2>/dev/null; wait $d3
printf '[virtiofsd]\nshared-dir=%s\nfrobnicate=1\n' "$tmp/share" >"$tmp/bad.conf"
expect_fail "unknown config key names file and key" "bad.conf: unknown key 'frobnicate'" --config="$tmp/bad.conf" --fd=5

echo "1..$n"
exit 0
