/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfsd-client - a minimal vhost-user-fs frontend for service tests: the
 * part of a VM start that matters to the daemon, without a VM.
 *
 *   vfsd-client [--hold] SOCKET [NAME CONTENT]
 *
 * Connects to the listening socket SOCKET (retrying for up to 10 s, since a
 * socket-activated daemon may still be starting), performs the vhost-user
 * handshake and FUSE INIT, and, with NAME and CONTENT, creates the file NAME
 * in the shared directory's root holding CONTENT and reads it back.  With
 * --hold it then prints "up" and keeps the connection until its standard
 * input reaches end of file, so that the caller can look at the running
 * service, and afterwards checks that NAME (if given) still has CONTENT's
 * size.  Then it hangs up, as a VM does when it stops.  Exit status 0 when
 * every step worked; otherwise 1 with the failing step on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <linux/fuse.h>

#include "tests/lib/fuse-client.h"
#include "tests/lib/vu-frontend.h"

static int connect_path(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	for (int i = 0; i < 100; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	return -ETIMEDOUT;
}

static int fail(const char *step, int r)
{
	fprintf(stderr, "vfsd-client: %s: %s\n", step, strerror(r < 0 ? -r : r));
	return 1;
}

static int put_file(FuseClient *c, const char *name, const char *content)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	size_t len = strlen(content);
	char back[4096];
	int r;

	if (len > sizeof(back))
		return fail("content too long", EINVAL);
	r = fuse_create(c, FUSE_ROOT_ID, name, O_RDWR | O_TRUNC, 0644, 022, &e, &o);
	if (r < 0)
		return fail("CREATE", r);
	r = fuse_write(c, e.nodeid, o.fh, 0, content, (uint32_t)len, 0);
	if (r < 0 || (size_t)r != len)
		return fail("WRITE", r < 0 ? r : -EIO);
	r = fuse_read(c, e.nodeid, o.fh, 0, sizeof(back), back);
	if (r < 0 || (size_t)r != len || memcmp(back, content, len) != 0)
		return fail("READ back", r < 0 ? r : -EIO);
	r = fuse_release(c, e.nodeid, o.fh, O_RDWR);
	if (r < 0)
		return fail("RELEASE", r);
	return 0;
}

/* Until standard input reaches end of file (or fails). */
static void hold_connection(void)
{
	char buf[256];
	ssize_t n;

	do
		n = read(STDIN_FILENO, buf, sizeof(buf));
	while (n > 0 || (n < 0 && errno == EINTR));
}

int main(int argc, char **argv)
{
	VuFrontConfig cfg = { 0 };
	struct fuse_entry_out e;
	bool hold = false;
	FuseClient c;
	VuFront *vu;
	int fd, r;

	if (argc > 1 && strcmp(argv[1], "--hold") == 0) {
		hold = true;
		argv++;
		argc--;
	}
	if (argc != 2 && argc != 4) {
		fprintf(stderr, "usage: vfsd-client [--hold] SOCKET [NAME CONTENT]\n");
		return 2;
	}
	fd = connect_path(argv[1]);
	if (fd < 0)
		return fail(argv[1], fd);
	r = vu_front_new(fd, -1, &cfg, &vu);
	if (r < 0)
		return fail("vhost-user handshake", r);
	fuse_client_init(&c, vu);
	r = fuse_init(&c, FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_MAX_PAGES, NULL);
	if (r < 0)
		return fail("FUSE INIT", r);
	if (argc == 4 && put_file(&c, argv[2], argv[3]) != 0)
		return 1;
	if (hold) {
		if (printf("up\n") < 0 || fflush(stdout) != 0)
			return fail("stdout", errno);
		hold_connection();
		if (argc == 4) {
			r = fuse_lookup(&c, FUSE_ROOT_ID, argv[2], &e);
			if (r < 0)
				return fail("LOOKUP after the wait", r);
			if (e.attr.size != strlen(argv[3]))
				return fail("size after the wait", EIO);
		}
	}
	vu_front_free(vu);
	return 0;
}
