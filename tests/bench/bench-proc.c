/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-proc.c - start, measure and stop a daemon process for the
 * benchmark.  The CPU of a process tree is found by scanning /proc for
 * parent links (/proc/PID/task/TID/children is not always built in).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
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

#include "bench-proc.h"

int bench_proc_start(char **argv, const char *workdir, BenchProc *ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	g_autofree char *sock_path = g_build_filename(workdir, "vhost.sock", NULL);
	g_autofree char *log_path = g_build_filename(workdir, "daemon.log", NULL);
	g_autoptr(GPtrArray) av = g_ptr_array_new_with_free_func(g_free);
	int lfd = -1, cfd = -1, logfd = -1, r;
	pid_t pid;

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, sock_path);
	unlink(sock_path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 1) < 0)
		goto fail_errno;
	/* connect before the daemon runs: nothing polls for the socket */
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail_errno;
	logfd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0)
		goto fail_errno;

	for (char **a = argv; *a; a++)
		g_ptr_array_add(av, g_strdup(*a));
	g_ptr_array_add(av, g_strdup_printf("--fd=%d", lfd));
	g_ptr_array_add(av, NULL);

	pid = fork();
	if (pid < 0)
		goto fail_errno;
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			dup2(nul, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		fcntl(lfd, F_SETFD, 0); /* the one fd the daemon inherits */
		execvp(av->pdata[0], (char **)av->pdata);
		dprintf(2, "exec %s: %s\n", (char *)av->pdata[0], strerror(errno));
		_exit(127);
	}
	close(lfd);
	close(logfd);
	memset(ret, 0, sizeof(*ret));
	ret->pid = pid;
	ret->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ret->sock = cfd;
	ret->log_path = g_steal_pointer(&log_path);
	return 0;

fail_errno:
	r = -errno;
	if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
	if (logfd >= 0)
		close(logfd);
	return r;
}

int bench_proc_stop(BenchProc *p, int timeout_ms)
{
	int r = 0;

	if (p->sock >= 0) {
		close(p->sock);
		p->sock = -1;
	}
	if (!p->reaped && p->pid > 0) {
		if (p->pidfd >= 0) {
			struct pollfd pf = { p->pidfd, POLLIN, 0 };
			int n;

			do {
				n = poll(&pf, 1, timeout_ms);
			} while (n < 0 && errno == EINTR);
			if (n == 0) {
				kill(p->pid, SIGKILL);
				r = -ETIMEDOUT;
			}
		} else {
			kill(p->pid, SIGKILL);
			r = -ETIMEDOUT;
		}
		while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
			;
		p->reaped = 1;
	}
	if (p->pidfd >= 0) {
		close(p->pidfd);
		p->pidfd = -1;
	}
	return r;
}

const char *bench_proc_status(const BenchProc *p, char *buf, size_t len)
{
	if (!p->reaped)
		snprintf(buf, len, "running");
	else if (WIFEXITED(p->status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(p->status));
	else if (WIFSIGNALED(p->status))
		snprintf(buf, len, "signal %d", WTERMSIG(p->status));
	else
		snprintf(buf, len, "status 0x%x", p->status);
	return buf;
}

void bench_proc_log_tail(const BenchProc *p, unsigned lines)
{
	g_autofree char *s = NULL;
	const char *start;
	size_t len = 0;
	unsigned n = 0;

	if (!p->log_path || !g_file_get_contents(p->log_path, &s, &len, NULL) ||
	    !len) {
		fprintf(stderr, "  (daemon log empty)\n");
		return;
	}
	start = s + len;
	if (start > s && start[-1] == '\n')
		start--;
	while (start > s && n < lines) {
		start--;
		if (*start == '\n')
			n++;
	}
	if (*start == '\n')
		start++;
	fprintf(stderr, "  --- daemon log (%s), last lines ---\n%s%s",
		p->log_path, start, s[len - 1] == '\n' ? "" : "\n");
}

typedef struct {
	pid_t pid, ppid;
	uint64_t ticks;
} ProcStat;

/* Parse /proc/PID/stat: "pid (comm) state ppid ... utime(14) stime(15)". */
static int read_stat(const char *pidname, ProcStat *ret)
{
	char path[64], buf[1024];
	unsigned long long ut, st;
	int ppid, fd;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%s/stat", pidname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	/* after ") ": state(3) ppid(4) pgrp sess tty tpgid flags minflt
	 * cminflt majflt cmajflt utime(14) stime(15) */
	if (sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &ppid, &ut, &st) != 3)
		return -EIO;
	ret->pid = atoi(buf);
	ret->ppid = ppid;
	ret->ticks = ut + st;
	return 0;
}

int bench_cpu_tree(pid_t root, uint64_t *ret_ns, unsigned *ret_nproc)
{
	g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(ProcStat));
	g_autoptr(GArray) tree = g_array_new(FALSE, FALSE, sizeof(pid_t));
	static long hz;
	uint64_t ticks = 0;
	bool found = false;
	struct dirent *de;
	DIR *d;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		ProcStat ps;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (read_stat(de->d_name, &ps) == 0)
			g_array_append_val(all, ps);
	}
	closedir(d);

	g_array_append_val(tree, root);
	/* breadth first over parent links; the tree is small */
	for (guint i = 0; i < tree->len; i++) {
		pid_t parent = g_array_index(tree, pid_t, i);

		for (guint j = 0; j < all->len; j++) {
			ProcStat *ps = &g_array_index(all, ProcStat, j);

			if (ps->pid == parent) {
				ticks += ps->ticks;
				found = found || parent == root;
			} else if (ps->ppid == parent && ps->pid != root) {
				g_array_append_val(tree, ps->pid);
			}
		}
	}
	if (!found)
		return -ESRCH;
	*ret_ns = ticks * (1000000000ull / (uint64_t)hz);
	if (ret_nproc)
		*ret_nproc = tree->len;
	return 0;
}
