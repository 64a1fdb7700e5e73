#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# verify-units.sh - run `systemd-analyze verify` on the generated unit files.
#
# Usage: verify-units.sh UNIT... [-- MANPAGE...]
#
# The units are copied to a temporary directory as instance vm1 of the
# templates (verify wants a concrete unit), with ExecStart= pointing at a
# stand-in executable: verify checks that the binary exists, and the
# daemon need not be installed for this check.  The man pages given after
# "--" are put on MANPATH so that the Documentation= links are checked too.
set -eu

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "verify-units.sh: systemd-analyze not found (install systemd)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/units" "$tmp/bin" "$tmp/man/man1" "$tmp/man/man5" "$tmp/man/man8"
printf '#!/bin/sh\nexit 0\n' > "$tmp/bin/virtiofsd"
chmod 755 "$tmp/bin/virtiofsd"

units=
mans=0
for f in "$@"; do
	if [ "$f" = "--" ]; then
		mans=1
		continue
	fi
	if [ $mans = 1 ]; then
		sect=${f##*.}
		cp "$f" "$tmp/man/man$sect/"
		continue
	fi
	name=$(basename "$f")
	# virtiofsd@.socket -> virtiofsd@vm1.socket
	inst=$(printf '%s\n' "$name" | sed 's/@\./@vm1./')
	sed -e "s|^ExecStart=[^ ]*/virtiofsd|ExecStart=$tmp/bin/virtiofsd|" \
		"$f" > "$tmp/units/$inst"
	units="$units $tmp/units/$inst"
done
if [ -z "$units" ]; then
	echo "usage: verify-units.sh UNIT... [-- MANPAGE...]" >&2
	exit 2
fi

if [ $mans = 1 ]; then
	man_opt=--man=yes
	MANPATH=$tmp/man
	export MANPATH
else
	man_opt=--man=no
fi

# verify prints its findings and still exits 0 for some of them: any output
# is a failure.
# shellcheck disable=SC2086
out=$(cd "$tmp/units" && SYSTEMD_LOG_LEVEL=notice \
	systemd-analyze verify $man_opt $units 2>&1) || {
	printf '%s\n' "$out" >&2
	echo "verify-units.sh: systemd-analyze verify failed" >&2
	exit 1
}
if [ -n "$out" ]; then
	printf '%s\n' "$out" >&2
	echo "verify-units.sh: systemd-analyze verify reported problems" >&2
	exit 1
fi
echo "verify-units.sh: OK:$(for u in $units; do printf ' %s' "$(basename "$u")"; done)"
