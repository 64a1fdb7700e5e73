#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Logging to the journal.  In a private mount namespace, with a tmpfs over
# /run, a datagram socket this test owns takes the place of journald's
# native socket (/run/systemd/journal/socket); the test then reads back
# what the daemon sent: the fields of every entry, the instance and shared
# directory, the choice of target (--log-target, $JOURNAL_STREAM, --syslog,
# fallback to stderr) and --log-level filtering.  TAP output.
set -u
. "$(dirname "$0")/service-lib.sh"

missing=
[ "$(id -u)" = 0 ] || missing="needs root (mount namespace)"
command -v unshare >/dev/null || missing=${missing:-"no unshare(1)"}
[ -x "$sink" ] && [ -x "$client" ] || missing=${missing:-"helpers not built"}
[ -z "$missing" ] || tap_cannot_run "$missing"

# Everything below runs in a mount namespace of its own.
if [ -z "${VFSD_JOURNAL_TEST_NS:-}" ]; then
	VFSD_JOURNAL_TEST_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
mount -t tmpfs -o mode=0755 tmpfs /run || { echo "1..1"; echo "not ok 1 - tmpfs over /run"; exit 1; }
mkdir -p /run/systemd/journal

tmp=$(mktemp -d)
share=$tmp/share
mkdir -p "$share"
jout=$tmp/journal.txt
cleanup() {
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# entries INSTANCE: the entries (blank-line separated) of one instance.
entries() {
	awk -v RS= -v inst="VIRTIOFSD_INSTANCE=$1" 'index("\n" $0 "\n", "\n" inst "\n") { print; print "" }' "$jout"
}
# entry INSTANCE TEXT: the first entry of INSTANCE whose MESSAGE has TEXT.
entry() {
	entries "$1" | awk -v RS= -v txt="$2" '{ n = split($0, f, "\n"); for (i = 1; i <= n; i++) if (f[i] ~ /^MESSAGE=/ && index(f[i], txt)) { print; exit } }'
}
has_field() { printf '%s\n' "$1" | grep -qx -- "$2"; }


# run_until_ready NAME ARGS...: start the daemon on $tmp/NAME.sock and wait
# for its socket; the PID is in $dpid.
run_until_ready() {
	local name=$1; shift
	"$bin" --socket-path="$tmp/$name.sock" --shared-dir="$share" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	dpid=$!
	for _ in $(seq 200); do
		[ -S "$tmp/$name.sock" ] && return 0
		kill -0 "$dpid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
# finish: wait for the daemon, at most 10 s; status in $drc.
finish() { wait_pid "$dpid"; }


check "journal stand-in is listening" start_sink /run/systemd/journal/socket "$jout"

# 1. --log-target=journal, a whole session: a frontend connects, writes a
# file and hangs up.  The default sandbox (namespace) runs in between, so
# this also shows the journal connection survives pivot_root.
if run_until_ready vm7 --log-target=journal --log-level=debug; then
	"$client" "$tmp/vm7.sock" hello.txt "from the frontend" >"$tmp/client.err" 2>&1
	crc=$?
	finish
	check "a frontend session works (client status $crc, daemon status $drc)" test "$crc$drc" = 00
else
	nok "daemon with --log-target=journal starts" "$(cat "$tmp/vm7.err")"
	finish
fi
e=$(entry vm7 "waiting for a vhost-user frontend")
check "the start-up message reached the journal" test -n "$e"
check "MESSAGE names the shared directory" has_field "$e" "MESSAGE=waiting for a vhost-user frontend (sharing $share, cache=auto, sandbox=namespace)"
check "PRIORITY=6 for info" has_field "$e" "PRIORITY=6"
check "SYSLOG_IDENTIFIER=virtiofsd" has_field "$e" "SYSLOG_IDENTIFIER=virtiofsd"
check "CODE_FILE, CODE_LINE, CODE_FUNC" bash -c 'grep -qx "CODE_FILE=.*main\.c" <<<"$1" && grep -qx "CODE_LINE=[1-9][0-9]*" <<<"$1" && grep -qx "CODE_FUNC=[a-z_][a-z_0-9]*" <<<"$1"' _ "$e"
check "VIRTIOFSD_INSTANCE=vm7 (the socket's name)" has_field "$e" "VIRTIOFSD_INSTANCE=vm7"
check "VIRTIOFSD_SHARED_DIR is the shared directory" has_field "$e" "VIRTIOFSD_SHARED_DIR=$share"
e=$(entry vm7 "frontend connected")
check "messages logged inside the sandbox arrive" test -n "$e"
e=$(entry vm7 "frontend disconnected, exiting")
check "the disconnect is logged, with its instance and directory" bash -c 'grep -qx "VIRTIOFSD_SHARED_DIR=$2" <<<"$1" && grep -qx PRIORITY=6 <<<"$1"' _ "$e" "$share"
dbg=$(entries vm7 | grep -cx PRIORITY=7)
check "debug messages are sent at --log-level=debug ($dbg with PRIORITY=7)" test "$dbg" -gt 0
check "every datagram was well formed" bash -c '! grep -qx "!malformed" "$1"' _ "$jout"
check "nothing went to stderr" test ! -s "$tmp/vm7.err"

# 2. No option, stderr is the journal's stream ($JOURNAL_STREAM matches
# stderr's device and inode, as systemd sets it): native journal protocol.
: >"$tmp/vm8.err"
if JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/vm8.err") run_until_ready vm8; then
	wait_for "$jout" "VIRTIOFSD_INSTANCE=vm8"
	kill -TERM "$dpid"
fi
finish
check "JOURNAL_STREAM on stderr selects the journal (status $drc)" test -n "$(entry vm8 "waiting for a vhost-user frontend")"
check "... and a signal before any frontend is logged there too" test -n "$(entry vm8 "stopped by a signal")"

# 3. JOURNAL_STREAM naming some other stream: stderr it is.
: >"$tmp/other"
if JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/other") run_until_ready vm9; then
	wait_for "$tmp/vm9.err" "waiting for a vhost-user frontend"
	kill -TERM "$dpid"
fi
finish
check "a JOURNAL_STREAM that is not stderr leaves logging on stderr" bash -c 'grep -q "waiting for a vhost-user frontend" "$1" && ! grep -q VIRTIOFSD_INSTANCE=vm9 "$2"' _ "$tmp/vm9.err" "$jout"

# 4. --syslog means the system log, which is the journal where one listens.
if run_until_ready vm10 --syslog; then
	wait_for "$jout" "VIRTIOFSD_INSTANCE=vm10"
	kill -TERM "$dpid"
fi
finish
check "--syslog logs to the journal where it is present" test -n "$(entry vm10 "waiting for a vhost-user frontend")"

# 5. --log-level filters the journal too.
if run_until_ready vm11 --log-target=journal --log-level=error; then
	sleep 0.5
	kill -TERM "$dpid"
fi
finish
check "--log-level=error keeps info messages out of the journal" test -z "$(entries vm11)"

# 6. No journal listening: --log-target=journal falls back to stderr.
stop_sink
rm -f /run/systemd/journal/socket
if run_until_ready vm12 --log-target=journal; then
	wait_for "$tmp/vm12.err" "waiting for a vhost-user frontend"
	kill -TERM "$dpid"
fi
finish
check "without a journal, --log-target=journal falls back to stderr (status $drc)" grep -q "waiting for a vhost-user frontend" "$tmp/vm12.err"
check "the file the frontend wrote is on the host" test "$(cat "$share/hello.txt" 2>/dev/null)" = "from the frontend"
tap_plan
