# service-lib.sh - what the service tests share; source it from a test in
# this directory (bash).  Sources tests/lib/tap.sh and sets:
#   bin       the daemon ($VFSD_BINARY)
#   builddir  the build tree ($VFSD_TOP_BUILDDIR)
#   sink      dgram-sink, the stand-in for journald's and sd_notify's sockets
#   client    vfsd-client, the minimal frontend
# and provides:
#   start_sink SOCKET OUTPUT   run dgram-sink on SOCKET into OUTPUT and wait
#                              until it is bound; its PID in $sink_pid
#   stop_sink                  end it
#   hold_session DIR SOCKET NAME CONTENT
#                              a frontend (vfsd-client --hold) that writes
#                              NAME and keeps the session open; waits until
#                              it is up (status 1 if it is not within 20 s);
#                              its output in DIR/client.out and client.err,
#                              its PID in $cpid
#   end_session                the frontend hangs up; its status in $crc
# shellcheck shell=bash

service_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${VFSD_BINARY:-$service_dir/../../src/virtiofsd}
builddir=${VFSD_TOP_BUILDDIR:-$(cd "$service_dir/../.." && pwd)}
sink=$builddir/tests/service/dgram-sink
client=$builddir/tests/service/vfsd-client
sink_pid=
. "$service_dir/../lib/tap.sh"

start_sink() {
	local ready
	ready=$(mktemp)
	"$sink" "$1" "$2" 300 >"$ready" &
	sink_pid=$!
	wait_for "$ready" '^ready$'
	local r=$?
	rm -f "$ready"
	return $r
}

stop_sink() {
	if [ -n "$sink_pid" ]; then
		kill "$sink_pid" 2>/dev/null
		wait "$sink_pid" 2>/dev/null
	fi
	sink_pid=
}

hold_session() {
	rm -f "$1/hold" "$1/client.out" "$1/client.err"
	mkfifo "$1/hold"
	"$client" --hold "$2" "$3" "$4" <"$1/hold" >"$1/client.out" 2>"$1/client.err" &
	cpid=$!
	exec 8<>"$1/hold"
	for _ in $(seq 200); do
		grep -qx up "$1/client.out" 2>/dev/null && return 0
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

end_session() {
	exec 8>&-
	wait_pid "$cpid" 20
	crc=$drc
	cpid=
}
