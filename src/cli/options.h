/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options.h - command-line options, generated from options.def: the options
 * struct, parsing (long options and QEMU-style -o), validation into the
 * configuration of each layer.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

#include "fs/fs-ops.h"
#include "platform/harden.h"
#include "platform/sandbox.h"
#include "shared/log.h"

#define OPT_FIELD_FLAG gboolean
#define OPT_FIELD_STRING char *
#define OPT_FIELD_INT gint

typedef struct {
#define OPT(lname, sname, kind, field, def, meta, help) OPT_FIELD_##kind field;
#include "cli/options.def"
#undef OPT
	gboolean debug;		/* -d, same as --log-level=debug */
	gboolean foreground;	/* -f, accepted for compatibility */
} VfsdOptions;

typedef enum {
	OPT_KIND_FLAG = 0,
	OPT_KIND_STRING,
	OPT_KIND_INT,
	OPT_KIND_MAX
} OptKind;

typedef struct {
	const char *long_name;
	char short_name;
	OptKind kind;
	size_t offset;		/* of the field in VfsdOptions */
	const char *def_str;	/* STRING default */
	int def_int;		/* FLAG and INT default */
	const char *metavar;
	const char *help;
} OptInfo;

/* Everything main() needs, checked and converted. */
typedef struct {
	FsConfig fs;
	VlogLevel log_level;
	VlogTarget log_target;	/* wanted; journal falls back as below */
	VlogTarget log_fallback;
	SandboxMode sandbox;
	HardenSeccomp seccomp;
	HardenCaps caps;
	unsigned thread_pool_size;
	long rlimit_nofile;	/* -1: default, 0: leave alone */
} VfsdConfig;

extern const OptInfo opt_table[];
extern const size_t opt_table_len;

/* Set every field to its default (strings duplicated). */
void opt_init(VfsdOptions *o);
/* Free the strings. */
void opt_clear(VfsdOptions *o);

/**
 * opt_parse() - parse the command line into @o.
 * Return: TRUE; FALSE with @error set for unknown or malformed options.
 */
gboolean opt_parse(VfsdOptions *o, int *argc, char ***argv, GError **error);

/**
 * opt_apply_compat() - apply one QEMU-style -o list ("source=/x,xattr,...").
 * Return: TRUE; FALSE with @error naming the bad key.
 */
gboolean opt_apply_compat(VfsdOptions *o, const char *list, GError **error);

/**
 * opt_load_config() - apply a key file: group [virtiofsd], keys are the
 * long option names, values typed as the options are.
 * Return: TRUE; FALSE with @error naming the file and the key or line.
 */
gboolean opt_load_config(VfsdOptions *o, const char *path, GError **error);

/**
 * opt_validate() - check combinations and values; fill @ret_cfg.
 * @ret_cfg's string pointers borrow from @o.
 * Return: TRUE; FALSE with @error set to one line naming the option.
 */
gboolean opt_validate(const VfsdOptions *o, VfsdConfig *ret_cfg,
		      GError **error);

/* The JSON printed by --print-capabilities. */
const char *opt_capabilities_json(void);
