#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# How libvirt and QEMU find the daemon: `make install` puts the vhost-user
# backend descriptor under $(datadir)/qemu/vhost-user/; it must be valid
# JSON of type "fs" naming the binary that the same install put in place,
# and that binary's --print-capabilities must be valid JSON too.  TAP output.
set -u
builddir=${VFSD_TOP_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/../lib/tap.sh"

command -v jq >/dev/null || tap_cannot_run "no jq (package jq) to parse JSON"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

root=$tmp/root
if make -s -C "$builddir" install DESTDIR="$root" >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=..."
else
	nok "make install DESTDIR=..." "$(tail -20 "$tmp/install.log")"
fi
# $(datadir) is wherever configure put it (deep under make distcheck).
json=$(find "$root" -path '*/share/qemu/vhost-user/50-virtiofsd.json' -type f 2>/dev/null | head -1)
check "50-virtiofsd.json is installed under \$(datadir)/qemu/vhost-user/" test -n "$json"
[ -n "$json" ] || json=$tmp/missing.json
check "the descriptor is valid JSON" bash -c '[ -s "$1" ] && jq -e . "$1" >/dev/null' _ "$json"
check "its type is \"fs\"" test "$(jq -r .type "$json" 2>/dev/null)" = fs
check "it has a description" test -n "$(jq -r '.description // empty' "$json" 2>/dev/null)"
binary=$(jq -r '.binary // empty' "$json" 2>/dev/null)
check "binary is an absolute path ($binary)" test "${binary#/}" != "$binary"
check "the install put an executable at that path" test -x "$root$binary" -a -f "$root$binary"
caps=$("$root$binary" --print-capabilities 2>"$tmp/caps.err")
check "the installed binary prints its capabilities" test $? = 0 -a -n "$caps"
check "--print-capabilities is valid JSON of type fs" bash -c 'jq -e ".type == \"fs\" and (.features | type == \"array\")" <<<"$1" >/dev/null' _ "$caps"
tap_plan
