/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dgram-sink - stand in for journald's native socket or systemd's
 * notification socket in tests.
 *
 *   dgram-sink SOCKET OUTPUT [SECONDS]
 *
 * Binds an AF_UNIX datagram socket at SOCKET (removing a stale file first),
 * writes one line "ready" to stdout once it is bound, and then decodes every
 * datagram into OUTPUT: one "KEY=value" line per field and an empty line
 * after each datagram.  Both the plain "KEY=value\n" form and the journal's
 * binary-safe "KEY\n" le64(len) value "\n" form are understood (the
 * newline after a last plain field is optional, as in sd_notify()); a newline
 * inside a binary value is written as "\n" (backslash, n) so each field stays
 * on one line.  A datagram that does not parse is written as "!malformed".
 * Exits 0 on SIGTERM/SIGINT or after SECONDS (default 120).
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void put_value(FILE *out, const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '\n')
			fputs("\\n", out);
		else
			fputc(v[i], out);
	}
}

/* Decode one datagram; returns 0, or -1 if it is not well formed. */
static int decode(FILE *out, const char *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		const char *eq;
		size_t line_len;

		/* sd_notify() messages need no newline after the last field */
		line_len = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		eq = memchr(buf + pos, '=', line_len);
		if (!nl && !eq)
			return -1;
		if (eq) {
			fwrite(buf + pos, 1, line_len, out);
			fputc('\n', out);
			pos += line_len + 1;
			continue;
		}
		/* binary form: KEY '\n' le64 value '\n' */
		uint64_t vlen;
		size_t vpos = pos + line_len + 1;

		if (line_len == 0 || len - vpos < 8)
			return -1;
		memcpy(&vlen, buf + vpos, 8);
		vlen = le64toh(vlen);
		vpos += 8;
		if (vlen > len - vpos || len - vpos - vlen < 1 ||
		    buf[vpos + vlen] != '\n')
			return -1;
		fwrite(buf + pos, 1, line_len, out);
		fputc('=', out);
		put_value(out, buf + vpos, (size_t)vlen);
		fputc('\n', out);
		pos = vpos + (size_t)vlen + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sigaction act = { .sa_handler = on_signal };
	static char buf[1 << 17];
	time_t deadline;
	FILE *out;
	int fd;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s SOCKET OUTPUT [SECONDS]\n", argv[0]);
		return 2;
	}
	if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: socket path too long\n", argv[0]);
		return 2;
	}
	deadline = time(NULL) + (argc == 4 ? atoi(argv[3]) : 120);
	strcpy(sa.sun_path, argv[1]);
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	out = fopen(argv[2], "a");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	unlink(argv[1]);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror(argv[1]);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop && time(NULL) < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			perror("recv");
			return 1;
		}
		if (decode(out, buf, (size_t)n) < 0)
			fputs("!malformed\n", out);
		fputc('\n', out);
		fflush(out);
	}
	fclose(out);
	close(fd);
	unlink(argv[1]);
	return 0;
}
