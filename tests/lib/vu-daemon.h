/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vu-daemon.h - start a virtio-fs daemon for a test: a fresh temporary
 * shared directory, a listening UNIX socket handed over with --fd, a log
 * file for its stderr, and a way to see how it ended.  Knows nothing of
 * vhost-user or FUSE.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

typedef struct {
	pid_t pid;
	int pidfd;	  /* readable once the daemon exited */
	int sock;	  /* our connected end; handed to vu_front_new() */
	char *tmpdir;	  /* owns everything below */
	char *shared_dir; /* the directory shared with the "guest" */
	char *log_path;	  /* the daemon's stdout and stderr */
	bool reaped;
	int status;	  /* waitpid() status once reaped */
} VuDaemon;

/**
 * vu_daemon_binary() - the daemon under test: $VFSD_BINARY.
 * Return: the path, or NULL when unset or not executable.
 */
const char *vu_daemon_binary(void);

/* True when the daemon under test is QEMU's C virtiofsd (a reference peer
 * whose small deviations from the spec some tests tolerate). */
bool vu_daemon_is_qemu(void);

/**
 * vu_daemon_start() - create a temporary shared directory and start the
 * daemon on it: `BINARY --fd=N -o source=DIR,OPTS [$VFSD_EXTRA_ARGS]`.
 * @opts: the -o options after source= (NULL: xattr,cache=auto,posix_lock,flock)
 * @ret: the daemon (free with vu_daemon_free())
 *
 * The listening socket is created and connected to here, before the daemon
 * runs, so nothing needs to poll for it.
 * Return: 0, -ENOENT when no daemon binary is configured, other -errno.
 */
int vu_daemon_start(const char *opts, VuDaemon **ret);

/**
 * vu_daemon_wait() - wait up to @timeout_ms for the daemon to exit, killing
 * it with SIGKILL after that.
 * Return: 0 when it exited by itself (status in @d->status), -ETIMEDOUT when
 * it had to be killed.
 */
int vu_daemon_wait(VuDaemon *d, int timeout_ms);

/* g_malloc'd contents of the daemon's log (empty string if none). */
char *vu_daemon_log(VuDaemon *d);

/* Describe how the daemon ended: "exit 0", "signal 11", "running". */
const char *vu_daemon_status_str(VuDaemon *d, char *buf, size_t len);

/* Kill (if still running), reap, and delete the temporary directory. */
void vu_daemon_free(VuDaemon *d);

/* Remove a directory tree (best effort).  Return: 0 or -errno. */
int vu_rm_rf(const char *path);
