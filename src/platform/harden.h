/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harden.h - what the daemon gives up once it is confined to the shared
 * directory: capabilities it does not need (libcap-ng) and system calls it
 * does not make (a seccomp filter built with libseccomp).
 *
 * Order, after sandbox_enter(): harden_drop_caps(), then
 * harden_seccomp(), then start threads (they inherit both; the filter is
 * also synchronised to any thread already running).
 */
#pragma once

#include <stdint.h>

typedef enum {
	HARDEN_SECCOMP_NONE = 0, /* no filter */
	HARDEN_SECCOMP_KILL,	 /* a forbidden call kills the process */
	HARDEN_SECCOMP_LOG,	 /* allowed, but the kernel logs it */
	HARDEN_SECCOMP_TRAP,	 /* SIGSYS: the call is named on stderr, exit 1 */
} HardenSeccomp;

/* "none", "kill", "log", "trap".  Return: 0 or -EINVAL. */
int harden_seccomp_parse(const char *s, HardenSeccomp *ret);

/* Capability changes from --modcaps, as bit masks of CAP_* numbers. */
typedef struct {
	uint64_t add;
	uint64_t drop;
} HardenCaps;

/**
 * harden_modcaps_parse() - parse "+name:-name:..." (names as in
 * capabilities(7), with or without "cap_", any case).
 * @bad: on error, the offending element (points into @s)
 * Return: 0; -EINVAL with *@bad set.
 */
int harden_modcaps_parse(const char *s, HardenCaps *ret, const char **bad,
			 int *bad_len);

/* The capabilities kept by default, as a mask. */
uint64_t harden_default_caps(void);

/**
 * harden_drop_caps() - keep only the default set, changed by @mod, of the
 * capabilities the process has (effective, permitted; the bounding set too
 * where the process may change it); clear the inheritable and ambient sets.
 * A process without capabilities has nothing to drop.
 * Return: 0 or -errno.
 */
int harden_drop_caps(const HardenCaps *mod);

/**
 * harden_seccomp() - install the system call filter with @action for any
 * call not on the list; sets no_new_privs.  NONE: nothing.
 * Return: 0 or -errno.
 */
int harden_seccomp(HardenSeccomp action);
