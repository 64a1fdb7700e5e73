#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Translations: every catalog is complete and current, and the daemon speaks
# it (--help from the option table and error messages).  TAP output.
set -u
bin=${VFSD_BINARY:-$(dirname "$0")/../../src/virtiofsd}
srcdir=${VFSD_TOP_SRCDIR:-$(dirname "$0")/../..}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/tap.sh"

pot=$srcdir/po/virtiofsd.pot
msgcat --no-wrap "$pot" >"$tmp/pot.flat"
# Every help line of the option table is in the template.
missing=""
while IFS= read -r help; do
	grep -qF "msgid \"$help\"" "$tmp/pot.flat" || missing="$missing [$help]"
done < <(sed -n 's/^OPT(.*, *"\([^"]*\)")$/\1/p' "$srcdir/src/cli/options.def")
check "every option help text is in virtiofsd.pot${missing:+:$missing}" test -z "$missing"

for lang in $(grep -v '^#' "$srcdir/po/LINGUAS"); do
	po=$srcdir/po/$lang.po
	stats=$(LC_ALL=C msgfmt -c --statistics -o "$tmp/$lang.mo" "$po" 2>&1)
	case "$stats" in
	*untranslated*|*fuzzy*) nok "$lang.po is complete" "$stats" ;;
	*) ok "$lang.po is complete ($stats)" ;;
	esac
	check "$lang.po matches virtiofsd.pot" msgcmp "$po" "$pot"
	mkdir -p "$tmp/locale/$lang/LC_MESSAGES"
	cp "$tmp/$lang.mo" "$tmp/locale/$lang/LC_MESSAGES/virtiofsd.mo"
done

export VIRTIOFSD_LOCALEDIR=$tmp/locale LANG=C.UTF-8 LC_ALL=
LANGUAGE=de "$bin" --help >"$tmp/help.de" 2>&1
check "LANGUAGE=de --help shows the German option table" grep -q "Pfad des freigegebenen Verzeichnisses" "$tmp/help.de"
check "LANGUAGE=de --help still lists --shared-dir" grep -q -- "--shared-dir" "$tmp/help.de"
LANGUAGE=de "$bin" --fd=5 >"$tmp/err.de" 2>&1
check "LANGUAGE=de error message is German" grep -q "ist nötig" "$tmp/err.de"
LANGUAGE=en "$bin" --fd=5 >"$tmp/err.en" 2>&1
check "LANGUAGE=en error message stays English" grep -q "is required" "$tmp/err.en"
echo "1..$n"
