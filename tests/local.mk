# Tests: unit (GTest, TAP), integration (real daemon + C frontend), guest (QEMU).
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = \
	export MALLOC_PERTURB_=$$(( $${RANDOM:-0} % 255 + 1 )); \
	export VFSD_BINARY=$(abs_top_builddir)/src/virtiofsd; \
	export VFSD_TOP_SRCDIR=$(abs_top_srcdir); \
	export VFSD_TOP_BUILDDIR=$(abs_top_builddir); \
	export QEMU_VIRTIOFSD='$(QEMU_VIRTIOFSD)'; \
	export QEMU_SYSTEM='$(QEMU_SYSTEM)'; \
	$(NULL)

include tests/unit/local.mk
include tests/lib/local.mk
include tests/integration/local.mk
include tests/vm/local.mk
include tests/bench/local.mk
include tests/cli/local.mk
include tests/service/local.mk

demo: all
	$(SHELL) $(srcdir)/tests/vm/demo.sh
.PHONY: demo
