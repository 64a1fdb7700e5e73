/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options.c - everything derived from options.def: defaults, the GOption
 * entries behind parsing and --help, QEMU-style -o compatibility, and
 * validation into each layer's configuration.  Knows no daemon logic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cli/options.h"
#include "fs/passthrough.h"
#include "shared/util.h"

#define OPT_DEF_FLAG(d) .def_int = (d)
#define OPT_DEF_INT(d) .def_int = (d)
#define OPT_DEF_STRING(d) .def_str = (d)

const OptInfo opt_table[] = {
#define OPT(lname, sname, k, fld, def, meta, helptext)                         \
	{ .long_name = lname, .short_name = sname, .kind = OPT_KIND_##k,       \
	  .offset = offsetof(VfsdOptions, fld), OPT_DEF_##k(def),             \
	  .metavar = meta, .help = helptext },
#include "cli/options.def"
#undef OPT
};
const size_t opt_table_len = VFSD_ARRAY_SIZE(opt_table);

static void *opt_field(VfsdOptions *o, const OptInfo *info)
{
	return (char *)o + info->offset;
}

static const OptInfo *opt_find(const char *long_name)
{
	for (size_t i = 0; i < opt_table_len; i++)
		if (strcmp(opt_table[i].long_name, long_name) == 0)
			return &opt_table[i];
	return NULL;
}

void opt_init(VfsdOptions *o)
{
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < opt_table_len; i++) {
		const OptInfo *info = &opt_table[i];
		void *f = opt_field(o, info);

		switch (info->kind) {
		case OPT_KIND_FLAG:
			*(gboolean *)f = info->def_int;
			break;
		case OPT_KIND_INT:
			*(gint *)f = info->def_int;
			break;
		case OPT_KIND_STRING:
			*(char **)f = g_strdup(info->def_str);
			break;
		case OPT_KIND_MAX:
			g_assert_not_reached();
		}
	}
}

void opt_clear(VfsdOptions *o)
{
	for (size_t i = 0; i < opt_table_len; i++) {
		if (opt_table[i].kind == OPT_KIND_STRING) {
			char **f = opt_field(o, &opt_table[i]);
			g_clear_pointer(f, g_free);
		}
	}
}

/* Set an option from text, as if given as --name=value. */
static gboolean opt_set(VfsdOptions *o, const OptInfo *info,
			const char *value, GError **error)
{
	void *f = opt_field(o, info);

	switch (info->kind) {
	case OPT_KIND_FLAG:
		*(gboolean *)f = TRUE;
		return TRUE;
	case OPT_KIND_STRING:
		g_free(*(char **)f);
		*(char **)f = g_strdup(value);
		return TRUE;
	case OPT_KIND_INT: {
		char *end;
		long v;

		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < G_MININT || v > G_MAXINT) {
			g_set_error(error, G_OPTION_ERROR,
				    G_OPTION_ERROR_BAD_VALUE,
				    _("invalid number for --%s: '%s'"),
				    info->long_name, value);
			return FALSE;
		}
		*(gint *)f = (gint)v;
		return TRUE;
	}
	case OPT_KIND_MAX:
		break;
	}
	g_assert_not_reached();
}

/*
 * QEMU virtiofsd -o keys.  A key maps to a long option; "no_" forms clear a
 * flag or set its negative option.  Keys with a value take "key=value".
 */
typedef struct {
	const char *key;
	const char *long_name;	/* option to set */
	gboolean takes_value;
	gboolean clear;		/* FLAG: set to FALSE instead of TRUE */
	const char *fixed_value;/* STRING: value to set for a bare key */
} CompatKey;

static const CompatKey compat_keys[] = {
	{ "source", "shared-dir", TRUE, FALSE, NULL },
	{ "cache", "cache", TRUE, FALSE, NULL },
	{ "sandbox", "sandbox", TRUE, FALSE, NULL },
	{ "log_level", "log-level", TRUE, FALSE, NULL },
	{ "syslog", "syslog", FALSE, FALSE, NULL },
	{ "thread_pool_size", "thread-pool-size", TRUE, FALSE, NULL },
	{ "xattr", "xattr", FALSE, FALSE, NULL },
	{ "no_xattr", "xattr", FALSE, TRUE, NULL },
	{ "readdirplus", "no-readdirplus", FALSE, TRUE, NULL },
	{ "no_readdirplus", "no-readdirplus", FALSE, FALSE, NULL },
	{ "writeback", "writeback", FALSE, FALSE, NULL },
	{ "no_writeback", "writeback", FALSE, TRUE, NULL },
	{ "flock", "flock", FALSE, FALSE, NULL },
	{ "no_flock", "flock", FALSE, TRUE, NULL },
	{ "posix_lock", "posix-lock", FALSE, FALSE, NULL },
	{ "no_posix_lock", "posix-lock", FALSE, TRUE, NULL },
	{ "announce_submounts", "announce-submounts", FALSE, FALSE, NULL },
	{ "allow_direct_io", "allow-direct-io", FALSE, FALSE, NULL },
	{ "no_allow_direct_io", "allow-direct-io", FALSE, TRUE, NULL },
	{ "killpriv_v2", "killpriv-v2", FALSE, FALSE, NULL },
	{ "no_killpriv_v2", "no-killpriv-v2", FALSE, FALSE, NULL },
	{ "readonly", "readonly", FALSE, FALSE, NULL },
	{ "modcaps", "modcaps", TRUE, FALSE, NULL },
	{ "debug", "log-level", FALSE, FALSE, "debug" },
};

