// SPDX-License-Identifier: GPL-2.0
/* A TCP workload on loopback with known counts, for the `tcp` and `sockio`
 * sources' end-to-end tests: a server process ("rttcp-server") accepts COUNT
 * connections one after another from a client process ("rttcp-client"); on each
 * the client sends SEND bytes, the server reads them all and answers REPLY
 * bytes, the client reads those, holds the connection HOLD_MS milliseconds and
 * closes it first; the server reads the end of stream and closes its side.
 * Writes and reads go in chunks of at most CHUNK bytes (one send or receive
 * call each on the writer's side; reads may return less).
 *
 *   tcpwork FAMILY(4|6) COUNT SEND REPLY HOLD_MS
 *
 * Prints "server PID", "client PID" and "port PORT", then "done". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 16384

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void write_all(int fd, size_t n)
{
	static char buf[CHUNK];

	while (n > 0) {
		size_t want = n < CHUNK ? n : CHUNK;
		ssize_t got = write(fd, buf, want);

		if (got < 0)
			die("write");
		n -= got;
	}
}

static void read_exactly(int fd, size_t n)
{
	static char buf[CHUNK];

	while (n > 0) {
		ssize_t got = read(fd, buf, n < CHUNK ? n : CHUNK);

		if (got <= 0)
			die("read");
		n -= got;
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage addr = { 0 };
	socklen_t len;
	int family, count, hold, lfd, status;
	size_t send_bytes, reply;
	unsigned short port;
	pid_t server;

	if (argc != 6) {
		fprintf(stderr, "usage: tcpwork FAMILY(4|6) COUNT SEND REPLY HOLD_MS\n");
		return 2;
	}
	family = atoi(argv[1]) == 6 ? AF_INET6 : AF_INET;
	count = atoi(argv[2]);
	send_bytes = strtoul(argv[3], NULL, 10);
	reply = strtoul(argv[4], NULL, 10);
	hold = atoi(argv[5]);

	lfd = socket(family, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&addr;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&addr;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	}
	if (bind(lfd, (struct sockaddr *)&addr, len) || listen(lfd, count + 1))
		die("bind/listen");
	if (getsockname(lfd, (struct sockaddr *)&addr, &len))
		die("getsockname");
	port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
					: ((struct sockaddr_in *)&addr)->sin_port);

	server = fork();
	if (server < 0)
		die("fork");
	if (server == 0) {
		prctl(PR_SET_NAME, "rttcp-server");
		for (int i = 0; i < count; i++) {
			char end;
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd < 0)
				die("accept4");
			read_exactly(fd, send_bytes);
			write_all(fd, reply);
			if (read(fd, &end, 1) != 0)
				die("end of stream");
			close(fd);
		}
		return 0;
	}
	close(lfd);
	prctl(PR_SET_NAME, "rttcp-client");
	printf("server %d\nclient %d\nport %u\n", (int)server, (int)getpid(), port);
	fflush(stdout);
	for (int i = 0; i < count; i++) {
		int fd = socket(family, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&addr, len))
			die("connect");
		write_all(fd, send_bytes);
		read_exactly(fd, reply);
		sleep_ms(hold);
		close(fd);
	}
	if (waitpid(server, &status, 0) != server || !WIFEXITED(status) || WEXITSTATUS(status))
		die("server");
	printf("done\n");
	return 0;
}
