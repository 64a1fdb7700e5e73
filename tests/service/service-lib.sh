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