gboolean opt_apply_compat(VfsdOptions *o, const char *list, GError **error)
{
	g_auto(GStrv) items = g_strsplit(list, ",", -1);

	for (char **it = items; *it; it++) {
		const char *item = *it;
		const char *eq = strchr(item, '=');
		g_autofree char *key = eq ? g_strndup(item, eq - item)
					  : g_strdup(item);
		const char *value = eq ? eq + 1 : NULL;
		const CompatKey *ck = NULL;
		const OptInfo *info;

		if (*item == '\0')
			continue;
		for (size_t i = 0; i < VFSD_ARRAY_SIZE(compat_keys); i++) {
			if (strcmp(compat_keys[i].key, key) == 0) {
				ck = &compat_keys[i];
				break;
			}
		}
		if (!ck) {
			g_set_error(error, G_OPTION_ERROR,
				    G_OPTION_ERROR_UNKNOWN_OPTION,
				    _("unsupported -o option '%s'"), key);
			return FALSE;
		}
		if (ck->takes_value != (value != NULL)) {
			g_set_error(error, G_OPTION_ERROR,
				    G_OPTION_ERROR_BAD_VALUE,
				    ck->takes_value
					    ? _("-o %s needs a value (%s=...)")
					    : _("-o %s takes no value"),
				    key, key);
			return FALSE;
		}
		info = opt_find(ck->long_name);
		g_assert(info);
		if (info->kind == OPT_KIND_FLAG) {
			*(gboolean *)opt_field(o, info) = !ck->clear;
			continue;
		}
		if (strcmp(key, "cache") == 0 && strcmp(value, "none") == 0)
			value = "never";
		if (!opt_set(o, info, ck->fixed_value ? ck->fixed_value : value,
			     error))
			return FALSE;
	}
	return TRUE;
}

gboolean opt_load_config(VfsdOptions *o, const char *path, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) groups = NULL;
	g_auto(GStrv) keys = NULL;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    _("config file %s: %s"), path, err->message);
		return FALSE;
	}
	groups = g_key_file_get_groups(kf, NULL);
	for (char **g = groups; *g; g++) {
		if (strcmp(*g, "virtiofsd") != 0) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
				    _("config file %s: unknown group [%s] (expected [virtiofsd])"),
				    path, *g);
			return FALSE;
		}
	}
	if (!g_key_file_has_group(kf, "virtiofsd"))
		return TRUE;
	keys = g_key_file_get_keys(kf, "virtiofsd", NULL, NULL);
	for (char **k = keys; k && *k; k++) {
		const OptInfo *info = opt_find(*k);
		void *f;

		if (!info || strcmp(*k, "config") == 0 ||
		    info->offset == offsetof(VfsdOptions, version) ||
		    info->offset == offsetof(VfsdOptions, print_capabilities)) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
				    _("config file %s: unknown key '%s'"), path, *k);
			return FALSE;
		}
		f = opt_field(o, info);
		switch (info->kind) {
		case OPT_KIND_FLAG:
			*(gboolean *)f = g_key_file_get_boolean(kf, "virtiofsd", *k, &err);
			break;
		case OPT_KIND_INT:
			*(gint *)f = g_key_file_get_integer(kf, "virtiofsd", *k, &err);
			break;
		case OPT_KIND_STRING:
			g_free(*(char **)f);
			*(char **)f = g_key_file_get_string(kf, "virtiofsd", *k, &err);
			break;
		case OPT_KIND_MAX:
			g_assert_not_reached();
		}
		if (err) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    _("config file %s: bad value for key '%s': %s"),
				    path, *k, err->message);
			return FALSE;
		}
	}
	return TRUE;
}

/* The file named by --config is read before the command line is applied,
 * so that the command line overrides it. */
