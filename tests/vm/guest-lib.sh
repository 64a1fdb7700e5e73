# guest-lib.sh - sourced by a guest script inside the VM (busybox sh); the
# initramfs carries it as /guest-lib.sh.
#   check NAME CMD...  run CMD; print "CHECK ok|fail NAME", and on success
#                      the "INFO KEY VALUE" lines CMD printed for the host
#   guest_result       the final "GUEST-RESULT: PASS|FAIL" line
# shellcheck shell=sh

failed=0

check() {
	name=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		echo "CHECK ok $name"
		grep '^INFO ' /tmp/check.out
	else
		echo "CHECK fail $name"
		sed 's/^/  # /' /tmp/check.out
		failed=1
	fi
}

guest_result() {
	if [ $failed = 0 ]; then
		echo "GUEST-RESULT: PASS"
	else
		echo "GUEST-RESULT: FAIL"
	fi
}
