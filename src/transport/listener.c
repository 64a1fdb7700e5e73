/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * listener.c - the vhost-user listening socket: creation at a path (stale
 * socket removal, group ownership), checks on an inherited fd, and accept
 * with a stop fd.  Knows nothing of vhost-user messages.
 */
#include <errno.h>
#include <glib.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/util.h"
#include "transport/listener.h"

static int make_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* Return: 0 if nothing (live) is at @sa; -EADDRINUSE if someone answers. */
/*
 * Ownership of a socket path is a lock on "PATH.pid", held for the life of
 * the daemon (the fd is kept open and inherited by the sandboxed child).
 * Probing the socket with connect() instead would hand the live daemon a
 * bogus frontend connection and end its session.
 */
static int take_pid_lock(const char *path)
{
	g_autofree char *lock = g_strdup_printf("%s.pid", path);
	char pid[32];
	int fd, n;

	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? -EADDRINUSE : -errno;
		close(fd);
		return r;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, n, 0) != n)
		vlog_debug("cannot write %s, ignoring", lock);
	/* Deliberately kept open: the lock lives as long as the daemon. */
	return 0;
}

static int remove_stale(const struct sockaddr_un *sa)
{
	struct stat st;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	return unlink(sa->sun_path) < 0 ? -errno : 0;
}

static int lookup_group(const char *group, gid_t *ret_gid)
{
	char *end;
	unsigned long v;
	struct group *gr;

	errno = 0;
	v = strtoul(group, &end, 10);
	if (*group && !*end && errno == 0 && v < (gid_t)-1) {
		*ret_gid = (gid_t)v;
		return 0;
	}
	gr = getgrnam(group);
	if (!gr)
		return -ENOENT;
	*ret_gid = gr->gr_gid;
	return 0;
}

int listener_open_path(const char *path, const char *group, int *ret_fd)
{
	struct sockaddr_un sa;
	_cleanup_fd_ int fd = -1;
	gid_t gid = 0;
	mode_t old;
	int r;

	r = make_addr(path, &sa);
	if (r < 0)
		return r;
	if (group) {
		r = lookup_group(group, &gid);
		if (r < 0)
			return r;
	}
	r = take_pid_lock(path);
	if (r < 0)
		return r;
	r = remove_stale(&sa);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* owner and group only, whatever the caller's umask */
	old = umask(0077);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		return -errno;
	if (group) {
		if (chown(path, (uid_t)-1, gid) < 0 || chmod(path, 0660) < 0) {
			r = -errno;
			unlink(path);
			return r;
		}
	}
	if (listen(fd, 1) < 0) {
		r = -errno;
		unlink(path);
		return r;
	}
	*ret_fd = vfsd_steal_fd(&fd);
	return 0;
}

int listener_check_fd(int fd)
{
	int v;
	socklen_t len = sizeof(v);

	if (fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0)
		return errno == ENOTSOCK ? -ENOTSOCK : -errno;
	if (v != AF_UNIX)
		return -EINVAL;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) < 0 || v != SOCK_STREAM)
		return -EINVAL;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) < 0 || !v)
		return -EINVAL;
	return 0;
}

int listener_accept(int lfd, int stop_fd)
{
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = lfd, .events = POLLIN },
			{ .fd = stop_fd, .events = POLLIN },
		};
		int fd;

		if (poll(p, stop_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (stop_fd >= 0 && p[1].revents)
			return -ECANCELED;
		if (!p[0].revents)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
			return -errno;
	}
}