static const char *opt_find_config(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (g_str_has_prefix(argv[i], "--config="))
			return argv[i] + strlen("--config=");
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

static gboolean opt_value_cb(const char *name, const char *value,
			     gpointer data, GError **error)
{
	const OptInfo *info = NULL;

	if (g_str_has_prefix(name, "--")) {
		info = opt_find(name + 2);
	} else if (name[0] == '-' && name[1]) {
		for (size_t i = 0; i < opt_table_len; i++)
			if (opt_table[i].short_name == name[1])
				info = &opt_table[i];
	}
	g_assert(info);
	return opt_set(data, info, value, error);
}

static gboolean opt_compat_cb(const char *name, const char *value,
			      gpointer data, GError **error)
{
	return opt_apply_compat(data, value, error);
}

gboolean opt_parse(VfsdOptions *o, int *argc, char ***argv, GError **error)
{
	g_autoptr(GOptionContext) ctx = NULL;
	GOptionGroup *group;
	GOptionEntry *entries = g_new0(GOptionEntry, opt_table_len + 4);
	const char *config;
	size_t n = 0;
	gboolean ok;

	for (size_t i = 0; i < opt_table_len; i++) {
		const OptInfo *info = &opt_table[i];
		GOptionEntry *e = &entries[n++];

		e->long_name = info->long_name;
		e->short_name = info->short_name;
		/* Values go through opt_set(), which frees what a default, the
		 * config file or an earlier option put there; GOption's own
		 * string handling would leak it. */
		if (info->kind == OPT_KIND_FLAG) {
			e->arg = G_OPTION_ARG_NONE;
			e->arg_data = opt_field(o, info);
		} else {
			e->arg = G_OPTION_ARG_CALLBACK;
			e->arg_data = (gpointer)opt_value_cb;
		}
		e->description = info->help;
		e->arg_description = info->metavar;
	}
	entries[n++] = (GOptionEntry){ "debug", 'd', 0, G_OPTION_ARG_NONE,
				       &o->debug,
				       N_("Log debug messages (as --log-level=debug)"),
				       NULL };
	entries[n++] = (GOptionEntry){ "foreground", 'f', G_OPTION_FLAG_HIDDEN,
				       G_OPTION_ARG_NONE, &o->foreground,
				       N_("Accepted for compatibility; always true"),
				       NULL };
	entries[n++] = (GOptionEntry){ "options", 'o', 0,
				       G_OPTION_ARG_CALLBACK,
				       (gpointer)opt_compat_cb,
				       N_("Compatibility options of QEMU's virtiofsd: source=DIR, cache=none|auto|always, "
				          "xattr, no_xattr, sandbox=MODE, flock, no_flock, posix_lock, no_posix_lock, "
				          "readdirplus, no_readdirplus, writeback, no_writeback, log_level=LEVEL, debug, ..."),
				       "OPT[,OPT...]" };

	config = opt_find_config(*argc, *argv);
	if (config && !opt_load_config(o, config, error)) {
		g_free(entries);
		return FALSE;
	}

	ctx = g_option_context_new(N_("- virtio-fs vhost-user device daemon"));
	g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
	g_option_context_set_summary(ctx,
		_("Share a host directory with a virtual machine through a virtio-fs device.\n"
		  "Exactly one of --socket-path and --fd, and --shared-dir (or -o source=DIR), are required."));
	group = g_option_group_new("virtiofsd", _("virtiofsd options"),
				   _("virtiofsd options"), o, NULL);
	g_option_group_set_translation_domain(group, GETTEXT_PACKAGE);
	g_option_group_add_entries(group, entries);
	g_option_context_set_main_group(ctx, group);
	ok = g_option_context_parse(ctx, argc, argv, error);
	g_free(entries);
	if (ok && *argc > 1) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    _("unexpected argument '%s'"), (*argv)[1]);
		return FALSE;
	}
	return ok;
}

static gboolean opt_fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean opt_fail(GError **error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*error = g_error_new_valist(G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    fmt, ap);
	va_end(ap);
	return FALSE;
}

