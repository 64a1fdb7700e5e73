/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c - stderr / syslog logging with a level threshold.  Thread-safe: each
 * message is formatted into a local buffer and written with one call.
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/util.h"

VlogLevel vlog_threshold = VLOG_INFO;
static VlogTarget vlog_target = VLOG_TARGET_STDERR;

static const char *const level_names[VLOG_LEVEL_MAX] = {
	[VLOG_OFF] = "off",	[VLOG_ERROR] = "error", [VLOG_WARN] = "warn",
	[VLOG_INFO] = "info",	[VLOG_DEBUG] = "debug", [VLOG_TRACE] = "trace",
};
_Static_assert(VFSD_ARRAY_SIZE(level_names) == VLOG_LEVEL_MAX, "level names");

static const int syslog_prio[VLOG_LEVEL_MAX] = {
	[VLOG_OFF] = LOG_DEBUG,	 [VLOG_ERROR] = LOG_ERR,  [VLOG_WARN] = LOG_WARNING,
	[VLOG_INFO] = LOG_INFO, [VLOG_DEBUG] = LOG_DEBUG, [VLOG_TRACE] = LOG_DEBUG,
};

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static int journal_fd = -1;
static char field_instance[256];
static char field_shared_dir[PATH_MAX];

static int journal_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

VlogTarget vlog_setup(VlogLevel level, VlogTarget target, VlogTarget fallback)
{
	vlog_threshold = level;
	if (target == VLOG_TARGET_JOURNAL) {
		int fd = journal_connect();
		if (fd >= 0)
			journal_fd = fd;
		else
			target = fallback;
	}
	vlog_target = target;
	if (target == VLOG_TARGET_SYSLOG)
		openlog("virtiofsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	return target;
}

bool vlog_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void vlog_set_fields(const char *instance, const char *shared_dir)
{
	if (instance)
		snprintf(field_instance, sizeof(field_instance), "%s", instance);
	if (shared_dir)
		snprintf(field_shared_dir, sizeof(field_shared_dir), "%s", shared_dir);
}

/* Append one field in the native protocol's binary-safe form:
 * NAME '\n' le64(len) value '\n'. */
static size_t journal_field(char *buf, size_t pos, size_t cap,
			    const char *name, const char *value, size_t vlen)
{
	size_t nlen = strlen(name);
	uint64_t le = htole64(vlen);

	if (pos + nlen + 1 + 8 + vlen + 1 > cap)
		return pos;
	memcpy(buf + pos, name, nlen);
	pos += nlen;
	buf[pos++] = '\n';
	memcpy(buf + pos, &le, 8);
	pos += 8;
	memcpy(buf + pos, value, vlen);
	pos += vlen;
	buf[pos++] = '\n';
	return pos;
}

static void journal_send(VlogLevel level, const char *file, int line,
			 const char *func, const char *msg, size_t len)
{
	char buf[4096 + PATH_MAX];
	char num[32];
	size_t pos = 0;

	pos = journal_field(buf, pos, sizeof(buf), "MESSAGE", msg, len);
	snprintf(num, sizeof(num), "%d", syslog_prio[level]);
	pos = journal_field(buf, pos, sizeof(buf), "PRIORITY", num, strlen(num));
	pos = journal_field(buf, pos, sizeof(buf), "SYSLOG_IDENTIFIER", "virtiofsd", 9);
	pos = journal_field(buf, pos, sizeof(buf), "CODE_FILE", file, strlen(file));
	snprintf(num, sizeof(num), "%d", line);
	pos = journal_field(buf, pos, sizeof(buf), "CODE_LINE", num, strlen(num));
	pos = journal_field(buf, pos, sizeof(buf), "CODE_FUNC", func, strlen(func));
	if (field_instance[0])
		pos = journal_field(buf, pos, sizeof(buf), "VIRTIOFSD_INSTANCE",
				    field_instance, strlen(field_instance));
	if (field_shared_dir[0])
		pos = journal_field(buf, pos, sizeof(buf), "VIRTIOFSD_SHARED_DIR",
				    field_shared_dir, strlen(field_shared_dir));
	if (send(journal_fd, buf, pos, MSG_NOSIGNAL) < 0) {
		/* Last resort: the message must not vanish. */
		ssize_t w = write(STDERR_FILENO, msg, len);
		w = write(STDERR_FILENO, "\n", 1);
		(void)w;
	}
}

VlogLevel vlog_get_level(void)
{
	return vlog_threshold;
}

int vlog_level_parse(const char *s, VlogLevel *ret_level)
{
	for (int i = 0; i < VLOG_LEVEL_MAX; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*ret_level = i;
			return 0;
		}
	}
	if (strcmp(s, "err") == 0) {
		*ret_level = VLOG_ERROR;
		return 0;
	}
	if (strcmp(s, "warning") == 0) {
		*ret_level = VLOG_WARN;
		return 0;
	}
	return -EINVAL;
}

const char *vlog_level_name(VlogLevel level)
{
	return level < VLOG_LEVEL_MAX ? level_names[level] : "?";
}

void vlog_msg(VlogLevel level, const char *file, int line, const char *func,
	      const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int saved = errno;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;

	if (vlog_target == VLOG_TARGET_JOURNAL) {
		journal_send(level, file, line, func, buf, n);
	} else if (vlog_target == VLOG_TARGET_SYSLOG) {
		syslog(syslog_prio[level], "%s", buf);
	} else {
		char out[1100];
		int m = snprintf(out, sizeof(out), "[virtiofsd %s] %.*s\n",
				 vlog_level_name(level), n, buf);
		if (m > 0) {
			if ((size_t)m > sizeof(out))
				m = sizeof(out);
			ssize_t w = write(STDERR_FILENO, out, m);
			(void)w;
		}
	}
	errno = saved;
}

bool vlog_ratelimit_ok(VlogRatelimit *rl)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* Races between threads only make the limit approximate. */
	if (ts.tv_sec - rl->window_start >= 5) {
		rl->window_start = ts.tv_sec;
		rl->count = 0;
	}
	return ++rl->count <= 10;
}
