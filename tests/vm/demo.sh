#!/bin/sh
# Demo: share a temporary directory holding hello.txt with a Linux guest
# booted under QEMU; the guest lists and reads it and writes a file back,
# which is then shown from the host side.  VFSD_PEER=qemu uses QEMU's
# virtiofsd instead of ours.
set -u

srcdir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vfsd-demo.XXXXXX")
. "$srcdir/vm-lib.sh"
trap 'vm_stop_daemon; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

why=$(vm_missing)
if [ -n "$why" ]; then
	echo "demo: cannot boot a guest: $why" >&2
	exit 1
fi

if [ ! -x "$daemon" ]; then
	echo "demo: no daemon at $daemon (run make first)" >&2
	exit 1
fi

share=$work/share
mkdir -p "$share"
echo "Hello from the host, $(date)" > "$share/hello.txt"
cat > "$work/guest.sh" <<'GUEST'
#!/bin/sh
M=$1
echo "=== guest: mount -t virtiofs myfs $M"
mount | grep virtiofs
echo "=== guest: ls -l $M"
ls -l "$M"
echo "=== guest: cat $M/hello.txt"
cat "$M/hello.txt"
echo "=== guest: writing $M/from-guest.txt"
echo "Hello from the guest, kernel $(uname -r)" > "$M/from-guest.txt"
sync
GUEST

echo "Sharing $share with the guest through $daemon"
echo "Booting the guest (about 20 s without KVM)..."
vm_build_initramfs "$work/guest.sh" || exit 1
vm_start_daemon "$share" "$work/daemon.log" || {
	cat "$work/daemon.log"
	exit 1
}
vm_boot "$work/console.log"
vm_stop_daemon
tr -d '\r' < "$work/console.log" | grep -v '^\[ *[0-9.]*\]'
echo "=== host: ls -l $share"
ls -l "$share"
if [ -f "$share/from-guest.txt" ]; then
	echo "=== host: cat from-guest.txt"
	cat "$share/from-guest.txt"
	echo "Demo done: the guest read the host's file and wrote one back."
else
	echo "Demo failed: no file came back from the guest; daemon log:"
	cat "$work/daemon.log"
	exit 1
fi
