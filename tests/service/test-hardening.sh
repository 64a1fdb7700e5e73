#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the serving daemon gives up once confined: every thread of the
# serving process has the seccomp filter (mode 2) and no_new_privs, and only
# the default capabilities (or those --modcaps asks for); a session works
# like that in each sandbox mode.  Then a forbidden system call (mount(2))
# is injected into the idle daemon with ptrace, to show what each --seccomp
# action does with it.  TAP output.
set -u
. "$(dirname "$0")/service-lib.sh"
inject=$builddir/tests/service/inject-syscall

missing=
[ "$(id -u)" = 0 ] || missing="needs root (sandbox, capabilities, ptrace)"
[ -x "$client" ] && [ -x "$inject" ] || missing=${missing:-"helpers not built"}
[ -z "$missing" ] || tap_cannot_run "$missing"

tmp=$(mktemp -d)
share=$tmp/share
mkdir -p "$share"
trap 'exec 8>&- 2>/dev/null; kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

# chown dac_override fowner fsetid setgid setuid mknod setfcap
default_caps=00000000880000db
# the same, +sys_admin -mknod
modcaps_caps=00000000802000db

# start NAME ARGS...: the daemon on $tmp/NAME.sock; $dpid is its PID and
# $spid the serving process (its sandboxed child in namespace mode).
start() {
	local name=$1; shift
	"$bin" --socket-path="$tmp/$name.sock" --shared-dir="$share" "$@" 2>"$tmp/$name.err" &
	dpid=$!
	wait_for "$tmp/$name.err" "waiting for a vhost-user frontend" || return 1
	spid=$dpid
	local kids
	kids=$(cat "/proc/$dpid/task/$dpid/children" 2>/dev/null | tr -d ' ')
	[ -n "$kids" ] && spid=$kids
	return 0
}
# field PID TASK NAME: a field of /proc/PID/task/TASK/status.
field() { sed -n "s/^$3:[[:space:]]*//p" "/proc/$1/task/$2/status"; }
# confined PID CAPS SECCOMP: every thread of PID has CapEff, CapPrm and
# CapBnd CAPS, no inheritable or ambient ones, Seccomp mode SECCOMP and
# no_new_privs; prints what differs.
confined() {
	local t bad= ntasks=0 want_nnp=1
	[ "$3" = 0 ] && want_nnp=
	for t in /proc/"$1"/task/*; do
		t=${t##*/}
		ntasks=$((ntasks + 1))
		for f in CapEff CapPrm CapBnd; do
			[ "$(field "$1" "$t" $f)" = "$2" ] || bad="$bad task $t $f=$(field "$1" "$t" $f);"
		done
		for f in CapInh CapAmb; do
			[ "$(field "$1" "$t" $f)" = 0000000000000000 ] || bad="$bad task $t $f=$(field "$1" "$t" $f);"
		done
		[ "$(field "$1" "$t" Seccomp)" = "$3" ] || bad="$bad task $t Seccomp=$(field "$1" "$t" Seccomp);"
		if [ -n "$want_nnp" ]; then
			[ "$(field "$1" "$t" NoNewPrivs)" = 1 ] || bad="$bad task $t NoNewPrivs=0;"
		fi
	done
	echo "$ntasks tasks;$bad"
	[ -z "$bad" ]
}

# session NAME CAPS SECCOMP ARGS...: a frontend connects and holds the
# session while the serving process is inspected, then hangs up.
session() {
	local name=$1 caps=$2 mode=$3; shift 3
	if ! start "$name" --thread-pool-size=2 "$@"; then
		nok "$name: the daemon starts" "$(cat "$tmp/$name.err")"
		return
	fi
	hold_session "$tmp" "$tmp/$name.sock" "$name.txt" "$name"
	local what
	what=$(confined "$spid" "$caps" "$mode")
	check "$name: every thread confined ($what)" test -z "${what#*;}"
	end_session
	wait_pid "$dpid"
	if [ "$crc$drc" = 00 ] && [ "$(cat "$share/$name.txt" 2>/dev/null)" = "$name" ]; then
		ok "$name: the session works (client $crc, daemon $drc)"
	else
		nok "$name: the session works (client $crc, daemon $drc)" "$(cat "$tmp/client.err" "$tmp/$name.err")"
	fi
}

session namespace "$default_caps" 2
session chroot "$default_caps" 2 --sandbox=chroot
session none "$default_caps" 2 --sandbox=none
session modcaps "$modcaps_caps" 2 --modcaps=+sys_admin:-mknod
session no-filter "$default_caps" 0 --seccomp=none

# forbidden NAME ARGS...: inject mount(2) into the idle serving process;
# $drc is the daemon's exit status.
forbidden() {
	local name=$1; shift
	drc=
	start "$name" "$@" || { nok "$name: the daemon starts" "$(cat "$tmp/$name.err")"; return 1; }
	local r i
	for i in 1 2 3 4 5; do
		sleep 0.2
		"$inject" "$spid" 165 2>"$tmp/$name.inject"
		r=$?
		[ "$r" = 0 ] || [ "$r" = 77 ] && break
	done
	if [ "$r" = 77 ]; then
		kill "$dpid"; wait_pid "$dpid"
		return 77
	fi
	[ "$r" = 0 ] || nok "$name: mount(2) injected" "$(cat "$tmp/$name.inject")"
	wait_pid "$dpid" 10
	return 0
}
arch_skip() { ok "$1 # SKIP the injection helper is x86-64 only"; }

forbidden kill; r=$?
if [ "$r" = 77 ]; then arch_skip "--seccomp=kill"; else
	check "--seccomp=kill: the daemon dies of SIGSYS (status $drc)" test "$drc" = 159
fi
forbidden kill-none-sandbox --sandbox=none; r=$?
if [ "$r" = 77 ]; then arch_skip "--seccomp=kill --sandbox=none"; else
	check "--seccomp=kill --sandbox=none: the daemon dies of SIGSYS (status $drc)" test "$drc" = 159
fi
forbidden trap --seccomp=trap; r=$?
if [ "$r" = 77 ]; then arch_skip "--seccomp=trap"; else
	check "--seccomp=trap: exit status 1 (status $drc)" test "$drc" = 1
	check "--seccomp=trap: the forbidden call is named on stderr" grep -q "seccomp: forbidden system call 165$" "$tmp/trap.err"
fi
forbidden none --seccomp=none; r=$?
if [ "$r" = 77 ]; then arch_skip "--seccomp=none"; else
	check "--seccomp=none: the call runs (and fails), no SIGSYS (status $drc)" \
		bash -c '[ "$1" != 159 ] && [ -n "$1" ] && ! grep -q forbidden "$2"' _ "$drc" "$tmp/none.err"
fi
tap_plan
