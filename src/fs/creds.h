/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * creds.h - per-thread filesystem credentials, so that what the guest
 * creates is owned by the guest's caller.
 */
#pragma once

#include <sys/types.h>

typedef struct {
	uid_t fsuid;
	gid_t fsgid;
} FsCreds;

/**
 * creds_switch() - set this thread's fsuid/fsgid (gid first) to @uid/@gid.
 * @saved: what to restore with creds_restore()
 * Return: 0, or -EPERM if the switch did not take.
 */
int creds_switch(uid_t uid, gid_t gid, FsCreds *saved);
void creds_restore(const FsCreds *saved);
