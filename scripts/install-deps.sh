#!/bin/sh
# Install everything needed to build virtiofsd and run its whole test suite
# on Debian 12 (or a derivative).  Needs root; uses apt-get only.
set -e
if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: run as root (e.g. with sudo)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	build-essential autoconf automake autopoint libtool gettext pkg-config \
	libglib2.0-dev libcap-ng-dev libseccomp-dev libsystemd-dev \
	linux-libc-dev \
	qemu-system-x86 qemu-system-common qemu-utils busybox-static cpio \
	xz-utils zstd attr ca-certificates \
	systemd systemd-container debootstrap util-linux bsdutils jq \
	groff-base rpm dpkg-dev debhelper fakeroot