gboolean opt_validate(const VfsdOptions *o, VfsdConfig *ret_cfg,
		      GError **error)
{
	VfsdConfig cfg = { 0 };

	if (!o->shared_dir || !*o->shared_dir)
		return opt_fail(error, _("--shared-dir (or -o source=DIR) is required"));
	if (o->socket_path && o->fd >= 0)
		return opt_fail(error, _("--socket-path and --fd cannot be used together"));
	if (!o->socket_path && o->fd < 0)
		return opt_fail(error, _("either --socket-path or --fd is required"));
	if (o->socket_path && !*o->socket_path)
		return opt_fail(error, _("--socket-path must not be empty"));
	if (o->fd >= 0 && o->fd <= 2)
		return opt_fail(error, _("--fd=%d is a standard stream, not a socket"), o->fd);
	if (o->socket_group && !o->socket_path)
		return opt_fail(error, _("--socket-group needs --socket-path"));
	if (o->tag && (!*o->tag || strlen(o->tag) > 36))
		return opt_fail(error, _("--tag must be 1 to 36 bytes long"));
	if (o->thread_pool_size < 0 || o->thread_pool_size > 1024)
		return opt_fail(error, _("--thread-pool-size must be between 0 and 1024"));
	if (o->killpriv_v2 && o->no_killpriv_v2)
		return opt_fail(error, _("--killpriv-v2 and --no-killpriv-v2 cannot be used together"));
	if (o->rlimit_nofile < -1)
		return opt_fail(error, _("--rlimit-nofile must not be negative"));

	if (fs_cache_policy_parse(o->cache, &cfg.fs.cache) < 0)
		return opt_fail(error, _("invalid --cache '%s' (auto, always, metadata or never)"),
				o->cache);
	if (vlog_level_parse(o->log_level, &cfg.log_level) < 0)
		return opt_fail(error,
				_("invalid --log-level '%s' (error, warn, info, debug, trace or off)"),
				o->log_level);
	if (o->debug && cfg.log_level < VLOG_DEBUG)
		cfg.log_level = VLOG_DEBUG;

	if (sandbox_mode_parse(o->sandbox, &cfg.sandbox) < 0)
		return opt_fail(error, _("invalid --sandbox '%s' (namespace, chroot or none)"),
				o->sandbox);
	if (harden_seccomp_parse(o->seccomp, &cfg.seccomp) < 0)
		return opt_fail(error, _("invalid --seccomp '%s' (kill, log, trap or none)"),
				o->seccomp);
	if (o->modcaps) {
		const char *bad;
		int bad_len;

		if (harden_modcaps_parse(o->modcaps, &cfg.caps, &bad, &bad_len) < 0)
			return opt_fail(error,
					_("invalid --modcaps element '%.*s' (+NAME or -NAME, NAME a capability such as sys_admin, elements separated by ':')"),
					bad_len, bad);
	}

	cfg.fs.shared_dir = o->shared_dir;
	cfg.fs.xattr = o->xattr;
	cfg.fs.readonly = o->readonly;
	cfg.fs.writeback = o->writeback;
	cfg.fs.allow_direct_io = o->allow_direct_io;
	cfg.fs.announce_submounts = o->announce_submounts;
	cfg.fs.readdirplus = !o->no_readdirplus;
	cfg.fs.posix_lock = o->posix_lock;
	cfg.fs.flock = o->flock;
	cfg.fs.killpriv_v2 = o->killpriv_v2;
	cfg.fs.preserve_noatime = o->preserve_noatime;
	cfg.fs.allow_mmap = o->allow_mmap;
	if (o->syslog) {
		if (strcmp(o->log_target, "auto") != 0)
			return opt_fail(error, _("--syslog and --log-target cannot be used together"));
		cfg.log_target = VLOG_TARGET_JOURNAL;
		cfg.log_fallback = VLOG_TARGET_SYSLOG;
	} else if (strcmp(o->log_target, "auto") == 0) {
		cfg.log_target = vlog_stderr_is_journal() ? VLOG_TARGET_JOURNAL
							   : VLOG_TARGET_STDERR;
		cfg.log_fallback = VLOG_TARGET_STDERR;
	} else if (strcmp(o->log_target, "stderr") == 0) {
		cfg.log_target = cfg.log_fallback = VLOG_TARGET_STDERR;
	} else if (strcmp(o->log_target, "journal") == 0) {
		cfg.log_target = VLOG_TARGET_JOURNAL;
		cfg.log_fallback = VLOG_TARGET_STDERR;
	} else if (strcmp(o->log_target, "syslog") == 0) {
		cfg.log_target = cfg.log_fallback = VLOG_TARGET_SYSLOG;
	} else {
		return opt_fail(error, _("invalid --log-target '%s' (auto, stderr, journal or syslog)"),
				o->log_target);
	}
	cfg.thread_pool_size = o->thread_pool_size;
	cfg.rlimit_nofile = o->rlimit_nofile;
	*ret_cfg = cfg;
	return TRUE;
}

const char *opt_capabilities_json(void)
{
	return "{\n  \"type\": \"fs\",\n  \"features\": [\n    \"separate-options\"\n  ]\n}\n";
}
