/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - the daemon's one logging front end.  Every layer logs through
 * vlog_*(); the target (stderr or the system log) and the threshold are set
 * once by main().  Must not know about any other layer.
 */
#pragma once

#include <stdbool.h>

typedef enum {
	VLOG_OFF = 0,
	VLOG_ERROR,
	VLOG_WARN,
	VLOG_INFO,
	VLOG_DEBUG,
	VLOG_TRACE,
	VLOG_LEVEL_MAX
} VlogLevel;

typedef enum {
	VLOG_TARGET_STDERR = 0,
	VLOG_TARGET_SYSLOG,	/* syslog(3) */
	VLOG_TARGET_JOURNAL,	/* journald's native protocol */
	VLOG_TARGET_MAX
} VlogTarget;

/**
 * vlog_setup() - set threshold and target.  For VLOG_TARGET_JOURNAL the
 * journal socket is connected now (call before the sandbox hides it); if
 * that fails, falls back to @fallback.
 * Return: the target in effect.
 */
VlogTarget vlog_setup(VlogLevel level, VlogTarget target, VlogTarget fallback);

/* true when stderr is connected to the journal ($JOURNAL_STREAM). */
bool vlog_stderr_is_journal(void);

/* Extra journal fields VIRTIOFSD_INSTANCE= and VIRTIOFSD_SHARED_DIR=;
 * strings are copied.  NULL leaves a field as it was. */
void vlog_set_fields(const char *instance, const char *shared_dir);
VlogLevel vlog_get_level(void);
/* Parses "error", "warn", "info", "debug", "trace", "off" (and QEMU's "err").
 * Return: 0, or -EINVAL. */
int vlog_level_parse(const char *s, VlogLevel *ret_level);
const char *vlog_level_name(VlogLevel level);

void vlog_msg(VlogLevel level, const char *file, int line, const char *func,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static inline bool vlog_enabled(VlogLevel level)
{
	extern VlogLevel vlog_threshold;
	return level <= vlog_threshold;
}

#define VLOG_AT(lvl, ...)                                                       \
	do {                                                                    \
		if (vlog_enabled(lvl))                                          \
			vlog_msg(lvl, __FILE__, __LINE__, __func__, __VA_ARGS__); \
	} while (0)
#define vlog_error(...) VLOG_AT(VLOG_ERROR, __VA_ARGS__)
#define vlog_warn(...) VLOG_AT(VLOG_WARN, __VA_ARGS__)
#define vlog_info(...) VLOG_AT(VLOG_INFO, __VA_ARGS__)
#define vlog_debug(...) VLOG_AT(VLOG_DEBUG, __VA_ARGS__)
#define vlog_trace(...) VLOG_AT(VLOG_TRACE, __VA_ARGS__)

/* Rate-limited warning for conditions the guest can trigger: at most a burst
 * of 10 per 5 seconds per call site. */
#define vlog_warn_ratelimited(...)                                             \
	do {                                                                   \
		static VlogRatelimit _rl;                                      \
		if (vlog_enabled(VLOG_WARN) && vlog_ratelimit_ok(&_rl))        \
			vlog_msg(VLOG_WARN, __FILE__, __LINE__, __func__,      \
				 __VA_ARGS__);                                 \
	} while (0)

typedef struct {
	long long window_start; /* monotonic seconds */
	int count;
	int suppressed;
} VlogRatelimit;

bool vlog_ratelimit_ok(VlogRatelimit *rl);
