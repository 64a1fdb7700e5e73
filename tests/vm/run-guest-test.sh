#!/bin/sh
# Guest test: boot a Linux guest under QEMU on the daemon, run
# guest-test.sh against the virtio-fs mount, then check the shared
# directory from the host.  TAP output.  Without QEMU or kernel assets it
# skips, unless $CI is set, where it fails.  VFSD_PEER=qemu runs it
# against QEMU's virtiofsd instead, for comparison.
#
# Environment: VFSD_BINARY (daemon), VFSD_VM_ASSETS (kernel cache),
# VFSD_VM_TIMEOUT (seconds for QEMU, default 300), VFSD_VM_VERBOSE=1
# (print console and daemon log even on success), VFSD_VM_KEEP=1 (keep
# the scratch directory with the share, logs and initramfs).
set -u

srcdir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vfsd-vm.XXXXXX")
. "$srcdir/vm-lib.sh"
trap 'vm_stop_daemon; [ -n "${VFSD_VM_KEEP:-}" ] && echo "# kept $work" || rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

guest_checks="write_append_read rename unlink mkdir_rmdir readdir_1000
symlink_readlink hardlink_nlink chmod chown truncate utimes statfs fsync
xattr mkfifo tmpfile hostfile_read bigfile_256m"

. "$srcdir/../lib/tap.sh"

why=$(vm_missing)
[ -z "$why" ] || tap_cannot_run "guest test: $why"

if [ ! -x "$daemon" ]; then
	echo "1..1"
	echo "not ok 1 - no daemon at $daemon"
	exit 1
fi

share=$work/share
mkdir -p "$share"
head -c 4194304 /dev/urandom > "$share/hostfile"
host_sum=$(sha256sum "$share/hostfile" | cut -d ' ' -f 1)
console=$work/console.log
dlog=$work/daemon.log
start=$(date +%s)

if ! vm_build_initramfs "$srcdir/guest-test.sh"; then
	not_ok "build initramfs"
elif ! vm_start_daemon "$share" "$dlog"; then
	not_ok "daemon starts ($daemon)"
else
	vm_boot "$console"
	rc=$?
	vm_stop_daemon
	[ "$rc" = 0 ] || echo "# qemu exited with status $rc"
fi
end=$(date +%s)
echo "# guest run took $((end - start)) s with $daemon"
touch "$dlog"
vm_guest_results "$console" "$guest_checks"

# Host view of what the guest left behind.
t "host: renamed file has the guest's content" \
	sh -c "printf 'hello\nworld\nsync\n' | cmp -s - '$share/renamed.txt'"
t "host: rename source is gone" test ! -e "$share/a.txt"
t "host: unlinked file is gone" test ! -e "$share/unlinked.txt"
t "host: directory exists, removed one does not" \
	sh -c "test -d '$share/dir' && test ! -e '$share/dir/sub'"
t "host: 1000 directory entries" \
	sh -c "test \$(ls '$share/many' | wc -l) -eq 1000"
t "host: symlink target" \
	sh -c "test \"\$(readlink '$share/link')\" = renamed.txt"
t "host: chmod 640" sh -c "test \$(stat -c %a '$share/mode') = 640"
t "host: chown 1234:5678" \
	sh -c "test \"\$(stat -c %u:%g '$share/owned')\" = 1234:5678"
t "host: utimes mtime" sh -c "test \$(stat -c %Y '$share/times') = 1234567890"
t "host: truncate size" sh -c "test \$(stat -c %s '$share/trunc') = 100000"
t "host: fifo" test -p "$share/fifo"
t "host: guest xattr visible" \
	sh -c "getfattr --only-values -n user.test '$share/xattr' | grep -qx value1"
t "host: removed xattr absent" \
	sh -c "! getfattr -n user.gone '$share/xattr'"
guest_big=$(sed -n 's/^INFO big \([0-9a-f]*\).*/\1/p' "$console")
host_big=$(sha256sum "$share/big" 2> /dev/null | cut -d ' ' -f 1)
t "host: 256 MiB file sha256 matches guest" \
	test -n "$guest_big" -a "$guest_big" = "$host_big"
guest_hf=$(sed -n 's/^INFO hostfile \([0-9a-f]*\).*/\1/p' "$console")
t "guest read host file, sha256 matches" test "$guest_hf" = "$host_sum"

vm_finish "$console" "$dlog"
exit 0
