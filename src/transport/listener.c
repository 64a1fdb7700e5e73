/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * listener.c - the vhost-user listening socket: creation at a path (stale
 * socket removal, group ownership), checks on an inherited fd, and accept
 * with a stop fd.  Knows nothing of vhost-user messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

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
static int remove_stale(const struct sockaddr_un *sa)
{
	_cleanup_fd_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		return -EADDRINUSE;
	if (errno == ECONNREFUSED) {
		struct stat st;
		if (lstat(sa->sun_path, &st) == 0 && S_ISSOCK(st.st_mode) &&
		    unlink(sa->sun_path) < 0)
			return -errno;
	}
	return 0;
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
