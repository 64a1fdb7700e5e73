#!/bin/sh
# Guest side of the guest test: runs inside the VM under busybox sh with
# the shared directory mounted on $1 (default /mnt).  Prints one
# "CHECK ok|fail NAME" line per check and "INFO KEY VALUE" lines that
# the host compares against its own view of the shared directory.
M=${1:-/mnt}
H=/bin/guest-helper
. /guest-lib.sh

t_write() {
	echo hello > "$M/a.txt" && echo world >> "$M/a.txt" &&
	[ "$(cat "$M/a.txt")" = "hello
world" ]
}
t_rename() {
	mv "$M/a.txt" "$M/renamed.txt" && [ ! -e "$M/a.txt" ] &&
	[ "$(head -n 1 "$M/renamed.txt")" = hello ]
}
t_unlink() {
	echo gone > "$M/unlinked.txt" && rm "$M/unlinked.txt" &&
	[ ! -e "$M/unlinked.txt" ]
}
t_mkdir() {
	mkdir "$M/dir" && mkdir "$M/dir/sub" && rmdir "$M/dir/sub" &&
	[ -d "$M/dir" ] && [ ! -e "$M/dir/sub" ]
}
t_readdir() {
	mkdir "$M/many" || return 1
	i=0
	while [ $i -lt 1000 ]; do
		: > "$M/many/f$i" || return 1
		i=$((i + 1))
	done
	# readdir through ls, as users do
	# shellcheck disable=SC2012
	n=$(ls "$M/many" | wc -l)
	echo "entries: $n"
	[ "$n" -eq 1000 ]
}
t_symlink() {
	ln -s renamed.txt "$M/link" && [ "$(readlink "$M/link")" = renamed.txt ] &&
	[ "$(head -n 1 "$M/link")" = hello ]
}
t_hardlink() {
	echo data > "$M/hl1" && ln "$M/hl1" "$M/hl2" &&
	$H stat "$M/hl1" | grep -q ' nlink=2 ' &&
	rm "$M/hl2" && $H stat "$M/hl1" | grep -q ' nlink=1 '
}
t_chmod() {
	echo x > "$M/mode" && chmod 640 "$M/mode" &&
	$H stat "$M/mode" | grep -q '^mode=100640 '
}
t_chown() {
	echo x > "$M/owned" && chown 1234:5678 "$M/owned" &&
	$H stat "$M/owned" | grep -q ' uid=1234 gid=5678 '
}
t_truncate() {
	echo 0123456789 > "$M/trunc" && truncate -s 4 "$M/trunc" &&
	[ "$(cat "$M/trunc")" = 0123 ] && truncate -s 100000 "$M/trunc" &&
	[ "$(stat -c %s "$M/trunc")" = 100000 ]
}
t_utimes() {
	echo x > "$M/times" && $H utimes "$M/times" 1000000000 1234567890 &&
	$H stat "$M/times" | grep -q ' atime=1000000000 mtime=1234567890$'
}
t_xattr() {
	echo x > "$M/xattr" &&
	$H setxattr "$M/xattr" user.test value1 &&
	$H setxattr "$M/xattr" user.gone value2 &&
	[ "$($H getxattr "$M/xattr" user.test)" = value1 ] &&
	$H listxattr "$M/xattr" | grep -qx user.gone &&
	$H removexattr "$M/xattr" user.gone &&
	! $H listxattr "$M/xattr" | grep -qx user.gone &&
	! $H getxattr "$M/xattr" user.gone
}
t_mkfifo() {
	$H mkfifo "$M/fifo" && [ -p "$M/fifo" ]
}
t_bigfile() {
	dd if=/dev/urandom of="$M/big" bs=1M count=256 2>/dev/null || return 1
	sync
	s=$(sha256sum "$M/big" | cut -d ' ' -f 1)
	echo "INFO big $s"
	[ "$(stat -c %s "$M/big")" = 268435456 ]
}
t_hostfile() {
	s=$(sha256sum "$M/hostfile" | cut -d ' ' -f 1)
	echo "INFO hostfile $s"
	[ -n "$s" ]
}

check write_append_read t_write
check rename t_rename
check unlink t_unlink
check mkdir_rmdir t_mkdir
check readdir_1000 t_readdir
check symlink_readlink t_symlink
check hardlink_nlink t_hardlink
check chmod t_chmod
check chown t_chown
check truncate t_truncate
check utimes t_utimes
check statfs $H statfs "$M"
check fsync $H fsync "$M/renamed.txt"
check xattr t_xattr
check mkfifo t_mkfifo
check tmpfile $H tmpfile "$M"
check hostfile_read t_hostfile
check bigfile_256m t_bigfile
sync
guest_result
