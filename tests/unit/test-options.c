/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-options.c - the option table: defaults, long options, QEMU-style -o
 * compatibility (the exact forms libvirt uses) and validation errors.
 */
#include <linux/capability.h>

#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"

typedef struct {
	const char *name;
	const char *args[8];
	gboolean parse_ok;
	gboolean valid;
	const char *error_part; /* expected in the message when not ok */
} OptCase;

static const OptCase cases[] = {
	{ "long-form", { "--shared-dir=/tmp", "--socket-path=/tmp/s" }, TRUE, TRUE, NULL },
	{ "libvirt-form", { "--fd=3", "-o", "source=/tmp,xattr,cache=none,sandbox=chroot,flock,posix_lock", "--thread-pool-size=16", "-d" }, TRUE, TRUE, NULL },
	{ "libvirt-no-locks", { "--fd=3", "-o", "source=/tmp,xattr,cache=always,sandbox=namespace,no_flock,no_posix_lock" }, TRUE, TRUE, NULL },
	{ "missing-dir", { "--socket-path=/tmp/s" }, TRUE, FALSE, "--shared-dir" },
	{ "missing-socket", { "--shared-dir=/tmp" }, TRUE, FALSE, "--socket-path or --fd" },
	{ "both-sockets", { "--shared-dir=/tmp", "--socket-path=/s", "--fd=4" }, TRUE, FALSE, "cannot be used together" },
	{ "bad-cache", { "--shared-dir=/tmp", "--fd=4", "--cache=sometimes" }, TRUE, FALSE, "--cache" },
	{ "bad-log-level", { "--shared-dir=/tmp", "--fd=4", "--log-level=loud" }, TRUE, FALSE, "--log-level" },
	{ "bad-sandbox", { "--shared-dir=/tmp", "--fd=4", "--sandbox=jail" }, TRUE, FALSE, "--sandbox" },
	{ "bad-seccomp", { "--shared-dir=/tmp", "--fd=4", "--seccomp=strict" }, TRUE, FALSE, "--seccomp" },
	{ "bad-modcaps-name", { "--shared-dir=/tmp", "--fd=4", "--modcaps=+sys_admin:-nosuchcap" }, TRUE, FALSE, "-nosuchcap" },
	{ "bad-modcaps-sign", { "--shared-dir=/tmp", "--fd=4", "--modcaps=sys_admin" }, TRUE, FALSE, "'sys_admin'" },
	{ "bad-modcaps-empty", { "--shared-dir=/tmp", "--fd=4", "--modcaps=+chown::-mknod" }, TRUE, FALSE, "--modcaps element ''" },
	{ "modcaps-o", { "--fd=4", "-o", "source=/tmp,modcaps=+sys_admin:-mknod" }, TRUE, TRUE, NULL },
	{ "bad-pool", { "--shared-dir=/tmp", "--fd=4", "--thread-pool-size=-2" }, TRUE, FALSE, "--thread-pool-size" },
	{ "stdio-fd", { "--shared-dir=/tmp", "--fd=1" }, TRUE, FALSE, "standard stream" },
	{ "group-needs-path", { "--shared-dir=/tmp", "--fd=4", "--socket-group=kvm" }, TRUE, FALSE, "--socket-group" },
	{ "long-tag", { "--shared-dir=/tmp", "--fd=4", "--tag=0123456789012345678901234567890123456" }, TRUE, FALSE, "--tag" },
	{ "unknown-o", { "--fd=4", "-o", "source=/tmp,frobnicate" }, FALSE, FALSE, "frobnicate" },
	{ "o-missing-value", { "--fd=4", "-o", "source" }, FALSE, FALSE, "needs a value" },
	{ "o-flag-with-value", { "--fd=4", "-o", "source=/tmp,xattr=1" }, FALSE, FALSE, "takes no value" },
	{ "unknown-long", { "--shared-dir=/tmp", "--fd=4", "--frobnicate" }, FALSE, FALSE, "frobnicate" },
	{ "bad-int", { "--shared-dir=/tmp", "--fd=four" }, FALSE, FALSE, "four" },
	{ "stray-arg", { "--shared-dir=/tmp", "--fd=4", "extra" }, FALSE, FALSE, "extra" },
};

