/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * passthrough.h - the passthrough backend: serves a host directory.
 */
#pragma once

#include "fs/fs-ops.h"

typedef struct Passthrough Passthrough;

extern const FsOps pt_ops;

/**
 * pt_new() - open the shared directory and prepare the inode store.
 * @cfg: configuration; copied
 * @ret_pt: the new backend
 * Return: 0; -ENOENT/-ENOTDIR/-EACCES if the shared dir cannot be opened.
 */
int pt_new(const FsConfig *cfg, Passthrough **ret_pt);
void pt_free(Passthrough *pt);

/* Timeouts the cache policy implies (seconds). */
double fs_cache_timeout(FsCachePolicy policy);
/* "auto", "always", "metadata", "never" (and QEMU's "none" = never).
 * Return: 0 or -EINVAL. */
int fs_cache_policy_parse(const char *s, FsCachePolicy *ret);
const char *fs_cache_policy_name(FsCachePolicy policy);
