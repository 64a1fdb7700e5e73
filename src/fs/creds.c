/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * creds.c - setfsuid/setfsgid act on the calling thread only (they are raw
 * syscalls; glibc does not broadcast them), which is what a request served
 * on one thread needs.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs/creds.h"

static long fs_setuid(uid_t u)
{
	return syscall(SYS_setfsuid, u);
}

static long fs_setgid(gid_t g)
{
	return syscall(SYS_setfsgid, g);
}

int creds_switch(uid_t uid, gid_t gid, FsCreds *saved)
{
	saved->fsgid = (gid_t)fs_setgid(gid);
	saved->fsuid = (uid_t)fs_setuid(uid);
	/* setfs*id return the previous value; a second call reads back. */
	if ((uid_t)fs_setuid(uid) != uid || (gid_t)fs_setgid(gid) != gid) {
		creds_restore(saved);
		return -EPERM;
	}
	return 0;
}

void creds_restore(const FsCreds *saved)
{
	fs_setuid(saved->fsuid);
	fs_setgid(saved->fsgid);
}