static void test_case(gconstpointer data)
{
	const OptCase *c = data;
	g_autoptr(GError) err = NULL;
	g_autofree char **argv = g_new0(char *, 10);
	char **argvp = argv;
	int argc = 0;
	VfsdOptions o;
	VfsdConfig cfg;
	gboolean ok;

	argv[argc++] = (char *)"virtiofsd";
	for (int i = 0; c->args[i]; i++)
		argv[argc++] = (char *)c->args[i];
	opt_init(&o);
	ok = opt_parse(&o, &argc, &argvp, &err);
	g_assert_cmpint(ok, ==, c->parse_ok);
	if (ok) {
		ok = opt_validate(&o, &cfg, &err);
		g_assert_cmpint(ok, ==, c->valid);
	}
	if (!ok) {
		g_assert_nonnull(err);
		g_assert_nonnull(strstr(err->message, c->error_part));
	}
	opt_clear(&o);
}

static void test_libvirt_values(void)
{
	g_autoptr(GError) err = NULL;
	const char *args[] = { "virtiofsd", "--fd=5", "-o",
			       "source=/srv/share,xattr,cache=none,sandbox=chroot,flock,posix_lock",
			       "--thread-pool-size=4", "-d", NULL };
	char **argv = (char **)args;
	int argc = 6;
	VfsdOptions o;
	VfsdConfig cfg;

	opt_init(&o);
	g_assert_true(opt_parse(&o, &argc, &argv, &err));
	g_assert_true(opt_validate(&o, &cfg, &err));
	g_assert_cmpstr(cfg.fs.shared_dir, ==, "/srv/share");
	g_assert_cmpint(o.fd, ==, 5);
	g_assert_true(cfg.fs.xattr);
	g_assert_true(cfg.fs.flock);
	g_assert_true(cfg.fs.posix_lock);
	g_assert_cmpint(cfg.fs.cache, ==, FS_CACHE_NEVER);
	g_assert_cmpint(cfg.sandbox, ==, SANDBOX_CHROOT);
	g_assert_cmpint(cfg.thread_pool_size, ==, 4);
	g_assert_cmpint(cfg.log_level, ==, VLOG_DEBUG);
	g_assert_true(cfg.fs.readdirplus);
	opt_clear(&o);
}

static void test_defaults(void)
{
	VfsdOptions o;

	opt_init(&o);
	g_assert_cmpstr(o.cache, ==, "auto");
	g_assert_cmpstr(o.sandbox, ==, "namespace");
	g_assert_cmpstr(o.seccomp, ==, "kill");
	g_assert_null(o.modcaps);
	g_assert_cmpstr(o.log_level, ==, "info");
	g_assert_cmpint(o.fd, ==, -1);
	g_assert_cmpint(o.thread_pool_size, ==, 0);
	g_assert_false(o.xattr);
	opt_clear(&o);
}

/* --seccomp and --modcaps become the hardening settings. */
static void test_hardening(void)
{
	const char *args[] = { "virtiofsd", "--shared-dir=/tmp", "--fd=4",
			       "--seccomp=trap",
			       "--modcaps=+SYS_ADMIN:-mknod:+cap_sys_admin:-chown:+chown",
			       NULL };
	const char *plain[] = { "virtiofsd", "--shared-dir=/tmp", "--fd=4", NULL };
	char **argv = (char **)args;
	int argc = 5;
	g_autoptr(GError) err = NULL;
	VfsdOptions o;
	VfsdConfig cfg;
	uint64_t def = harden_default_caps();

	/* the documented default set */
	g_assert_cmphex(def, ==, (1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) |
			(1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) |
			(1ULL << CAP_SETGID) | (1ULL << CAP_SETUID) |
			(1ULL << CAP_MKNOD) | (1ULL << CAP_SETFCAP));
	opt_init(&o);
	g_assert_true(opt_parse(&o, &argc, &argv, &err));
	g_assert_true(opt_validate(&o, &cfg, &err));
	g_assert_cmpint(cfg.seccomp, ==, HARDEN_SECCOMP_TRAP);
	/* any case, with or without cap_; the last word on a name wins */
	g_assert_cmphex(cfg.caps.add, ==, (1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_CHOWN));
	g_assert_cmphex(cfg.caps.drop, ==, 1ULL << CAP_MKNOD);
	opt_clear(&o);

	opt_init(&o);
	argc = 3;
	argv = (char **)plain;
	g_assert_true(opt_parse(&o, &argc, &argv, &err));
	g_assert_true(opt_validate(&o, &cfg, &err));
	g_assert_cmpint(cfg.seccomp, ==, HARDEN_SECCOMP_KILL);
	g_assert_cmphex(cfg.caps.add, ==, 0);
	g_assert_cmphex(cfg.caps.drop, ==, 0);
	opt_clear(&o);
}

