#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# gen-from-options.sh - write the documents that list every option, from the
# one option table, so that they cannot drift from the code:
#
#   man1   man/virtiofsd.1            (OPTIONS and -o keys)
#   man5   man/virtiofsd.conf.5       (one config key per long option)
#   conf   data/virtiofsd.conf.example
#
# Usage: gen-from-options.sh MODE OPTIONS_DEF OPTIONS_C VERSION > OUTPUT
#
# OPTIONS_DEF is src/cli/options.def (rows OPT(long, short, kind, field,
# default, metavar, help)); OPTIONS_C is src/cli/options.c, read only for the
# compat_keys[] table behind QEMU-style "-o key[=value]".  Portable sh + awk;
# output depends only on the inputs (no dates), so builds are reproducible.
set -eu

if [ $# -ne 4 ]; then
	echo "usage: $0 man1|man5|conf OPTIONS_DEF OPTIONS_C VERSION" >&2
	exit 2
fi
mode=$1
def=$2
csrc=$3
version=$4

case $mode in
man1|man5|conf) ;;
*)	echo "$0: unknown mode '$mode'" >&2; exit 2 ;;
esac

for f in "$def" "$csrc"; do
	if [ ! -r "$f" ]; then
		echo "$0: cannot read $f" >&2
		exit 1
	fi
done

