#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The socket-activation cycle of the installed units under a real systemd
# as PID 1: a Debian 12 container booted with systemd-nspawn runs the
# build tree's virtiofsd@.socket and virtiofsd@.service with the build
# tree's daemon, and a frontend on the host connects to the socket:
#   systemctl start virtiofsd@vm1.socket -> a frontend connects ->
#   virtiofsd@vm1.service is active (running) (Type=notify: after READY=1)
#   with our STATUS= text -> the frontend hangs up -> the daemon exits 0,
#   the service is inactive (not failed), the socket still listens -> the
#   next connection starts a fresh daemon (new MainPID) that works again;
#   the journal holds the daemon's entries with their structured fields.
#
# The container's root file system is made once with debootstrap and kept
# in $VFSD_VM_ASSETS/rootfs-bookworm (built in a temporary directory under
# a lock, then renamed); each run boots it with --volatile=overlay, so that
# nothing a run does stays in it.  Needs root, systemd-nspawn (package
# systemd-container) and, for the first run, debootstrap and Debian's
# archive ($VFSD_DEBIAN_MIRROR, default http://deb.debian.org/debian).
# TAP output.
set -u
. "$(dirname "$0")/service-lib.sh"
# bound into the container: an absolute path
bin=$(readlink -f "$bin")
assets=${VFSD_VM_ASSETS:-$builddir/tests/vm/assets}
rootfs=$assets/rootfs-bookworm
mirror=${VFSD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=systemd,systemd-sysv,dbus,libglib2.0-0,libcap-ng0,libseccomp2,libsystemd0,libasan8,libubsan1
unit_service=$builddir/systemd/virtiofsd@.service
unit_socket=$builddir/systemd/virtiofsd@.socket

missing=
[ "$(id -u)" = 0 ] || missing="needs root (systemd-nspawn)"
command -v systemd-nspawn >/dev/null || missing=${missing:-"no systemd-nspawn (package systemd-container)"}
command -v nsenter >/dev/null && command -v flock >/dev/null || missing=${missing:-"no nsenter or flock (package util-linux)"}
[ -x "$client" ] || missing=${missing:-"helper vfsd-client not built"}
[ -x "$bin" ] || missing=${missing:-"no daemon binary $bin"}
[ -f "$unit_service" ] && [ -f "$unit_socket" ] || missing=${missing:-"units not generated in $builddir/systemd"}
[ -n "$missing" ] && tap_cannot_run "$missing"

# Where the service's ExecStart= looks for the daemon: the binary is bound
# there in the container.
exec_path=$(sed -n 's/^ExecStart=[-@:+!]*\([^ ]*\).*/\1/p' "$unit_service" | head -1)
case $exec_path in
/*) ;;
*) tap_cannot_run "no absolute ExecStart= in $unit_service" ;;
esac

# --- the cached root file system -----------------------------------------
# build_rootfs: make $rootfs unless it is there; under a lock, so that
# parallel runs build it once.  Prints the reason on failure.
build_rootfs() {
	local tmpd rc
	mkdir -p "$assets" || { echo "cannot create $assets"; return 1; }
	exec 9>"$assets/rootfs-bookworm.lock"
	if ! flock -w 1800 9; then
		exec 9>&-
		echo "timed out waiting for $assets/rootfs-bookworm.lock"
		return 1
	fi
	rc=0
	# A root file system made for another package list is made again.
	if [ -d "$rootfs" ] &&
		[ "$(cat "$rootfs/etc/virtiofsd-test-rootfs" 2>/dev/null)" != "$packages" ]; then
		rm -rf "$rootfs"
	fi
	if [ ! -d "$rootfs" ]; then
		# What a run killed while building left behind.
		rm -rf "$assets"/rootfs-bookworm.tmp.*
		if ! command -v debootstrap >/dev/null; then
			echo "no debootstrap (package debootstrap) to build $rootfs"
			rc=1
		else
			tmpd=$(mktemp -d "$assets/rootfs-bookworm.tmp.XXXXXX")
			if timeout 1800 debootstrap --variant=minbase --include="$packages" \
				bookworm "$tmpd" "$mirror" >"$assets/rootfs-bookworm.log" 2>&1; then
				echo "$packages" >"$tmpd/etc/virtiofsd-test-rootfs"
				chmod 0755 "$tmpd"
				mv -T "$tmpd" "$rootfs" || rc=1
			else
				echo "debootstrap from $mirror failed (no network?): $(grep . "$assets/rootfs-bookworm.log" | tail -1)"
				rm -rf "$tmpd"
				rc=1
			fi
		fi
	fi
	exec 9>&-
	return "$rc"
}
t0=$(date +%s)
if ! why=$(build_rootfs); then
	tap_cannot_run "$(printf '%s' "$why" | head -1)"
fi
t_rootfs=$(($(date +%s) - t0))

work=$(mktemp -d)
npid=
leader=
cpid=
cleanup() {
	exec 8>&- 2>/dev/null
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
	if [ -n "$npid" ] && kill -0 "$npid" 2>/dev/null; then
		kill -TERM "$npid" 2>/dev/null
		for _ in $(seq 300); do kill -0 "$npid" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$npid" 2>/dev/null; then
			# Killing the container's PID 1 ends its whole pid namespace.
			[ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null
			kill -KILL "$npid" 2>/dev/null
		fi
	fi
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# The container's view, once, at the first failure.
tap_on_first_failure() {
	if [ -n "$leader" ]; then
		echo "# --- journalctl -b (last 50 lines) ---"
		ctl journalctl -b --no-pager 2>&1 | tail -50 | sed 's/^/# /'
	fi
}
dump() { sed 's/^/# /'; }

# ctl COMMAND...: run COMMAND in the container (its namespaces and root).
ctl() {
	timeout 30 nsenter -t "$leader" -m -u -i -n -p -r -w -- \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C SYSTEMD_PAGER= \
		SYSTEMD_COLORS=0 "$@" 8>&-
}
# props UNIT: the properties of UNIT we look at, as NAME=VALUE lines in $work/props.
props() {
	ctl systemctl show -p ActiveState -p SubState -p Result -p MainPID \
		-p ExecMainCode -p ExecMainStatus -p StatusText "$1" >"$work/props" 2>&1
}
prop() { sed -n "s/^$1=//p" "$work/props"; }


# --- the container ----------------------------------------------------------
share=$work/share
sock=$work/run/vm1.sock
mkdir -p "$share" "$work/run"
cat >"$work/vm1.conf" <<EOF
[virtiofsd]
shared-dir=/srv/vm1
EOF
touch "$work/stamp"
t1=$(date +%s)
systemd-nspawn -q -b --register=no --keep-unit --console=read-only \
	-D "$rootfs" --volatile=overlay -M "vfsd-cycle-$$" \
	--resolv-conf=off --timezone=off --link-journal=no \
	--bind-ro="$bin:$exec_path" \
	--bind-ro="$unit_service:/etc/systemd/system/virtiofsd@.service" \
	--bind-ro="$unit_socket:/etc/systemd/system/virtiofsd@.socket" \
	--bind-ro="$work/vm1.conf:/etc/virtiofsd/vm1.conf" \
	--bind="$share:/srv/vm1" \
	--bind="$work/run:/run/virtiofsd" \
	</dev/null >"$work/nspawn.log" 2>&1 &
npid=$!

# The container's PID 1: the child of systemd-nspawn that is PID 1 in its
# own pid namespace; then systemd up and settled.
state=
for _ in $(seq 900); do
	kill -0 "$npid" 2>/dev/null || break
	if [ -z "$leader" ]; then
		for c in $(cat /proc/"$npid"/task/*/children 2>/dev/null) $(pgrep -P "$npid" 2>/dev/null); do
			if awk '/^NSpid:/ { exit !(NF > 2 && $NF == 1) }' "/proc/$c/status" 2>/dev/null; then
				leader=$c
				break
			fi
		done
	fi
	if [ -n "$leader" ]; then
		state=$(ctl systemctl is-system-running 2>/dev/null)
		case $state in
		running | degraded) break ;;
		esac
	fi
	sleep 0.1
