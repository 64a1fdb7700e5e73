# tests/vm: real guest under QEMU
TESTS += tests/vm/run-guest-test.sh
dist_check_SCRIPTS += \
	tests/vm/run-guest-test.sh \
	tests/vm/fetch-assets.sh \
	tests/vm/demo.sh \
	$(NULL)
EXTRA_DIST += \
	tests/vm/vm-lib.sh \
	tests/vm/guest-test.sh \
	tests/vm/guest-helper.c \
	$(NULL)

