#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Socket activation end to end with a real guest: systemd-socket-activate
# listens on the vhost-user socket the way virtiofsd@.socket does and
# starts the daemon, configured only by an instance configuration file
# (as virtiofsd@.service does with /etc/virtiofsd/%i.conf), on QEMU's
# first connection.  A Linux guest mounts the share and uses it; then the
# host checks that
#  - no daemon ran before the first connection, and the daemon was exec'd
#    in place of systemd-socket-activate when QEMU connected;
#  - the guest's file operations landed in the shared directory;
#  - the daemon exited by itself with status 0 once QEMU went away;
#  - the inherited socket was left in place (only systemd removes it);
#  - the daemon's log names the shared directory and the frontend session.
# TAP output.  Without QEMU, kernel assets or systemd-socket-activate it
# skips, unless $CI is set, where it fails.
#
# Environment: VFSD_BINARY (daemon), VFSD_VM_ASSETS (kernel cache),
# VFSD_VM_TIMEOUT (seconds for QEMU, default 300), VFSD_VM_VERBOSE=1
# (print console and daemon log even on success), VFSD_VM_KEEP=1 (keep
# the scratch directory).
set -u

srcdir=$(cd "$(dirname "$0")/../vm" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vfsd-act-vm.XXXXXX")
# shellcheck source-path=SCRIPTDIR source=../vm/vm-lib.sh
. "$srcdir/vm-lib.sh"
vfsd=${VFSD_BINARY:-$srcdir/../../src/virtiofsd}
act_pid=
watch_pid=

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	for p in $watch_pid $act_pid; do
		kill "$p" 2> /dev/null && wait "$p" 2> /dev/null
	done
	if [ -n "${VFSD_VM_KEEP:-}" ]; then
		echo "# kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$srcdir/../lib/tap.sh"

why=$(vm_missing)
if [ -z "$why" ] && ! command -v systemd-socket-activate > /dev/null 2>&1; then
	why="no systemd-socket-activate (package systemd)"
fi
if [ -z "$why" ] && [ ! -x "$vfsd" ]; then
	why="no daemon at $vfsd"
fi
[ -z "$why" ] || tap_cannot_run "activated guest test: $why"

share=$work/share
sock=$work/vfs.sock
conf=$work/vm1.conf
console=$work/console.log
dlog=$work/daemon.log
mkdir -p "$share"
head -c 1048576 /dev/urandom > "$share/hostfile"
host_sum=$(sha256sum "$share/hostfile" | cut -d ' ' -f 1)

# The instance configuration: everything but the socket, which comes from
# activation (naming socket-path or fd as well would be refused).
cat > "$conf" <<EOF
# virtiofsd instance vm1
[virtiofsd]
shared-dir=$share
cache=auto
xattr=true
sandbox=namespace
log-level=info
log-target=stderr
EOF

# The guest side: one "CHECK ok|fail NAME" line per check, "INFO KEY VALUE"
# lines for the host to compare, and a final GUEST-RESULT line.
cat > "$work/guest.sh" <<'EOF'
#!/bin/sh
M=${1:-/mnt}
. /guest-lib.sh
t_mounted() {
	grep " $M virtiofs " /proc/mounts
}
t_write() {
	printf 'socket-activated\n' > "$M/note.txt" &&
	[ "$(cat "$M/note.txt")" = socket-activated ]
}
t_mkdir() {
	mkdir "$M/dir" && [ -d "$M/dir" ]
}
t_rename() {
	mv "$M/note.txt" "$M/dir/note.txt" && [ ! -e "$M/note.txt" ] &&
	[ -f "$M/dir/note.txt" ]
}
t_append() {
	printf 'appended\n' >> "$M/dir/note.txt" &&
	[ "$(cat "$M/dir/note.txt")" = "socket-activated
appended" ]
}
t_ls() {
	top=$(ls "$M" | tr '\n' ' ')
	sub=$(ls "$M/dir" | tr '\n' ' ')
	echo "INFO ls [$top] [$sub]"
	[ "$top" = "dir hostfile " ] && [ "$sub" = "note.txt " ]
}
t_bigfile() {
	dd if=/dev/urandom of="$M/big" bs=1M count=8 2> /dev/null || return 1
	sync
	# Read it back through the daemon, not from the guest's page cache.
	echo 3 > /proc/sys/vm/drop_caches
	s=$(sha256sum "$M/big" | cut -d ' ' -f 1)
	echo "INFO big $s"
	[ "$(stat -c %s "$M/big")" = 8388608 ]
}
t_hostfile() {
	s=$(sha256sum "$M/hostfile" | cut -d ' ' -f 1)
	echo "INFO hostfile $s"
	[ -n "$s" ]
}
check mounted t_mounted
check write_read t_write
check mkdir t_mkdir
check rename t_rename
check append_read t_append
check ls t_ls
check bigfile_8m t_bigfile
check hostfile_read t_hostfile
sync
guest_result
EOF
guest_checks="mounted write_read mkdir rename append_read ls bigfile_8m
hostfile_read"

act_exe=$(readlink -f "$(command -v systemd-socket-activate)")
vfsd_exe=$(readlink -f "$vfsd")
start=$(date +%s)

if ! vm_build_initramfs "$work/guest.sh" > "$work/initramfs.log" 2>&1; then
	not_ok "build initramfs"
	sed 's/^/# /' "$work/initramfs.log"
	echo "1..$n"
	exit 1
fi
ok "build initramfs"

# The environment passes through to the daemon as systemd's Environment=
# would; the daemon names its instance after the socket either way.
systemd-socket-activate -l "$sock" -E VIRTIOFSD_INSTANCE=vm1 \
	"$vfsd" --config="$conf" > "$work/daemon.out" 2> "$dlog" &
act_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ] && alive "$act_pid"; do
	sleep 0.1
	i=$((i + 1))
done
t "systemd-socket-activate listens on the socket" test -S "$sock"
sock_ino=$(stat -c %i "$sock" 2> /dev/null)
sleep 0.5
exe=$(readlink "/proc/$act_pid/exe" 2> /dev/null)
t "no daemon runs before the first connection (${exe##*/})" \
	test "$exe" = "$act_exe"

# Record what the activated process becomes once QEMU connects.
(
	while alive "$act_pid"; do
		e=$(readlink "/proc/$act_pid/exe" 2> /dev/null)
		if [ -n "$e" ] && [ "$e" != "$act_exe" ]; then
			echo "$e" > "$work/exe.seen"
			exit 0
		fi
		sleep 0.1
	done
) &
watch_pid=$!

vm_boot "$console" 2> "$work/qemu.err"
qrc=$?
end=$(date +%s)
echo "# guest run took $((end - start)) s, qemu exit status $qrc"
t "qemu powered off cleanly" test "$qrc" = 0
touch "$work/qemu.err"
sed 's/^/# qemu: /' "$work/qemu.err"

# The daemon ends its session when QEMU disconnects and exits by itself.
wait_pid "$act_pid" 15
act_pid=
wait "$watch_pid" 2> /dev/null
watch_pid=
seen=$(cat "$work/exe.seen" 2> /dev/null)
t "the first connection exec'd the daemon in place (${seen##*/})" \
	test "$seen" = "$vfsd_exe"
t "the daemon exits by itself with status 0 after the guest (status $drc; 124: killed after 15 s)" \
	test "$drc" = 0

touch "$dlog"
vm_guest_results "$console" "$guest_checks"

# The host's view of what the guest did.
t "host: renamed, appended file has the guest's content" \
	sh -c "printf 'socket-activated\nappended\n' | cmp -s - '$share/dir/note.txt'"
t "host: rename source is gone" test ! -e "$share/note.txt"
guest_big=$(sed -n 's/^INFO big \([0-9a-f]*\)$/\1/p' "$console")
host_big=$(sha256sum "$share/big" 2> /dev/null | cut -d ' ' -f 1)
t "host: 8 MiB file sha256 matches the guest's" \
	test -n "$guest_big" -a "$guest_big" = "$host_big"
t "host: 8 MiB file size" test "$(stat -c %s "$share/big" 2> /dev/null)" = 8388608
guest_hf=$(sed -n 's/^INFO hostfile \([0-9a-f]*\)$/\1/p' "$console")
t "guest read the host's file, sha256 matches" test "$guest_hf" = "$host_sum"

# An inherited socket belongs to whoever created it (systemd removes it
# with RemoveOnStop=); the daemon must leave it where it is.
t "the inherited socket is not unlinked" test -S "$sock"
t "the socket is still the one systemd-socket-activate created" \
	test -n "$sock_ino" -a "$(stat -c %i "$sock" 2> /dev/null)" = "$sock_ino"

# The daemon's own account, with the shared directory from the config file.
t "daemon log: waiting for a frontend, sharing the configured directory" \
	grep -qF "waiting for a vhost-user frontend (sharing $share, cache=auto, sandbox=namespace)" "$dlog"
t "daemon log: frontend connected" grep -q 'frontend connected$' "$dlog"
t "daemon log: frontend disconnected, exiting" \
	grep -q 'frontend disconnected, exiting$' "$dlog"
t "daemon log: no errors or warnings" \
	sh -c "! grep -E '\\[virtiofsd (error|warn)\\]' '$dlog'"

vm_finish "$console" "$dlog"
exit 0