done
t_boot=$(($(date +%s) - t1))
case $state in
running | degraded)
	ok "a Debian 12 container boots with systemd as PID 1 (is-system-running: $state, ${t_boot}s)"
	;;
*)
	nok "a Debian 12 container boots with systemd as PID 1 (is-system-running: ${state:-no answer})"
	echo "# --- systemd-nspawn output ---"
	tail -40 "$work/nspawn.log" | dump
	echo "1..$n"
	exit 1
	;;
esac
[ "$state" = degraded ] && ctl systemctl --failed --no-legend 2>&1 | sed 's/^/# failed unit: /'

# --- the socket unit -----------------------------------------------------------
out=$(ctl systemctl start virtiofsd@vm1.socket 2>&1)
rc=$?
props virtiofsd@vm1.socket
if [ "$rc" = 0 ] && [ "$(prop ActiveState)/$(prop SubState)" = active/listening ]; then
	ok "systemctl start virtiofsd@vm1.socket: active (listening)"
else
	nok "systemctl start virtiofsd@vm1.socket: active (listening)" "status $rc: $out" "$(cat "$work/props")"
fi
check "the socket is /run/virtiofsd/vm1.sock, seen on the host" test -S "$sock"
props virtiofsd@vm1.service
check "no daemon before the first connection (service $(prop ActiveState))" test "$(prop ActiveState)" = inactive