/* -o keys are applied in order, later ones win, "no_" forms clear. */
static void test_compat_order(void)
{
	g_autoptr(GError) err = NULL;
	VfsdOptions o;

	opt_init(&o);
	g_assert_true(opt_apply_compat(&o, "xattr,no_xattr,no_readdirplus,source=/a,source=/b,debug", &err));
	g_assert_false(o.xattr);
	g_assert_true(o.no_readdirplus);
	g_assert_cmpstr(o.shared_dir, ==, "/b");
	g_assert_cmpstr(o.log_level, ==, "debug");
	g_assert_true(opt_apply_compat(&o, "readdirplus", &err));
	g_assert_false(o.no_readdirplus);
	opt_clear(&o);
}

/* Every row of the table has a help line and a unique name. */
static void test_table(void)
{
	for (size_t i = 0; i < opt_table_len; i++) {
		g_assert_nonnull(opt_table[i].help);
		g_assert_cmpuint(strlen(opt_table[i].help), >, 10);
		g_assert_cmpint(opt_table[i].kind, <, OPT_KIND_MAX);
		for (size_t j = i + 1; j < opt_table_len; j++)
			g_assert_cmpstr(opt_table[i].long_name, !=, opt_table[j].long_name);
	}
}

static char *write_config(const char *text)
{
	g_autoptr(GError) err = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("vfsd-conf-XXXXXX", &path, &err);

	g_assert_no_error(err);
	g_assert_true(g_file_set_contents(path, text, -1, &err));
	close(fd);
	return path;
}

/* The file sets values; the command line overrides them. */
static void test_config_file(void)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *path = write_config(
		"# example\n[virtiofsd]\nshared-dir=/srv/a\ncache=always\n"
		"xattr=true\nthread-pool-size=8\nsocket-path=/run/x.sock\n");
	g_autofree char *arg = g_strdup_printf("--config=%s", path);
	const char *args[] = { "virtiofsd", arg, "--cache=never", NULL };
	char **argv = (char **)args;
	int argc = 3;
	VfsdOptions o;
	VfsdConfig cfg;

	opt_init(&o);
	g_assert_true(opt_parse(&o, &argc, &argv, &err));
	g_assert_no_error(err);
	g_assert_true(opt_validate(&o, &cfg, &err));
	g_assert_cmpstr(o.shared_dir, ==, "/srv/a");
	g_assert_cmpstr(o.socket_path, ==, "/run/x.sock");
	g_assert_cmpint(cfg.fs.cache, ==, FS_CACHE_NEVER);
	g_assert_true(cfg.fs.xattr);
	g_assert_cmpint(cfg.thread_pool_size, ==, 8);
	opt_clear(&o);
	unlink(path);
}

static void test_config_errors(void)
{
	static const struct {
		const char *text;
		const char *part;
	} bad[] = {
		{ "[virtiofsd]\nfrobnicate=1\n", "unknown key 'frobnicate'" },
		{ "[virtiofsd]\nxattr=maybe\n", "key 'xattr'" },
		{ "[virtiofsd]\nthread-pool-size=lots\n", "key 'thread-pool-size'" },
		{ "[other]\nxattr=true\n", "unknown group [other]" },
		{ "[virtiofsd]\nconfig=/x\n", "unknown key 'config'" },
		{ "not a key file\n", "not a key file" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) err = NULL;
		g_autofree char *path = write_config(bad[i].text);
		VfsdOptions o;

		opt_init(&o);
		g_assert_false(opt_load_config(&o, path, &err));
		g_assert_nonnull(err);
		g_assert_nonnull(strstr(err->message, path));
		if (!strstr(err->message, bad[i].part))
			g_error("'%s' lacks '%s'", err->message, bad[i].part);
		opt_clear(&o);
		unlink(path);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *path = g_strdup_printf("/cli/options/%s", cases[i].name);
		g_test_add_data_func(path, &cases[i], test_case);
	}
	g_test_add_func("/cli/options/libvirt-values", test_libvirt_values);
	g_test_add_func("/cli/options/defaults", test_defaults);
	g_test_add_func("/cli/options/compat-order", test_compat_order);
	g_test_add_func("/cli/options/hardening", test_hardening);
	g_test_add_func("/cli/options/table", test_table);
	g_test_add_func("/cli/options/config-file", test_config_file);
	g_test_add_func("/cli/options/config-errors", test_config_errors);
	return g_test_run();
}
