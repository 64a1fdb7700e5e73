/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vu-daemon.c - spawn the daemon under test with an inherited listening
 * socket (--fd), watch it through a pidfd, and clean up after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "vu-daemon.h"

const char *vu_daemon_binary(void)
{
	const char *b = g_getenv("VFSD_BINARY");

	if (!b || !*b || access(b, X_OK) < 0)
		return NULL;
	return b;
}

bool vu_daemon_is_qemu(void)
{
	const char *b = vu_daemon_binary();
	const char *q = g_getenv("QEMU_VIRTIOFSD");

	if (!b)
		return false;
	if (q && *q && strcmp(b, q) == 0)
		return true;
	return strstr(b, "/qemu/") != NULL;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

int vu_rm_rf(const char *path)
{
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0)
		return -errno;
	return 0;
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int vu_daemon_start(const char *opts, VuDaemon **ret)
{
	const char *bin = vu_daemon_binary();
	g_autoptr(GPtrArray) argv = NULL;
	g_autofree char *sock_path = NULL;
	g_autofree char *fdarg = NULL;
	g_autofree char *oarg = NULL;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *extra = g_getenv("VFSD_EXTRA_ARGS");
	VuDaemon *d;
	int lfd = -1, cfd = -1, logfd = -1, r;
	pid_t pid;

	if (!bin)
		return -ENOENT;
	d = g_new0(VuDaemon, 1);
	d->pid = -1;
	d->pidfd = -1;
	d->sock = -1;
	d->tmpdir = g_dir_make_tmp("vfsd-test-XXXXXX", NULL);
	if (!d->tmpdir) {
		g_free(d);
		return -EIO;
	}
	d->shared_dir = g_build_filename(d->tmpdir, "shared", NULL);
	d->log_path = g_build_filename(d->tmpdir, "daemon.log", NULL);
	sock_path = g_build_filename(d->tmpdir, "vhost.sock", NULL);
	if (mkdir(d->shared_dir, 0755) < 0 ||
	    strlen(sock_path) >= sizeof(sa.sun_path)) {
		r = -errno ? -errno : -ENAMETOOLONG;
		goto fail;
	}
	strcpy(sa.sun_path, sock_path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 4) < 0) {
		r = -errno;
		goto fail;
	}
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		goto fail;
	}
	logfd = open(d->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0) {
		r = -errno;
		goto fail;
	}

	argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, g_strdup(bin));
	g_ptr_array_add(argv, NULL); /* --fd=N, filled in the child */
	g_ptr_array_add(argv, g_strdup("-o"));
	g_ptr_array_add(argv, g_strdup_printf("source=%s,%s", d->shared_dir,
					      opts ? opts : "xattr,cache=auto,posix_lock,flock"));
	if (extra && *extra) {
		g_auto(GStrv) ev = NULL;
		if (g_shell_parse_argv(extra, NULL, &ev, NULL))
			for (char **e = ev; *e; e++)
				g_ptr_array_add(argv, g_strdup(*e));
	}
	g_ptr_array_add(argv, NULL);

	/* pick the fd number the child will see before forking */
	{
		int nfd = fcntl(lfd, F_DUPFD, 10);
		if (nfd < 0) {
			r = -errno;
			goto fail;
		}
		/* F_DUPFD leaves FD_CLOEXEC clear: only the child may keep it */
		fcntl(nfd, F_SETFD, FD_CLOEXEC);
		close(lfd);
		lfd = nfd;
		argv->pdata[1] = g_strdup_printf("--fd=%d", lfd);
	}

	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto fail;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		fcntl(lfd, F_SETFD, 0);
		execv(bin, (char **)argv->pdata);
		dprintf(2, "exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	d->pid = pid;
	d->pidfd = pidfd_open_(pid);
	close(lfd);
	close(logfd);
	d->sock = cfd;
	*ret = d;
	return 0;
fail:
	if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
	if (logfd >= 0)
		close(logfd);
	vu_daemon_free(d);
	return r;
}

int vu_daemon_wait(VuDaemon *d, int timeout_ms)
{
	int r = 0;

	if (d->reaped || d->pid < 0)
		return 0;
	if (d->pidfd >= 0) {
		struct pollfd p = { d->pidfd, POLLIN, 0 };
		int n;
		do {
			n = poll(&p, 1, timeout_ms);
		} while (n < 0 && errno == EINTR);
		if (n == 0) {
			kill(d->pid, SIGKILL);
			r = -ETIMEDOUT;
		}
	}
	while (waitpid(d->pid, &d->status, 0) < 0 && errno == EINTR)
		;
	d->reaped = true;
	return r;
}

char *vu_daemon_log(VuDaemon *d)
{
	char *s = NULL;

	if (!d->log_path || !g_file_get_contents(d->log_path, &s, NULL, NULL))
		return g_strdup("");
	return s;
}

const char *vu_daemon_status_str(VuDaemon *d, char *buf, size_t len)
{
	if (!d->reaped)
		snprintf(buf, len, "running");
	else if (WIFEXITED(d->status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(d->status));
	else if (WIFSIGNALED(d->status))
		snprintf(buf, len, "signal %d", WTERMSIG(d->status));
	else
		snprintf(buf, len, "status 0x%x", d->status);
	return buf;
}

void vu_daemon_free(VuDaemon *d)
{
	if (!d)
		return;
	if (d->sock >= 0)
		close(d->sock);
	if (d->pid > 0 && !d->reaped) {
		kill(d->pid, SIGKILL);
		while (waitpid(d->pid, &d->status, 0) < 0 && errno == EINTR)
			;
	}
	if (d->pidfd >= 0)
		close(d->pidfd);
	if (d->tmpdir && !g_getenv("VFSD_KEEP_TMP"))
		vu_rm_rf(d->tmpdir);
	g_free(d->tmpdir);
	g_free(d->shared_dir);
	g_free(d->log_path);
	g_free(d);
}
