/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c - stderr / syslog logging with a level threshold.  Thread-safe: each
 * message is formatted into a local buffer and written with one call.
 */
#include <errno.h>
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

void vlog_setup(VlogLevel level, VlogTarget target)
{
	vlog_threshold = level;
	vlog_target = target;
	if (target == VLOG_TARGET_SYSLOG)
		openlog("virtiofsd", LOG_PID, LOG_DAEMON);
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

	if (vlog_target == VLOG_TARGET_SYSLOG) {
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
	(void)file;
	(void)line;
	(void)func;
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