# wait_stopped: up to 20 s for the service to leave active/deactivating.
wait_stopped() {
	for _ in $(seq 200); do
		props virtiofsd@vm1.service
		case $(prop ActiveState) in
		inactive | failed) return 0 ;;
		esac
		sleep 0.1
	done
	return 1
}

# cycle ROUND NAME CONTENT: one frontend session through the socket; the
# main PID the daemon had in $main_pid.
cycle() {
	local r=$1 name=$2 content=$3 status
	if hold_session "$work" "$sock" "$name" "$content"; then
		ok "$r: a frontend connects; INIT, CREATE, WRITE, READ work"
	else
		nok "$r: a frontend connects; INIT, CREATE, WRITE, READ work" "$(cat "$work/client.err")"
	fi
	props virtiofsd@vm1.service
	main_pid=$(prop MainPID)
	if [ "$(prop ActiveState)/$(prop SubState)" = active/running ] && [ "${main_pid:-0}" != 0 ]; then
		ok "$r: virtiofsd@vm1.service is active (running), MainPID $main_pid"
	else
		nok "$r: virtiofsd@vm1.service is active (running)" "$(cat "$work/props")"
	fi
	status=$(ctl systemctl status --no-pager -n0 virtiofsd@vm1.service 2>&1)
	printf '%s\n' "$status" | sed 's/^/#   /'
	if printf '%s\n' "$status" | grep -qF 'Status: "Serving /srv/vm1"'; then
		ok "$r: systemctl status shows the daemon's STATUS= text"
	else
		nok "$r: systemctl status shows the daemon's STATUS= text" "$status"
	fi
	check "$r: the file is in the shared directory on the host" \
		test "$(cat "$share/$name" 2>/dev/null)" = "$content"
	end_session
	if [ "$crc" = 0 ]; then
		ok "$r: the frontend's session still works, then it hangs up"
	else
		nok "$r: the frontend's session still works, then it hangs up (status $crc)" "$(cat "$work/client.err")"
	fi
	wait_stopped
	if [ "$(prop ActiveState)/$(prop Result)" = inactive/success ] &&
		[ "$(prop ExecMainCode)/$(prop ExecMainStatus)" = 1/0 ]; then
		ok "$r: the daemon exits 0, the service is inactive, not failed"
	else
		nok "$r: the daemon exits 0, the service is inactive, not failed" "$(cat "$work/props")"
	fi
	props virtiofsd@vm1.socket
	if [ "$(prop ActiveState)/$(prop SubState)" = active/listening ] && [ -S "$sock" ]; then
		ok "$r: the socket still listens"
	else
		nok "$r: the socket still listens" "$(cat "$work/props")"
	fi
}

