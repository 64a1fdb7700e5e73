/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * activation.c - sd_listen_fds() and sd_notify() glue.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "platform/activation.h"
#include "shared/log.h"

int activation_get_fd(int *ret_fd)
{
	int n = sd_listen_fds(1);

	*ret_fd = -1;
	if (n < 0)
		return n;
	if (n == 0)
		return 0;
	if (n > 1)
		return -E2BIG;
	if (sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, NULL, 0) <= 0)
		return -ENOTSOCK;
	*ret_fd = SD_LISTEN_FDS_START;
	return 0;
}

/*
 * The notification socket is connected once, before the sandbox hides
 * $NOTIFY_SOCKET's path (and before a new net namespace hides an abstract
 * one); later messages reuse it.  The unit needs NotifyAccess=all, since in
 * the namespace sandbox the messages come from a child process.
 */
static int notify_fd = -1;
static uint64_t watchdog_usec;

int notify_open(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	size_t plen;
	int fd;

	if (!path || !*path)
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, plen);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + plen;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	notify_fd = fd;
	unsetenv("NOTIFY_SOCKET");
	/* Read now: after the namespace sandbox forks, getpid() no longer
	 * matches $WATCHDOG_PID. */
	if (sd_watchdog_enabled(1, &watchdog_usec) <= 0)
		watchdog_usec = 0;
	return 1;
}

static void notify_send(const char *msg)
{
	if (notify_fd < 0)
		return;
	if (send(notify_fd, msg, strlen(msg), MSG_NOSIGNAL) < 0)
		vlog_debug("sd_notify message lost: %s", strerror(errno));
}

void notify_ready(const char *status)
{
	char buf[600];

	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=%s", status);
	notify_send(buf);
}

void notify_status(const char *fmt, ...)
{
	char buf[600];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "STATUS=");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	notify_send(buf);
}

void notify_stopping(const char *status)
{
	char buf[600];

	snprintf(buf, sizeof(buf), "STOPPING=1\nSTATUS=%s", status);
	notify_send(buf);
}

typedef struct {
	uint64_t usec;
	bool (*alive)(void *);
	void *opaque;
} Watchdog;

static Watchdog watchdog;

static void *watchdog_thread(void *arg)
{
	struct timespec ts = {
		.tv_sec = watchdog.usec / 2 / 1000000,
		.tv_nsec = (watchdog.usec / 2 % 1000000) * 1000,
	};

	for (;;) {
		if (!watchdog.alive || watchdog.alive(watchdog.opaque))
			notify_send("WATCHDOG=1");
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		ts.tv_sec = watchdog.usec / 2 / 1000000;
		ts.tv_nsec = (watchdog.usec / 2 % 1000000) * 1000;
	}
	return NULL;
}

void notify_watchdog_start(bool (*alive)(void *), void *opaque)
{
	pthread_t tid;
	uint64_t usec = watchdog_usec;

	if (notify_fd < 0 || usec == 0)
		return;
	watchdog = (Watchdog){ .usec = usec, .alive = alive, .opaque = opaque };
	if (pthread_create(&tid, NULL, watchdog_thread, NULL) == 0)
		pthread_detach(tid);
	else
		vlog_warn("cannot start the watchdog thread, ignoring");
}
