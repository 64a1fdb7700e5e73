/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * listener.h - the vhost-user listening socket: created at --socket-path or
 * inherited through --fd / socket activation.
 */
#pragma once

#include <stdbool.h>

/**
 * listener_open_path() - create a listening UNIX socket at @path.
 * @path: socket path; a stale socket there (its owner gone) is removed.
 *        Ownership is an flock on "@path.pid", held until the process exits.
 * @group: group name or numeric gid to own the socket, or NULL
 * @ret_fd: the listening fd (O_CLOEXEC)
 *
 * Return: 0; -EADDRINUSE if a live daemon owns @path; -EEXIST if @path is
 * not a socket; -ENAMETOOLONG;
 * -ENOENT for an unknown group; other -errno from socket calls.
 */
int listener_open_path(const char *path, const char *group, int *ret_fd);

/**
 * listener_check_fd() - check that @fd is a listening AF_UNIX stream socket.
 * Return: 0; -EBADF if not open; -ENOTSOCK; -EINVAL if not listening or not
 * AF_UNIX/SOCK_STREAM.
 */
int listener_check_fd(int fd);

/**
 * listener_accept() - wait for and accept one frontend connection.
 * @stop_fd: fd that becomes readable when the daemon must stop, or -1
 * Return: the connected fd (O_CLOEXEC); -ECANCELED if @stop_fd fired; -errno.
 */
int listener_accept(int lfd, int stop_fd);
