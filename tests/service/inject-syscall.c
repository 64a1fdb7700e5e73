/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inject-syscall - make a running process execute one system call, to show
 * what its seccomp filter does with it (x86-64 only).
 *
 *   inject-syscall PID NR
 *
 * Stops the thread PID with ptrace, which must be blocked in a system call
 * (as an idle daemon is), and rewinds it onto that syscall instruction with
 * NR in place of the original call and every argument zero; then lets it
 * run.  Whatever the filter does next is the process's business: kill it,
 * deliver SIGSYS, or let the call fail or succeed.  Exit status 0 once the
 * call is injected; 1 on failure; 77 on another architecture.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>

#if defined(__x86_64__)
#include <sys/user.h>

int main(int argc, char **argv)
{
	struct user_regs_struct regs;
	pid_t pid;
	long nr, insn;
	int st;

	if (argc != 3) {
		fprintf(stderr, "usage: %s PID NR\n", argv[0]);
		return 2;
	}
	pid = (pid_t)atol(argv[1]);
	nr = atol(argv[2]);
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0 ||
	    ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) < 0) {
		fprintf(stderr, "inject-syscall: ptrace %d: %s\n", (int)pid, strerror(errno));
		return 1;
	}
	if (waitpid(pid, &st, __WALL) < 0 || !WIFSTOPPED(st)) {
		fprintf(stderr, "inject-syscall: %d did not stop\n", (int)pid);
		return 1;
	}
	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0) {
		fprintf(stderr, "inject-syscall: GETREGS: %s\n", strerror(errno));
		return 1;
	}
	/* Stopped inside a system call: rip is just past its "syscall"
	 * instruction (0f 05). */
	errno = 0;
	insn = ptrace(PTRACE_PEEKTEXT, pid, (void *)(regs.rip - 2), NULL);
	if (errno || (insn & 0xffff) != 0x050f || (long long)regs.orig_rax < 0) {
		fprintf(stderr, "inject-syscall: %d is not blocked in a system call\n", (int)pid);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		return 1;
	}
	regs.rip -= 2;
	regs.rax = (unsigned long long)nr;
	regs.orig_rax = (unsigned long long)-1; /* no restart of the old call */
	regs.rdi = regs.rsi = regs.rdx = regs.r10 = regs.r8 = regs.r9 = 0;
	if (ptrace(PTRACE_SETREGS, pid, NULL, &regs) < 0 ||
	    ptrace(PTRACE_DETACH, pid, NULL, NULL) < 0) {
		fprintf(stderr, "inject-syscall: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
#else
int main(void)
{
	fprintf(stderr, "inject-syscall: x86-64 only\n");
	return 77;
}
#endif
