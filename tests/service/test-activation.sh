#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon as systemd starts it, without systemd as PID 1:
#  - socket activation (sd_listen_fds): systemd-socket-activate passes the
#    listening socket; the daemon starts on the first connection, serves it,
#    exits 0, and leaves the inherited socket alone; two sockets, a
#    datagram socket or a plain file are refused with one clear line;
#  - readiness (sd_notify): a datagram socket this test owns stands in for
#    $NOTIFY_SOCKET and records READY=1, the STATUS= lines, STOPPING=1 and
#    WATCHDOG=1 pings.
# TAP output.
set -u
. "$(dirname "$0")/service-lib.sh"

missing=
[ "$(id -u)" = 0 ] || missing="needs root (the daemon's sandbox)"
command -v systemd-socket-activate >/dev/null || missing=${missing:-"no systemd-socket-activate (package systemd)"}
[ -x "$sink" ] && [ -x "$client" ] || missing=${missing:-"helpers not built"}
[ -z "$missing" ] || tap_cannot_run "$missing"

tmp=$(mktemp -d)
share=$tmp/share
mkdir -p "$share"
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

dump() { sed 's/^/# /' "$@"; }

# --- socket activation -------------------------------------------------
sock=$tmp/vm1.sock
systemd-socket-activate -l "$sock" "$bin" --shared-dir="$share" >"$tmp/act.out" 2>"$tmp/act.err" &
apid=$!
for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.05; done
check "the socket listens before any daemon runs" test -S "$sock"
exe=$(readlink "/proc/$apid/exe")
check "no daemon until the first connection (${exe##*/} waits)" test "${exe##*/}" = systemd-socket-activate
"$client" "$sock" activated.txt "socket-activated" 2>"$tmp/client.err"
crc=$?
wait_pid "$apid"
if [ "$crc" = 0 ]; then ok "a frontend session on the passed socket works"; else nok "a frontend session on the passed socket works" "$(cat "$tmp/client.err")"; dump "$tmp/act.err"; fi
check "the daemon exits 0 when the frontend hangs up (status $drc)" test "$drc" = 0
check "the file the frontend wrote is on the host" test "$(cat "$share/activated.txt" 2>/dev/null)" = socket-activated
check "the inherited socket is not unlinked" test -S "$sock"
check "the daemon says it serves a frontend" grep -q "frontend connected" "$tmp/act.err"
rm -f "$sock"

# refuse DESC PATTERN COMMAND...: the daemon, given what COMMAND passes as
# LISTEN_FDS, exits 1 with one line matching PATTERN.
refuse() {
	local d=$1 pat=$2; shift 2
	"$@" >"$tmp/r.out" 2>"$tmp/r.all"
	local rc=$?
	# What systemd-socket-activate itself says is not the daemon's.
	grep -v -e "^Listening on " -e "^Communication attempt on fd" -e "^Execing " "$tmp/r.all" >"$tmp/r.err"
	if [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/r.err")" = 1 ] && grep -q -- "$pat" "$tmp/r.err"; then
		ok "$d"
	else
		nok "$d" "status $rc"; dump "$tmp/r.err"
	fi
}
# Activation is lazy: connect once so the daemon starts and judges the fds.
poke() { sleep 0.3; "$client" "$1" >/dev/null 2>&1; }
poke "$tmp/two-a.sock" & poke "$tmp/two-a.sock" &
refuse "two passed sockets are refused" "more than one socket; exactly one listening socket is supported" \
	timeout 20 systemd-socket-activate -l "$tmp/two-a.sock" -l "$tmp/two-b.sock" "$bin" --shared-dir="$share"
wait
check "... and neither socket was unlinked" test -S "$tmp/two-a.sock" -a -S "$tmp/two-b.sock"
( sleep 0.3; logger -d -u "$tmp/dgram.sock" poke 2>/dev/null ) &
refuse "a passed datagram socket is refused" "not a listening AF_UNIX stream socket" \
	timeout 20 systemd-socket-activate -d -l "$tmp/dgram.sock" "$bin" --shared-dir="$share"
wait
: >"$tmp/plain"
refuse "a passed plain file is refused" "not a listening AF_UNIX stream socket" \
	bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0" --shared-dir="$1" 3<"$2"' "$bin" "$share" "$tmp/plain"