${AWK:-awk} -v mode="$mode" -v version="$version" '
# Split the argument list of a C macro call or initializer into args[1..n]:
# commas inside string literals or parentheses do not split.  String
# literals lose their quotes and escapes.
function split_args(s,    n, i, c, cur, instr, depth, quoted) {
	n = 0; cur = ""; instr = 0; depth = 0; quoted = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (instr) {
			if (c == "\\") {
				i++
				c = substr(s, i, 1)
				if (c == "n")
					c = " "
				cur = cur c
			} else if (c == "\"") {
				instr = 0
			} else {
				cur = cur c
			}
			continue
		}
		if (c == "\"") {
			if (!quoted)
				cur = ""
			instr = 1; quoted = 1
		} else if (c == "(") {
			depth++; cur = cur c
		} else if (c == ")") {
			depth--; cur = cur c
		} else if (c == "," && depth == 0) {
			args[++n] = quoted ? cur : trim(cur)
			argq[n] = quoted
			cur = ""; quoted = 0
		} else if (!quoted) {
			cur = cur c
		}
	}
	if (trim(cur) != "" || quoted) {
		args[++n] = quoted ? cur : trim(cur)
		argq[n] = quoted
	}
	return n
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# Text for roff: backslashes escaped, option dashes as \-, and no line
# starting with a control character.
function roff(s) {
	gsub(/\\/, "\\e", s)
	gsub(/--/, "\\-\\-", s)
	gsub(/ -/, " \\-", s)
	gsub(/\(-/, "(\\-", s)
	if (s ~ /^-/)
		s = "\\-" substr(s, 2)
	if (s ~ /^[.\047]/)
		s = "\\&" s
	return s
}

# An option name in bold, dashes escaped.
function bold(s) {
	gsub(/-/, "\\-", s)
	return "\\fB" s "\\fR"
}

function ital(s) {
	return "\\fI" s "\\fR"
}

function sentence(s) {
	return s ~ /[.!?]$/ ? s : s "."
}

# Options that act instead of configuring: not config-file keys.
function is_action(name) {
	return name == "config" || name == "version" || name == "print-capabilities"
}

# The default worth printing, or "" when there is none (NULL string, -1
# "unset" number, or a help line that already names it).
function default_of(i) {
	if (help[i] ~ /\(default /)
		return ""
	if (kind[i] == "STRING")
		return def[i] == "NULL" ? "" : def[i]
	if (kind[i] == "INT")
		return def[i] == "-1" ? "" : def[i]
	return ""
}

FILENAME == ARGV[1] && /^OPT\(/ {
	line = $0
	sub(/^OPT\(/, "", line)
	sub(/\)[ \t]*$/, "", line)
	if (split_args(line) < 7) {
		printf "%s:%d: OPT row with fewer than 7 fields\n", FILENAME, FNR > "/dev/stderr"
		bad = 1
		exit 1
	}
	n++
	lname[n] = args[1]
	sname[n] = (args[2] ~ /^\047.\047$/) ? substr(args[2], 2, 1) : ""
	kind[n] = args[3]
	def[n] = args[5]
	meta[n] = argq[6] ? args[6] : ""
	help[n] = args[7]
	index_of[lname[n]] = n
	next
}

FILENAME == ARGV[2] && /compat_keys\[\][ \t]*=/ { incompat = 1; next }
FILENAME == ARGV[2] && incompat && /^};/ { incompat = 0; next }
FILENAME == ARGV[2] && incompat && /^[ \t]*\{[ \t]*"/ {
	line = $0
	sub(/^[ \t]*\{/, "", line)
	sub(/\}[ \t]*,?[ \t]*$/, "", line)
	if (split_args(line) < 5)
		next
	nc++
	ckey[nc] = args[1]
	clong[nc] = args[2]
	cvalue[nc] = args[3] == "TRUE"
	cclear[nc] = args[4] == "TRUE"
	cfixed[nc] = argq[5] ? args[5] : ""
	next
}

END {
	if (bad)
		exit 1
	if (n == 0) {
		print "gen-from-options: no OPT rows found" > "/dev/stderr"
		exit 1
	}
	if (mode == "man1") {
		# A renamed table must not break the build: warn, and
		# leave the section out.
		if (nc == 0)
			print "gen-from-options: warning: no compat_keys[] table in " ARGV[2] > "/dev/stderr"
		man1()
	} else if (mode == "man5") {
		man5()
	} else {
		conf()
	}
}

function th(title, section, manual) {
	print ".\\\" SPDX-License-Identifier: GPL-2.0-or-later"
	print ".\\\" Generated from src/cli/options.def by man/gen-from-options.sh; do not edit."
	printf ".TH %s %s \"\" \"virtiofsd %s\" \"%s\"\n", title, section, version, manual
}

function man1(    i, d, head, o) {
	th("VIRTIOFSD", 1, "User Commands")
	print ".SH NAME"
	print "virtiofsd \\- virtio\\-fs vhost\\-user device daemon"
	print ".SH SYNOPSIS"
	print ".B virtiofsd"
	print "[\\fIOPTION\\fR]..."
	print ".BI \\-\\-shared\\-dir= DIR"
	print "(\\fB\\-\\-socket\\-path\\fR=\\fIPATH\\fR | \\fB\\-\\-fd\\fR=\\fIFD\\fR)"
	print ".br"
	print ".B virtiofsd"
	print ".BI \\-\\-fd= FD"
	print ".B \\-o"
	print ".BI source= DIR\\fR[,\\fIOPT\\fR]..."
	print ".br"
	print ".B virtiofsd"
	print ".BI \\-\\-config= FILE"
	print "[\\fIOPTION\\fR]..."
	print ".br"
	print ".B virtiofsd \\-\\-print\\-capabilities"
	print ".SH DESCRIPTION"
	print ".B virtiofsd"
	print "is the backend of a virtio\\-fs device: it shares a host directory with a"
	print "virtual machine.  A virtual machine monitor such as QEMU"
	print "(\\fBvhost\\-user\\-fs\\-pci\\fR) connects to its UNIX socket, speaks the"
	print "vhost\\-user protocol and shares the guest RAM with it; the guest kernel"
	print "sends FUSE requests through virtqueues and the daemon serves them from the"
	print "shared directory.  In the guest:"
	print ".PP"
	print ".RS"
	print ".EX"
	print "mount \\-t virtiofs \\fITAG\\fR /mnt"
	print ".EE"
	print ".RE"
	print ".PP"
	print "One daemon serves one device and one connection: it exits when the frontend"
	print "disconnects.  By default it confines itself to the shared directory"
	print "(\\fB\\-\\-sandbox=namespace\\fR: new mount, pid and network namespaces and"
	print "\\fBpivot_root\\fR(2)), which needs root or the equivalent capabilities."
	print "Once confined, it keeps only the capabilities that acting for any guest"
	print "user needs (see \\fB\\-\\-modcaps\\fR) and installs a \\fBseccomp\\fR(2) filter"
	print "that allows only the system calls it makes (see \\fB\\-\\-seccomp\\fR); both"
	print "apply to every thread."
	print ".PP"
	print "The daemon listens on the socket named by \\fB\\-\\-socket\\-path\\fR, on an"
	print "already listening socket passed as \\fB\\-\\-fd\\fR (as libvirt does), or on"
	print "the socket passed by systemd socket activation (see"
	print "\\fBvirtiofsd@.service\\fR(8)).  Exactly one listening AF_UNIX stream socket"
	print "may be passed, and then neither \\fB\\-\\-socket\\-path\\fR nor \\fB\\-\\-fd\\fR;"
	print "anything else is an error.  A passed socket belongs to systemd: the daemon"
	print "never unlinks it."
	print "Every long option can also be set in a configuration file read with"
	print "\\fB\\-\\-config\\fR (see \\fBvirtiofsd.conf\\fR(5)); the command line overrides it."
	print ".SH OPTIONS"
	print "Options without an argument are off unless given."
	for (i = 1; i <= n; i++) {
		print ".TP"
		head = ""
		if (sname[i] != "")
			head = bold("-" sname[i]) ", "
		head = head bold("--" lname[i])
		if (meta[i] != "")
			head = head "=" ital(meta[i])
		print head
		print roff(sentence(help[i]))
		d = default_of(i)
		if (d != "")
			print "Default: " roff(d) "."
	}
	print ".TP"
	print bold("-d") ", " bold("--debug")
	print "Log debug messages; the same as \\fB\\-\\-log\\-level=debug\\fR."
	print ".TP"
	print bold("-o") " " ital("OPT") "[," ital("OPT") "]..., " bold("--options") "=" ital("OPT") "[," ital("OPT") "]..."
	print "Options in the syntax of QEMU\\(aqs C virtiofsd, for existing command lines"
	print "and libvirt.  May be given more than once; see"
	print ".B COMPATIBILITY OPTIONS"
	print "below."
	print ".TP"
	print bold("-h") ", " bold("--help")
	print "Print a summary of the options and exit."
	print ".SS COMPATIBILITY OPTIONS"
	print "Each \\fB\\-o\\fR key is a spelling of a long option."
	print "\\fB\\-f\\fR (run in the foreground) is accepted and ignored: the daemon"
	print "never forks into the background."
	for (i = 1; i <= nc; i++) {
		o = index_of[clong[i]]
		print ".TP"
		if (cvalue[i])
			print bold(ckey[i]) "=" ital(o && meta[o] != "" ? meta[o] : "VALUE")
		else
			print bold(ckey[i])
		if (cfixed[i] != "")
			print "Same as " bold("--" clong[i] "=" cfixed[i]) "."
		else if (cvalue[i])
			print "Same as " bold("--" clong[i]) "=" ital(o && meta[o] != "" ? meta[o] : "VALUE") "."
		else if (cclear[i])
			print "Turns " bold("--" clong[i]) " off."
		else
			print "Same as " bold("--" clong[i]) "."
		if (ckey[i] == "cache")
			print bold("cache=none") " is read as " bold("--cache=never") "."
	}
	print ".SH EXAMPLES"
	print "Share /srv/share with a QEMU guest:"
	print ".PP"
	print ".RS"
	print ".EX"
	print "host# virtiofsd \\-\\-socket\\-path=/run/vm1\\-fs.sock \\-\\-shared\\-dir=/srv/share &"
	print "host# qemu\\-system\\-x86_64 \\-m 4G \\e"
	print "        \\-object memory\\-backend\\-memfd,id=mem,size=4G,share=on \\e"
	print "        \\-numa node,memdev=mem \\e"
	print "        \\-chardev socket,id=char0,path=/run/vm1\\-fs.sock \\e"
	print "        \\-device vhost\\-user\\-fs\\-pci,queue\\-size=1024,chardev=char0,tag=myfs \\e"
	print "        ..."
	print "guest# mount \\-t virtiofs myfs /mnt"
	print ".EE"
	print ".RE"
	print ".PP"
	print "The guest RAM must be shared memory (\\fBshare=on\\fR, with \\fBsize\\fR equal"
	print "to \\fB\\-m\\fR)."
	print ".PP"
	print "With libvirt, which starts the daemon itself (as"
	print "\\fBvirtiofsd \\-\\-fd=\\fR\\fIN\\fR \\fB\\-o source=\\fR\\fIDIR\\fR,...), in the domain XML:"
	print ".PP"
	print ".RS"
	print ".EX"
	print "<memoryBacking>"
	print "  <source type=\\(aqmemfd\\(aq/>"
	print "  <access mode=\\(aqshared\\(aq/>"
	print "</memoryBacking>"
	print "<devices>"
	print "  <filesystem type=\\(aqmount\\(aq accessmode=\\(aqpassthrough\\(aq>"
	print "    <driver type=\\(aqvirtiofs\\(aq/>"
	print "    <binary path=\\(aq/usr/bin/virtiofsd\\(aq xattr=\\(aqon\\(aq/>"
	print "    <source dir=\\(aq/srv/share\\(aq/>"
	print "    <target dir=\\(aqmyfs\\(aq/>"
	print "  </filesystem>"
	print "</devices>"
	print ".EE"
	print ".RE"
	print ".PP"
	print "A read\\-only share with no guest caching, as the QEMU C daemon spelled it:"
	print ".PP"
	print ".RS"
	print ".EX"
	print "virtiofsd \\-\\-socket\\-path=/run/vm1\\-fs.sock \\-o source=/srv/share,cache=none,readonly"
	print ".EE"
	print ".RE"
	print ".SH EXIT STATUS"
	print ".TP"
	print ".B 0"
	print "The frontend disconnected, or the daemon was stopped by SIGTERM, SIGINT or"
	print "SIGHUP; also after \\fB\\-\\-help\\fR, \\fB\\-\\-version\\fR and"
	print "\\fB\\-\\-print\\-capabilities\\fR."
	print ".TP"
	print ".B 1"
	print "Bad options or configuration file, a start\\-up failure (shared directory,"
	print "socket, sandbox), or a vhost\\-user protocol error."
	print ".SH FILES"
	print ".TP"
	print ".I /etc/virtiofsd/INSTANCE.conf"
	print "Configuration of the systemd instance \\fBvirtiofsd@\\fR\\fIINSTANCE\\fR"
	print "(see \\fBvirtiofsd.conf\\fR(5) and \\fBvirtiofsd@.service\\fR(8))."
	print ".TP"
	print ".I /run/virtiofsd/INSTANCE.sock"
	print "Its vhost\\-user socket."
	print ".TP"
	print ".I /usr/share/qemu/vhost\\-user/50\\-virtiofsd.json"
	print "The vhost\\-user backend description through which libvirt and QEMU find the"
	print "daemon and query \\fB\\-\\-print\\-capabilities\\fR."
	print ".TP"
	print ".I /usr/share/doc/virtiofsd/virtiofsd.conf.example"
	print "An annotated configuration file listing every key."
	print ".SH SEE ALSO"
	print "\\fBvirtiofsd.conf\\fR(5), \\fBvirtiofsd@.service\\fR(8),"
	print "\\fBqemu\\-system\\-x86_64\\fR(1), \\fBmount\\fR(8),"
	print "\\fBsystemd.socket\\fR(5)"
	print ".PP"
	print "The vhost\\-user protocol: QEMU\\(aqs docs/interop/vhost\\-user.rst."
}

function keytype(i) {
	if (kind[i] == "FLAG")
		return "\\fBtrue\\fR|\\fBfalse\\fR"
	return ital(meta[i] != "" ? meta[i] : (kind[i] == "INT" ? "N" : "VALUE"))
}

function man5(    i, d) {
	th("VIRTIOFSD.CONF", 5, "File Formats")
	print ".SH NAME"
	print "virtiofsd.conf \\- virtiofsd configuration file"
	print ".SH SYNOPSIS"
	print ".I /etc/virtiofsd/INSTANCE.conf"
	print ".br"
	print ".B virtiofsd \\-\\-config=\\fIFILE\\fR"
	print "[\\fIOPTION\\fR]..."
	print ".SH DESCRIPTION"
	print "The file named by \\fB\\-\\-config\\fR holds the options of one daemon."
	print "The systemd template \\fBvirtiofsd@.service\\fR starts instance"
	print "\\fIINSTANCE\\fR with"
	print "\\fB\\-\\-config=/etc/virtiofsd/\\fR\\fIINSTANCE\\fR\\fB.conf\\fR."
	print ".PP"
	print "The file is a GLib key file (an INI file; see the GLib documentation of"
	print "GKeyFile).  It has the one group \\fB[virtiofsd]\\fR; any other group is an"
	print "error.  Each key is the long name of a command\\-line option, without the"
	print "leading dashes, and takes the value that option takes: \\fBtrue\\fR or"
	print "\\fBfalse\\fR for an option without an argument, a decimal number, or a"
	print "string (unquoted; \\fB\\es\\fR, \\fB\\en\\fR, \\fB\\et\\fR and \\fB\\e\\e\\fR"
	print "are escapes).  Lines starting with \\fB#\\fR are comments.  An unknown key"
	print "or a malformed value stops the daemon with exit status 1."
	print ".PP"
	print "Precedence: built\\-in default < file < command line.  An option given on"
	print "the command line overrides the same key in the file; for an option without"
	print "an argument, the command line can only turn it on."
	print ".PP"
	print "\\fBconfig\\fR, \\fBversion\\fR and \\fBprint\\-capabilities\\fR are not keys."
	print "Under systemd socket activation the listening socket comes from systemd,"
	print "so the file sets neither \\fBsocket\\-path\\fR nor \\fBfd\\fR (the daemon refuses"
	print "to start if it does)."
	print ".SH KEYS"
	for (i = 1; i <= n; i++) {
		if (is_action(lname[i]))
			continue
		print ".TP"
		print bold(lname[i]) "=" keytype(i)
		print roff(sentence(help[i]))
		d = default_of(i)
		if (kind[i] == "FLAG")
			d = "false"
		if (d != "")
			print "Default: " roff(d) "."
		print "Command line: " bold("--" lname[i]) "."
	}
	print ".SH EXAMPLE"
	print ".EX"
	print "# /etc/virtiofsd/vm1.conf"
	print "[virtiofsd]"
	print "shared\\-dir=/srv/vm1"
	print "cache=auto"
	print "xattr=true"
	print "posix\\-lock=true"
	print "flock=true"
	print ".EE"
	print ".PP"
	print "An annotated file listing every key with its default is installed as"
	print ".IR /usr/share/doc/virtiofsd/virtiofsd.conf.example ."
	print ".SH FILES"
	print ".TP"
	print ".I /etc/virtiofsd/INSTANCE.conf"
	print "Read by \\fBvirtiofsd@\\fR\\fIINSTANCE\\fR\\fB.service\\fR."
	print ".SH SEE ALSO"
	print "\\fBvirtiofsd\\fR(1), \\fBvirtiofsd@.service\\fR(8)"
}

# Wrap a comment to about 76 columns.
function comment(s,    nw, w, i, line) {
	nw = split(s, w, " ")
	line = "#"
	for (i = 1; i <= nw; i++) {
		if (length(line) + 1 + length(w[i]) > 76 && line != "#") {
			print line
			line = "#"
		}
		line = line " " w[i]
	}
	print line
}

function conf(    i, d, v) {
	print "# virtiofsd configuration file (virtiofsd " version ")."
	print "#"
	comment("Generated from the option table; every key is listed with its default. Copy this file to /etc/virtiofsd/INSTANCE.conf, set shared-dir, and start virtiofsd@INSTANCE.socket; or pass it with --config=FILE. Keys are the long command-line options; the command line overrides the file. See virtiofsd.conf(5).")
	print ""
	print "[virtiofsd]"
	for (i = 1; i <= n; i++) {
		if (is_action(lname[i]))
			continue
		print ""
		comment(sentence(help[i]))
		if (kind[i] == "FLAG") {
			v = def[i] == "0" ? "false" : "true"
		} else {
			d = def[i]
			if (kind[i] == "STRING" && d == "NULL")
				d = ""
			if (kind[i] == "INT" && d == "-1")
				d = ""
			v = d
		}
		if (lname[i] == "shared-dir") {
			print "shared-dir=/srv/vm1"
			continue
		}
		if (v == "")
			v = meta[i] != "" ? meta[i] : "VALUE"
		print "#" lname[i] "=" v
	}
}
' "$def" "$csrc"