t2=$(date +%s)
cycle "first VM start" first.txt "first session"
pid1=$main_pid
cycle "second VM start" second.txt "second session"
pid2=$main_pid
check "the second connection started a fresh daemon (MainPID $pid1, then $pid2)" \
	test -n "$pid1" -a -n "$pid2" -a "$pid1" != "$pid2" -a "$pid1" != 0 -a "$pid2" != 0

# --- the journal ---------------------------------------------------------------
ctl journalctl -u virtiofsd@vm1.service -o export --no-pager >"$work/journal.txt" 2>&1
# entries TEXT: the entries whose MESSAGE is TEXT, blank-line separated.
entries() {
	awk -v RS= -v m="MESSAGE=$1" 'index("\n" $0 "\n", "\n" m "\n") { print; print "" }' "$work/journal.txt"
}
conn=$(entries "frontend connected")
first=$(printf '%s\n' "$conn" | awk -v RS= 'NR == 1')
check "the journal has \"frontend connected\" once per daemon" \
	test "$(printf '%s\n' "$conn" | grep -c '^MESSAGE=frontend connected$')" = 2
has() { printf '%s\n' "$first" | grep -qx -- "$1"; }
for f in SYSLOG_IDENTIFIER=virtiofsd 'CODE_FUNC=..*' 'CODE_FILE=..*' 'CODE_LINE=[0-9][0-9]*' \
	VIRTIOFSD_INSTANCE=vm1 VIRTIOFSD_SHARED_DIR=/srv/vm1 PRIORITY=6 \
	_TRANSPORT=journal '_SYSTEMD_UNIT=virtiofsd@vm1.service'; do
	if has "$f"; then ok "journal entry field $f"; else nok "journal entry field $f"; fi
done
[ "$failed" = 1 ] && [ -s "$work/journal.txt" ] && { echo "# --- the first entry ---"; printf '%s\n' "$first" | dump; }
check "two daemons wrote them (two _PIDs)" \
	test "$(printf '%s\n' "$conn" | grep '^_PID=' | sort -u | wc -l)" = 2
check "the journal has \"frontend disconnected, exiting\" twice" \
	test "$(entries "frontend disconnected, exiting" | grep -c '^MESSAGE=')" = 2
t_cycle=$(($(date +%s) - t2))

# --- the end ------------------------------------------------------------------
ctl systemctl stop virtiofsd@vm1.socket >/dev/null 2>&1
check "systemctl stop virtiofsd@vm1.socket removes the socket" test ! -e "$sock"
t3=$(date +%s)
ctl systemctl poweroff >/dev/null 2>&1
wait_pid "$npid" 60
check "the container powers off (systemd-nspawn status $drc, $(($(date +%s) - t3))s)" test "$drc" = 0
if [ "$drc" = 0 ]; then
	npid=''
	leader=''
else
	# Killing the container's PID 1 ends its whole pid namespace.
	kill -KILL "$leader" 2>/dev/null
fi
check "the cached root file system is unchanged" \
	test -z "$(find "$rootfs" -xdev \( -newer "$work/stamp" -o -cnewer "$work/stamp" \) -print -quit)"
echo "# timings: root file system ${t_rootfs}s, boot ${t_boot}s, two cycles and journal ${t_cycle}s"
tap_plan
[ "$failed" = 0 ]