( sleep 0.3; "$client" "$tmp/both.sock" >/dev/null 2>&1 ) &
refuse "a passed socket and --socket-path as well is a conflict" "do not give --socket-path or --fd as well" \
	timeout 20 systemd-socket-activate -l "$tmp/both.sock" "$bin" --shared-dir="$share" --socket-path="$tmp/x.sock"
wait
check "... and the --socket-path socket was not created" test ! -e "$tmp/x.sock"
check "LISTEN_FDS meant for another process is ignored (it uses --socket-path)" bash -c '
	export LISTEN_PID=1 LISTEN_FDS=1
	"$0" --shared-dir="$1" --socket-path="$2" 2>/dev/null & p=$!
	for i in $(seq 100); do [ -S "$2" ] && break; sleep 0.05; done
	[ -S "$2" ]; r=$?; kill $p; wait $p; exit $r' "$bin" "$share" "$tmp/own.sock"

# --- readiness notification ---------------------------------------------
start_sink "$tmp/notify" "$tmp/notify.txt"
NOTIFY_SOCKET=$tmp/notify "$bin" --shared-dir="$share" --socket-path="$tmp/n.sock" \
	--log-level=debug >"$tmp/n.out" 2>"$tmp/n.err" &
dpid=$!
wait_for "$tmp/notify.txt" "READY=1"
check "READY=1 once the socket is ready" bash -c 'grep -qx READY=1 "$1" && [ -S "$2" ]' _ "$tmp/notify.txt" "$tmp/n.sock"
check "STATUS says it waits for a frontend" grep -qx "STATUS=Waiting for a vhost-user frontend" "$tmp/notify.txt"
"$client" "$tmp/n.sock" notified.txt yes 2>"$tmp/client.err"
crc=$?
wait_pid "$dpid"
check "a session with NOTIFY_SOCKET set works (client $crc, daemon $drc)" test "$crc$drc" = 00
check "STATUS says which directory it serves" grep -qx "STATUS=Serving $share" "$tmp/notify.txt"
check "STOPPING=1 with STATUS=Shutting down at the end" bash -c 'awk -v RS= "/(^|\n)STOPPING=1(\n|$)/ && /STATUS=Shutting down/" "$1" | grep -q .' _ "$tmp/notify.txt"
check "the messages come in order: ready, serving, stopping" bash -c '
	a=$(grep -nx READY=1 "$1" | head -1 | cut -d: -f1)
	b=$(grep -n "^STATUS=Serving" "$1" | head -1 | cut -d: -f1)
	c=$(grep -nx STOPPING=1 "$1" | head -1 | cut -d: -f1)
	[ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ]' _ "$tmp/notify.txt"
stop_sink

# The watchdog: WATCHDOG_USEC=300 ms, so pings every 150 ms when
# WATCHDOG_PID names the daemon; the default namespace sandbox forks, and
# the pings must still come.
# watchdog_daemon OUTPUT NAME WATCHDOG_PID: the daemon on $tmp/NAME.sock,
# its notifications recorded in OUTPUT; WATCHDOG_PID "self" names the daemon
# itself.  $dpid is its PID.
watchdog_daemon() {
	start_sink "$tmp/notify" "$1"
	bash -c 'export NOTIFY_SOCKET=$3 WATCHDOG_USEC=300000
		WATCHDOG_PID=$4; [ "$4" = self ] && WATCHDOG_PID=$$; export WATCHDOG_PID
		exec "$0" --shared-dir="$1" --socket-path="$2"' \
		"$bin" "$share" "$tmp/$2.sock" "$tmp/notify" "$3" 2>"$tmp/$2.err" &
	dpid=$!
}

watchdog_daemon "$tmp/wd.txt" wd self
sleep 1.6
pings=$(grep -cx WATCHDOG=1 "$tmp/wd.txt")
check "WATCHDOG=1 pings at half the interval ($pings in 1.6 s)" test "$pings" -ge 5
kill -TERM "$dpid"
wait_pid "$dpid"
check "SIGTERM before a frontend: exit 0 (status $drc)" test "$drc" = 0
check "... with STOPPING=1" grep -qx STOPPING=1 "$tmp/wd.txt"
stop_sink

watchdog_daemon "$tmp/wd2.txt" wd2 1
sleep 1
check "no pings when WATCHDOG_PID names another process" bash -c 'grep -qx READY=1 "$1" && ! grep -qx WATCHDOG=1 "$1"' _ "$tmp/wd2.txt"
kill -TERM "$dpid"; wait_pid "$dpid"
stop_sink

tap_plan
