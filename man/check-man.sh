#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-man.sh - every option the daemon's --help lists is documented in
# virtiofsd(1).  The page is generated from options.def; this catches
# options added to the parser some other way.
#
# Usage: check-man.sh VIRTIOFSD_BINARY MANPAGE
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 VIRTIOFSD_BINARY MANPAGE" >&2
	exit 2
fi
bin=$1
page=$2

help=$("$bin" --help) || {
	echo "check-man.sh: $bin --help failed" >&2
	exit 1
}
opts=$(printf '%s\n' "$help" | sed -n 's/^ *\(-[A-Za-z0-9], \)\{0,1\}--\([a-z0-9][a-z0-9-]*\).*/\2/p')
if [ -z "$opts" ]; then
	echo "check-man.sh: no options found in $bin --help" >&2
	exit 1
fi
missing=
for o in $opts; do
	# The page spells option dashes as \-.
	roff=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q "\\\\fB\\\\-\\\\-$roff\\\\fR" "$page" || missing="$missing --$o"
done
if [ -n "$missing" ]; then
	echo "check-man.sh: $page does not document:$missing" >&2
	exit 1
fi
echo "check-man.sh: OK: $(printf '%s\n' "$opts" | wc -l) options documented"
