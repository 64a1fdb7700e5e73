#!/bin/bash
# Build virtiofsd twice (warnings as errors; ASan+UBSan) in separate build
# directories and run the whole test suite (unit, integration, real guest)
# in both.  Ends with one line: "N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
jobs=$(nproc 2>/dev/null || echo 2)

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	NOCONFIGURE=1 ./autogen.sh >/dev/null || { echo "autogen failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# One kernel cache for every build below, make distcheck's included.
export VFSD_VM_ASSETS=${VFSD_VM_ASSETS:-$top/_vm-assets}

pass=0 fail=0 skip=0 rc=0
run_config() {
	local dir=$1; shift
	mkdir -p "$dir"
	( cd "$dir" && "$top/configure" -q "$@" ) || { fail=$((fail + 1)); rc=1; return; }
	make -C "$dir" -j"$jobs" >/dev/null || { echo "build failed in $dir"; make -C "$dir" 2>&1 | tail -30; fail=$((fail + 1)); rc=1; return; }
	# A hung test must not hang the run: give up after 30 minutes and
	# count what finished (the unfinished tests count as failures).
	if ! timeout 1800 make -C "$dir" -j"$jobs" check; then
		rc=1
		[ -f "$dir/test-suite.log" ] || echo "make check in $dir did not finish"
	fi
	local log="$dir/test-suite.log"
	if [ -f "$log" ]; then
		local p f e x s
		p=$(sed -n 's/^# PASS: *//p' "$log"); f=$(sed -n 's/^# FAIL: *//p' "$log")
		e=$(sed -n 's/^# ERROR: *//p' "$log"); x=$(sed -n 's/^# XPASS: *//p' "$log")
		s=$(sed -n 's/^# SKIP: *//p' "$log")
		pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0} + ${e:-0} + ${x:-0})); skip=$((skip + ${s:-0}))
		if [ "${f:-0}${e:-0}${x:-0}" != 000 ]; then
			echo "=== failures in $dir ==="
			cat "$log"
		fi
	else
		fail=$((fail + 1))
	fi
}

# step NAME COMMAND...: one more pass or fail for the summary.
step() {
	local name=$1; shift
	echo "=== $name ==="
	if "$@"; then
		echo "PASS: $name"; pass=$((pass + 1))
	else
		echo "FAIL: $name"; fail=$((fail + 1)); rc=1
	fi
}

run_config _build --enable-werror
run_config _build-asan --enable-sanitizers
# Release checks: units and man pages, the tarball (which runs the whole
# suite again from an unpacked copy), and rpm and deb packages built from it.
step "systemd units verify, man pages lint" make -C _build check-units
step "man page documents every option" make -C _build check-man
step "make distcheck" timeout 2700 make -C _build -j"$jobs" distcheck
step "rpm and deb packages from the tarball" make -C _build check-packages

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$rc" = 0 ]
