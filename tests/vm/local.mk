# tests/vm: real guest under QEMU
TESTS += tests/vm/run-guest-test.sh
dist_check_SCRIPTS += \
	tests/vm/run-guest-test.sh \
	tests/vm/fetch-assets.sh \
	tests/vm/demo.sh \
	$(NULL)
EXTRA_DIST += \
	tests/vm/vm-lib.sh \
	tests/vm/guest-lib.sh \
	tests/vm/guest-test.sh \
	tests/vm/guest-helper.c \
	$(NULL)


# The kernel cache (unless $VFSD_VM_ASSETS points elsewhere) goes with
# distclean.
distclean-local: distclean-vm-assets
distclean-vm-assets:
	-rm -rf tests/vm/assets
.PHONY: distclean-vm-assets
