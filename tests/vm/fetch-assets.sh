#!/bin/sh
# Fetch the guest kernel and the virtio-fs modules for the guest test.
# Assets go to $VFSD_VM_ASSETS (default: tests/vm/assets under the
# build directory) and are fetched only when missing.
set -eu

top_builddir=${VFSD_TOP_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
assets=${VFSD_VM_ASSETS:-$top_builddir/tests/vm/assets}
mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci fuse virtiofs"

if [ -f "$assets/vmlinuz" ] && [ -f "$assets/modules.list" ]; then
	exit 0
fi
mkdir -p "$assets"
work=$(mktemp -d "$assets/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

pkg=$(apt-cache depends linux-image-amd64 |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
	echo "fetch-assets: cannot resolve the kernel package" >&2
	exit 1
fi
(cd "$work" && apt-get download "$pkg" >&2)
dpkg -x "$work"/"$pkg"_*.deb "$work/root"

kver=${pkg#linux-image-}
cp "$work/root/boot/vmlinuz-$kver" "$assets/vmlinuz"
moddir=$work/root/lib/modules/$kver
mkdir -p "$assets/modules"
: > "$assets/modules.list.tmp"
for m in $mods; do
	f=$(find "$moddir/kernel" -name "$m.ko*" | head -n 1)
	if [ -z "$f" ]; then
		if grep -q "/$m.ko\$" "$moddir/modules.builtin"; then
			continue
		fi
		echo "fetch-assets: module $m not found" >&2
		exit 1
	fi
	case $f in
	*.xz) xz -dc "$f" > "$assets/modules/$m.ko" ;;
	*.zst) zstd -dqc "$f" > "$assets/modules/$m.ko" ;;
	*) cp "$f" "$assets/modules/$m.ko" ;;
	esac
	echo "$m" >> "$assets/modules.list.tmp"
done
mv "$assets/modules.list.tmp" "$assets/modules.list"
echo "$kver" > "$assets/kernel-version"
