/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * activation.h - systemd integration: the listening socket passed by socket
 * activation, and readiness/status/watchdog notifications.  Every function
 * is a no-op when not started by systemd.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/**
 * activation_get_fd() - the socket systemd passed (LISTEN_FDS), if any.
 * @ret_fd: the fd, or -1 when none was passed
 * Logs nothing: the caller words the error.
 * Return: 0; -E2BIG if more than one fd was passed; -ENOTSOCK if the fd is
 * not a listening AF_UNIX stream socket (the daemon serves exactly one);
 * another -errno from sd_listen_fds().
 */
int activation_get_fd(int *ret_fd);

/**
 * notify_open() - connect to $NOTIFY_SOCKET; call before the sandbox.
 * Return: 1 connected; 0 not started by systemd with Type=notify; -errno.
 */
int notify_open(void);

/* READY=1 with a STATUS= line. */
void notify_ready(const char *status);
/* STATUS= line, printf-style. */
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* STOPPING=1 with a STATUS= line. */
void notify_stopping(const char *status);

/**
 * notify_watchdog_start() - ping the systemd watchdog from a thread while
 * @alive (if not NULL) keeps returning true; no-op without WATCHDOG_USEC.
 */
void notify_watchdog_start(bool (*alive)(void *), void *opaque);
