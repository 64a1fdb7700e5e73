# vm-lib.sh - shared by the guest test and the demo: fetch assets, build
# an initramfs around a guest script, start the daemon, boot QEMU.
# Source it after setting $srcdir (this directory) and $work (a scratch
# directory the caller removes).
# shellcheck shell=sh disable=SC2154

top_builddir=${VFSD_TOP_BUILDDIR:-$(cd "$srcdir/../.." && pwd)}
assets=${VFSD_VM_ASSETS:-$top_builddir/tests/vm/assets}
qemu=${QEMU_SYSTEM:-qemu-system-x86_64}
busybox=${VFSD_BUSYBOX:-/bin/busybox}
if [ "${VFSD_PEER:-}" = qemu ]; then
	daemon=${QEMU_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
else
	daemon=${VFSD_BINARY:-$srcdir/../../src/virtiofsd}
fi
daemon_pid=

# vm_missing: print why the guest cannot run, or nothing when it can.
vm_missing() {
	[ "$(id -u)" = 0 ] || { echo "needs root (chown, daemon sandbox)"; return; }
	command -v "$qemu" > /dev/null 2>&1 || { echo "no $qemu"; return; }
	[ -x "$busybox" ] || { echo "no static busybox"; return; }
	command -v cpio > /dev/null 2>&1 || { echo "no cpio"; return; }
	command -v gcc > /dev/null 2>&1 || { echo "no gcc"; return; }
	VFSD_VM_ASSETS=$assets sh "$srcdir/fetch-assets.sh" > "$work/fetch.log" 2>&1 ||
		{ echo "kernel assets unavailable (see fetch-assets.sh)"; return; }
}

# vm_build_initramfs GUEST_SCRIPT: write $work/initrd.gz that runs the
# script with the virtio-fs mount point as its argument, then powers off.
vm_build_initramfs() {
	r=$work/initramfs
	mkdir -p "$r/bin" "$r/modules" "$r/proc" "$r/sys" "$r/dev" "$r/mnt" "$r/tmp"
	cp "$busybox" "$r/bin/busybox"
	gcc -static -O2 -o "$r/bin/guest-helper" "$srcdir/guest-helper.c" || return 1
	cp "$assets/modules.list" "$r/modules.list"
	cp "$assets"/modules/*.ko "$r/modules/" 2> /dev/null || :
	cp "$1" "$r/guest.sh"
	cp "$srcdir/guest-lib.sh" "$r/guest-lib.sh"
	cat > "$r/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.list); do
	insmod /modules/$m.ko || echo "insmod $m failed"
done
if mount -t virtiofs myfs /mnt; then
	sh /guest.sh /mnt
	umount /mnt || echo "umount failed"
else
	echo "GUEST-RESULT: FAIL (mount -t virtiofs failed)"
fi
sync
poweroff -f
INIT
	chmod +x "$r/init" "$r/guest.sh"
	(cd "$r" && find . | cpio -o -H newc --quiet) | gzip -1 > "$work/initrd.gz"
}

# vm_start_daemon DIR LOG: start the daemon sharing DIR on $work/vfs.sock.
vm_start_daemon() {
	sock=$work/vfs.sock
	"$daemon" --socket-path="$sock" -o source="$1",xattr,cache=auto > "$2" 2>&1 &
	daemon_pid=$!
	i=0
	while [ ! -S "$sock" ]; do
		if ! kill -0 "$daemon_pid" 2> /dev/null || [ $i -ge 100 ]; then
			echo "daemon did not create its socket" >> "$2"
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
}

vm_stop_daemon() {
	if [ -n "$daemon_pid" ]; then
		kill "$daemon_pid" 2> /dev/null
		wait "$daemon_pid" 2> /dev/null
		daemon_pid=
	fi
}

# vm_boot CONSOLE_LOG: boot the guest against the running daemon.
vm_boot() {
	accel="-accel tcg,thread=multi -cpu max"
	if [ -w /dev/kvm ] && [ -z "${VFSD_VM_NO_KVM:-}" ]; then
		accel="-accel kvm -cpu host"
	fi
	# shellcheck disable=SC2086
	timeout "${VFSD_VM_TIMEOUT:-300}" "$qemu" $accel -smp 2 -m 1G \
		-object memory-backend-memfd,id=mem,size=1G,share=on \
		-numa node,memdev=mem \
		-chardev socket,id=char0,path="$work/vfs.sock" \
		-device vhost-user-fs-pci,queue-size=1024,chardev=char0,tag=myfs \
		-kernel "$assets/vmlinuz" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" \
		-no-reboot -display none -monitor none -serial file:"$1" \
		< /dev/null
}

# vm_guest_results CONSOLE_LOG CHECKS: after the guest ran, one test point
# (tap.sh) for the guest's final result and one per name in CHECKS, from
# the CHECK and GUEST-RESULT lines guest-lib.sh printed on the console.
vm_guest_results() {
	touch "$1"
	# The serial console ends lines with CR LF.
	tr -d '\r' < "$1" > "$1.txt" && mv "$1.txt" "$1"
	t "guest booted, mounted and finished" grep -q '^GUEST-RESULT:' "$1"
	for c in $2; do
		if grep -q "^CHECK ok $c\$" "$1"; then
			ok "guest: $c"
		else
			nok "guest: $c"
		fi
	done
}

# vm_finish CONSOLE_LOG DAEMON_LOG: the trailing plan; on failure (or with
# VFSD_VM_VERBOSE set) the console and the daemon log's tail as comments.
vm_finish() {
	tap_plan
	if [ "$failed" != 0 ] || [ -n "${VFSD_VM_VERBOSE:-}" ]; then
		echo "# --- guest console ---"
		sed 's/^/# /' "$1"
		echo "# --- daemon log (last 50 lines) ---"
		tail -n 50 "$2" | sed 's/^/# /'
	fi
}
