#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-packages.sh - build an rpm and a deb from the dist tarball and check
# that each holds the daemon, the units, the man pages, the vhost-user
# descriptor and the example configuration.  Building the deb from an
# unpacked copy of the tarball (not the git tree) proves the tarball is
# complete.  Exits non-zero on the first failure.
#
# Usage: check-packages.sh TARBALL VERSION
# Needs: rpm (rpmbuild), dpkg-dev, debhelper, and the build dependencies.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 TARBALL VERSION" >&2
	exit 2
fi
tarball=$1
version=$2
me=check-packages

fail() {
	echo "$me: FAIL: $*" >&2
	exit 1
}

for tool in rpmbuild rpm dpkg-buildpackage dpkg dh; do
	command -v $tool >/dev/null 2>&1 ||
		fail "$tool not found (apt-get install rpm dpkg-dev debhelper)"
done
[ -r "$tarball" ] || fail "no tarball $tarball"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect LISTING LABEL REGEX...: every REGEX matches a line of LISTING.
expect() {
	listing=$1
	label=$2
	shift 2
	for re in "$@"; do
		grep -Eq "$re" "$listing" || {
			cat "$listing" >&2
			fail "$label: nothing matches $re"
		}
	done
	echo "$me: $label: all $# expected files present"
}

man_re() {
	printf '/usr/share/man/man%s/%s(\\.gz|\\.xz|\\.bz2|\\.zst)?$' "$1" "$2"
}

# ---------------------------------------------------------------- rpm
# Debian's rpm database knows none of the BuildRequires (they are dpkg
# packages here), hence --nodeps; the Debian toolchain has no
# find-debuginfo, hence no debuginfo package.
echo "$me: rpmbuild -tb $(basename "$tarball")"
rpmbuild -tb --nodeps \
	--define "_topdir $work/rpm" \
	--define 'debug_package %{nil}' \
	"$tarball" > "$work/rpmbuild.log" 2>&1 || {
	tail -n 40 "$work/rpmbuild.log" >&2
	fail "rpmbuild (log above)"
}
rpmfile=$(ls "$work"/rpm/RPMS/*/virtiofsd-"$version"-*.rpm 2>/dev/null | head -n 1)
[ -n "$rpmfile" ] || fail "rpmbuild made no virtiofsd-$version rpm"
rpm -qlp "$rpmfile" > "$work/rpm.list"
expect "$work/rpm.list" "rpm $(basename "$rpmfile")" \
	'^/usr/bin/virtiofsd$' \
	'^/etc/virtiofsd/?$' \
	'^/usr/lib/systemd/system/virtiofsd@\.socket$' \
	'^/usr/lib/systemd/system/virtiofsd@\.service$' \
	"$(man_re 1 'virtiofsd\.1')" \
	"$(man_re 5 'virtiofsd\.conf\.5')" \
	"$(man_re 8 'virtiofsd@\.service\.8')" \
	'^/usr/share/qemu/vhost-user/50-virtiofsd\.json$' \
	'^/usr/share/doc/virtiofsd/virtiofsd\.conf\.example$' \
	'^/usr/share/locale/de/LC_MESSAGES/virtiofsd\.mo$'

# ---------------------------------------------------------------- deb
echo "$me: dpkg-buildpackage -b in an unpacked copy of the tarball"
mkdir "$work/deb"
tar -xf "$tarball" -C "$work/deb"
src=$(ls -d "$work"/deb/virtiofsd-"$version")
(cd "$src" && DEB_BUILD_OPTIONS="nocheck${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" \
	dpkg-buildpackage -us -uc -b) > "$work/deb.log" 2>&1 || {
	tail -n 40 "$work/deb.log" >&2
	fail "dpkg-buildpackage (log above)"
}
debfile=$(ls "$work"/deb/virtiofsd_"$version"-*.deb 2>/dev/null | head -n 1)
[ -n "$debfile" ] || fail "dpkg-buildpackage made no virtiofsd_$version deb"
dpkg -c "$debfile" | awk '{ print $6 }' | sed 's|^\./|/|' > "$work/deb.list"
expect "$work/deb.list" "deb $(basename "$debfile")" \
	'^/usr/bin/virtiofsd$' \
	'^/etc/virtiofsd/?$' \
	'^(/usr)?/lib/systemd/system/virtiofsd@\.socket$' \
	'^(/usr)?/lib/systemd/system/virtiofsd@\.service$' \
	"$(man_re 1 'virtiofsd\.1')" \
	"$(man_re 5 'virtiofsd\.conf\.5')" \
	"$(man_re 8 'virtiofsd@\.service\.8')" \
	'^/usr/share/qemu/vhost-user/50-virtiofsd\.json$' \
	'^/usr/share/doc/virtiofsd/virtiofsd\.conf\.example$' \
	'^/usr/share/locale/de/LC_MESSAGES/virtiofsd\.mo$'

echo "$me: OK"
