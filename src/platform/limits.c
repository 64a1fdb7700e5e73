/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limits.c - RLIMIT_NOFILE: every inode the guest has looked up holds an
 * O_PATH fd, so the default 1024 is far too low.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

#include "platform/limits.h"
#include "shared/log.h"

#define NOFILE_DEFAULT_MAX 1000000L

static long read_nr_open(void)
{
	FILE *f = fopen("/proc/sys/fs/nr_open", "re");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int limits_raise_nofile(long want)
{
	struct rlimit rl;

	if (want == 0)
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (want < 0) {
		long nr_open = read_nr_open();

		/* A soft limit already above the default cap stays. */
		if (rl.rlim_cur > NOFILE_DEFAULT_MAX)
			return 0;
		want = nr_open > 0 && nr_open < NOFILE_DEFAULT_MAX
			       ? nr_open
			       : NOFILE_DEFAULT_MAX;
		/* Unprivileged: go as high as the hard limit allows. */
		if ((rlim_t)want > rl.rlim_max) {
			struct rlimit soft = { rl.rlim_max, rl.rlim_max };
			if (setrlimit(RLIMIT_NOFILE, &(struct rlimit){ want, want }) == 0)
				return 0;
			return setrlimit(RLIMIT_NOFILE, &soft) < 0 ? -errno : 0;
		}
	}
	rl.rlim_cur = rl.rlim_max = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	vlog_debug("RLIMIT_NOFILE set to %ld", want);
	return 0;
}
