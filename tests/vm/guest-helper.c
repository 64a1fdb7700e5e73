/*
 * guest-helper.c - small static tool run inside the test guest.
 *
 * Busybox lacks xattr applets and a few system calls the guest test
 * needs (fsync, statfs, utimes with exact values, mkfifo, O_TMPFILE),
 * so this program wraps them: one subcommand per call, output on stdout,
 * exit status 0 on success and 1 with a message on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "guest-helper: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

static int do_listxattr(const char *path)
{
	char buf[4096];
	ssize_t len, i;

	len = listxattr(path, buf, sizeof(buf));
	if (len < 0)
		return fail("listxattr", path);
	for (i = 0; i < len; i += (ssize_t)strlen(buf + i) + 1)
		printf("%s\n", buf + i);
	return 0;
}

static int do_getxattr(const char *path, const char *name)
{
	char buf[4096];
	ssize_t len;

	len = getxattr(path, name, buf, sizeof(buf) - 1);
	if (len < 0)
		return fail("getxattr", path);
	buf[len] = '\0';
	printf("%s\n", buf);
	return 0;
}

static int do_fsync(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	if (fd < 0)
		return fail("open", path);
	if (write(fd, "sync\n", 5) != 5 || fsync(fd) < 0 || fdatasync(fd) < 0) {
		close(fd);
		return fail("fsync", path);
	}
	close(fd);
	return 0;
}

static int do_statfs(const char *path)
{
	struct statfs st;

	if (statfs(path, &st) < 0)
		return fail("statfs", path);
	printf("type=%lx bsize=%ld blocks=%llu bfree=%llu files=%llu namelen=%ld\n",
	       (unsigned long)st.f_type, (long)st.f_bsize,
	       (unsigned long long)st.f_blocks, (unsigned long long)st.f_bfree,
	       (unsigned long long)st.f_files, (long)st.f_namelen);
	return st.f_blocks > 0 && st.f_bsize > 0 ? 0 : 1;
}

static int do_utimes(const char *path, const char *atime, const char *mtime)
{
	struct timeval tv[2] = {
		{ .tv_sec = atol(atime), .tv_usec = 0 },
		{ .tv_sec = atol(mtime), .tv_usec = 0 },
	};

	if (utimes(path, tv) < 0)
		return fail("utimes", path);
	return 0;
}

static int do_stat(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return fail("stat", path);
	printf("mode=%o nlink=%lu uid=%u gid=%u size=%lld atime=%lld mtime=%lld\n",
	       (unsigned int)st.st_mode, (unsigned long)st.st_nlink,
	       (unsigned int)st.st_uid, (unsigned int)st.st_gid,
	       (long long)st.st_size, (long long)st.st_atime,
	       (long long)st.st_mtime);
	return 0;
}

static int do_tmpfile(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR, 0600);

	if (fd < 0) {
		if (errno == EOPNOTSUPP || errno == EISDIR) {
			printf("unsupported\n");
			return 0;
		}
		return fail("O_TMPFILE", dir);
	}
	if (write(fd, "tmp", 3) != 3) {
		close(fd);
		return fail("write tmpfile", dir);
	}
	close(fd);
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "setxattr") && argc == 5) {
		if (setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) < 0)
			return fail("setxattr", argv[2]);
		return 0;
	}
	if (!strcmp(cmd, "getxattr") && argc == 4)
		return do_getxattr(argv[2], argv[3]);
	if (!strcmp(cmd, "listxattr") && argc == 3)
		return do_listxattr(argv[2]);
	if (!strcmp(cmd, "removexattr") && argc == 4) {
		if (removexattr(argv[2], argv[3]) < 0)
			return fail("removexattr", argv[2]);
		return 0;
	}
	if (!strcmp(cmd, "fsync") && argc == 3)
		return do_fsync(argv[2]);
	if (!strcmp(cmd, "statfs") && argc == 3)
		return do_statfs(argv[2]);
	if (!strcmp(cmd, "utimes") && argc == 5)
		return do_utimes(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "mkfifo") && argc == 3) {
		if (mkfifo(argv[2], 0644) < 0)
			return fail("mkfifo", argv[2]);
		return 0;
	}
	if (!strcmp(cmd, "stat") && argc == 3)
		return do_stat(argv[2]);
	if (!strcmp(cmd, "tmpfile") && argc == 3)
		return do_tmpfile(argv[2]);
	fprintf(stderr, "usage: guest-helper CMD ARGS...\n");
	return 2;
}
