/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limits.h - process resource limits the daemon sets for itself.
 */
#pragma once

/**
 * limits_raise_nofile() - raise RLIMIT_NOFILE for a large inode store.
 * @want: -1 for the default min(1000000, fs.nr_open); 0 to leave it alone;
 *        otherwise the limit to set
 * Return: 0; -errno from setrlimit (e.g. -EPERM when unprivileged).
 */
int limits_raise_nofile(long want);
