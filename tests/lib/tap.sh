# tap.sh - TAP output for the shell tests; source it (POSIX sh or bash).
#
#   ok DESC                  one passing test point
#   nok DESC [DETAIL...]     one failing test point; DETAIL lines become
#                            "# " comments.  not_ok is the same.
#   check DESC CMD...        ok or nok, as CMD succeeds or fails
#   t DESC CMD...            check, with CMD's output discarded
#   tap_cannot_run WHY       the test cannot run here: a failure under CI
#                            ($CI set), otherwise a skip; exits
#   tap_plan                 the trailing plan "1..N"
#   alive PID                PID runs (a zombie not yet waited for does not)
#   wait_pid PID [SECONDS]   wait for the child PID to end (default 10 s);
#                            its status in $drc, 124 if it had to be killed
#   wait_for FILE PATTERN    wait up to 10 s for PATTERN (grep) in FILE
#   tap_on_first_failure     if the test defines it: called once, at the
#                            first failure, to print context as comments
#
# $n counts the test points so far; $failed is 1 once one has failed.
# shellcheck shell=sh

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

nok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	shift
	for _tap_line in "$@"; do
		printf '%s\n' "$_tap_line" | sed 's/^/# /'
	done
	# A test may define tap_on_first_failure to print its context once.
	if [ "$failed" = 0 ] && command -v tap_on_first_failure > /dev/null; then
		tap_on_first_failure
	fi
	failed=1
}

not_ok() {
	nok "$@"
}

check() {
	_tap_desc=$1
	shift
	if "$@"; then ok "$_tap_desc"; else nok "$_tap_desc"; fi
}

t() {
	_tap_desc=$1
	shift
	if "$@" > /dev/null 2>&1; then ok "$_tap_desc"; else nok "$_tap_desc"; fi
}

tap_cannot_run() {
	if [ -n "${CI:-}" ]; then
		echo "1..1"
		echo "not ok 1 - cannot run: $1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

tap_plan() {
	echo "1..$n"
}

alive() {
	kill -0 "$1" 2> /dev/null &&
		! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2> /dev/null
}

wait_pid() {
	_tap_i=$((${2:-10} * 20))
	while [ "$_tap_i" -gt 0 ] && alive "$1"; do
		sleep 0.05
		_tap_i=$((_tap_i - 1))
	done
	if alive "$1"; then
		kill -KILL "$1"
		wait "$1"
		drc=124
		return
	fi
	wait "$1"
	drc=$?
}

wait_for() {
	_tap_i=200
	while [ "$_tap_i" -gt 0 ]; do
		grep -q -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.05
		_tap_i=$((_tap_i - 1))
	done
	return 1
}
