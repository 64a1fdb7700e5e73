# tests/bench: vfsd-bench, requests/s and daemon CPU per request for a set
# of FUSE workloads, against our daemon and QEMU's C virtiofsd.  Not part of
# `make check`; `make bench` builds and runs it (BENCH_POOLS, BENCH_DEPTHS
# and BENCH_ARGS change it, e.g. BENCH_ARGS=--quick).  See README.md here.
noinst_PROGRAMS += tests/bench/vfsd-bench
tests_bench_vfsd_bench_SOURCES = \
	tests/bench/vfsd-bench.c \
	tests/bench/bench-proc.c \
	tests/bench/bench-proc.h \
	tests/bench/bench-workload.c \
	tests/bench/bench-workload.h \
	$(NULL)
tests_bench_vfsd_bench_LDADD = \
	tests/lib/libvutest.a \
	src/shared/libshared.a \
	$(GLIB_LIBS) \
	$(NULL)

BENCH_DAEMONS = --daemon='$(abs_top_builddir)/src/virtiofsd'
BENCH_PEER = $(if $(QEMU_VIRTIOFSD),--daemon='$(QEMU_VIRTIOFSD)')
BENCH_POOLS = 0
BENCH_DEPTHS = 1,64
BENCH_TIMING = --seconds=1 --repeat=2

bench: tests/bench/vfsd-bench src/virtiofsd
	$(abs_top_builddir)/tests/bench/vfsd-bench $(BENCH_DAEMONS) $(BENCH_PEER) \
		--thread-pool-size=$(BENCH_POOLS) --depth=$(BENCH_DEPTHS) $(BENCH_TIMING) $(BENCH_ARGS)
.PHONY: bench
EXTRA_DIST += tests/bench/README.md
