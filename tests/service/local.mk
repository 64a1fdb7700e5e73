# tests/service: the daemon as systemd runs it -- socket activation,
# sd_notify, journald, units, the frontend descriptor.
check_PROGRAMS += \
	tests/service/dgram-sink \
	tests/service/vfsd-client \
	tests/service/inject-syscall \
	$(NULL)
tests_service_dgram_sink_SOURCES = tests/service/dgram-sink.c
tests_service_vfsd_client_SOURCES = tests/service/vfsd-client.c
tests_service_vfsd_client_LDADD = $(INTEGRATION_LDADD)
tests_service_inject_syscall_SOURCES = tests/service/inject-syscall.c

SERVICE_TESTS = \
	tests/service/test-journal.sh \
	tests/service/test-activation.sh \
	tests/service/test-descriptor.sh \
	tests/service/test-hardening.sh \
	tests/service/test-systemd-cycle.sh \
	tests/service/test-activated-guest.sh \
	$(NULL)
TESTS += $(SERVICE_TESTS)
dist_check_SCRIPTS += $(SERVICE_TESTS)
EXTRA_DIST += tests/service/service-lib.sh
