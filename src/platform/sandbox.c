/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sandbox.c - namespace and chroot sandboxes (see sandbox.h for the order of
 * the stages).  Knows nothing of FUSE or vhost-user.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/sandbox.h"
#include "shared/log.h"

static const char *const mode_names[SANDBOX_MAX] = {
	[SANDBOX_NONE] = "none",
	[SANDBOX_CHROOT] = "chroot",
	[SANDBOX_NAMESPACE] = "namespace",
};
_Static_assert(sizeof(mode_names) / sizeof(mode_names[0]) == SANDBOX_MAX,
	       "mode names");

int sandbox_mode_parse(const char *s, SandboxMode *ret)
{
	for (int i = 0; i < SANDBOX_MAX; i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*ret = i;
			return 0;
		}
	}
	return -EINVAL;
}

static volatile pid_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

int sandbox_fork(SandboxMode mode, int *ret_status)
{
	struct sigaction sa = { .sa_handler = forward_signal };
	int status;
	pid_t pid;

	if (mode != SANDBOX_NAMESPACE)
		return 0;
	/* Only the child gets the new mount and net namespaces: the parent
	 * keeps seeing the host's /proc, which its exit path (and the
	 * sanitizers' leak checker) reads. */
	if (unshare(CLONE_NEWPID) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* The child must not outlive the parent that waits for it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWNS | CLONE_NEWNET) < 0) {
			vlog_error("cannot create the mount and net namespaces: %s",
				   strerror(errno));
			_exit(1);
		}
		return 0;
	}
	child_pid = pid;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(status))
		*ret_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		*ret_status = 128 + WTERMSIG(status);
	else
		*ret_status = 1;
	return 1;
}

int sandbox_prepare(SandboxMode mode, const char *shared_dir)
{
	if (mode != SANDBOX_NAMESPACE)
		return 0;
	/* Our mounts must not propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return -errno;
	/* A /proc of the new pid namespace, for /proc/self/fd. */
	if (mount("proc", "/proc", "proc",
		  MS_NODEV | MS_NOEXEC | MS_NOSUID | MS_RELATIME, NULL) < 0)
		return -errno;
	/* pivot_root needs the new root to be a mount point. */
	if (mount(shared_dir, shared_dir, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	return 0;
}

int sandbox_enter(SandboxMode mode, const char *shared_dir)
{
	switch (mode) {
	case SANDBOX_NONE:
		return 0;
	case SANDBOX_CHROOT:
		if (chroot(shared_dir) < 0 || chdir("/") < 0)
			return -errno;
		return 0;
	case SANDBOX_NAMESPACE:
		if (chdir(shared_dir) < 0)
			return -errno;
		/* Stack the old root under the new one, then detach it. */
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return -errno;
		if (umount2(".", MNT_DETACH) < 0)
			return -errno;
		if (chdir("/") < 0)
			return -errno;
		return 0;
	case SANDBOX_MAX:
		break;
	}
	return -EINVAL;
}
