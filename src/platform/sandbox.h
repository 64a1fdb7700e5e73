/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sandbox.h - confining the daemon to the shared directory.
 *
 * Theory of operation (the order matters):
 *   1. sandbox_fork()       namespace mode: new mount, pid and net
 *                           namespaces; the parent waits for the child
 *   2. sandbox_prepare()    namespace mode: private mounts, a fresh /proc,
 *                           the shared directory bind-mounted on itself
 *   3. the filesystem backend opens the shared directory and /proc/self/fd
 *   4. sandbox_enter()      namespace: pivot_root into the shared directory;
 *                           chroot: chroot into it
 * After step 4 no path outside the shared directory can be named; the fds
 * opened in step 3 keep working.
 */
#pragma once

typedef enum {
	SANDBOX_NONE = 0,
	SANDBOX_CHROOT,
	SANDBOX_NAMESPACE,
	SANDBOX_MAX
} SandboxMode;

/* "none", "chroot", "namespace".  Return: 0 or -EINVAL. */
int sandbox_mode_parse(const char *s, SandboxMode *ret);

/**
 * sandbox_fork() - namespace mode: unshare namespaces and fork.
 * In the parent, waits for the child, forwarding SIGTERM/SIGINT/SIGHUP, and
 * stores the child's exit status (128+signal for a signal death) in
 * @ret_status.
 * Return: 0 in the child (or in any mode but namespace); 1 in the parent;
 * -errno if the namespaces could not be created (-EPERM unprivileged).
 */
int sandbox_fork(SandboxMode mode, int *ret_status);

/**
 * sandbox_prepare() - namespace mode: make mounts private, mount /proc, and
 * bind-mount @shared_dir onto itself.  Other modes: nothing.
 * Return: 0 or -errno.
 */
int sandbox_prepare(SandboxMode mode, const char *shared_dir);

/**
 * sandbox_enter() - make @shared_dir the root directory.
 * Return: 0 or -errno.
 */
int sandbox_enter(SandboxMode mode, const char *shared_dir);
