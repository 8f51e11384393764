/* A signal workload with known senders, targets, signals and counts, for the
 * BPF end-to-end tests of the `signal` source.
 *
 *   signals KILLS TGKILLS QUEUED IGNORED
 *
 * The process names itself rtsig-sender and forks a child named rtsig-target,
 * which handles SIGUSR2, SIGWINCH and SIGUSR1 (SA_RESTART) and ignores SIGURG.
 * The sender then sends, in this order: KILLS x SIGUSR2 with kill() (si_code
 * SI_USER), TGKILLS x SIGWINCH with tgkill() (SI_TKILL), QUEUED x SIGUSR1 with
 * sigqueue() (SI_QUEUE) and IGNORED x SIGURG with kill() (generated but ignored:
 * never delivered). After each handled signal it waits for the child's handler
 * to acknowledge it over a pipe: a standard signal sent while an instance of it
 * is still pending is merged into that one, so without the lockstep the number
 * of deliveries would depend on scheduling. Finally it closes the child's
 * command pipe (the child exits 0 on end of file) and reaps it.
 *
 * Prints "sender PID", "target PID" and "handler 0xADDR" (the handlers'
 * address, the same in both processes after fork). Exits 0 when every
 * acknowledgement named the signal sent and the child exited 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int ack_fd = -1;

/* write() is async-signal-safe; the byte tells the sender which signal ran. */
static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;

	if (write(ack_fd, &b, 1) != 1)
		_exit(5);
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa = { 0 };

	sa.sa_handler = fn;
	/* SA_RESTART so that the child's blocking read() just resumes after each
	 * handler; the tests check that the recorded sa_flags carry it. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		_exit(6);
}

static void target(int cmd_fd)
{
	unsigned char ready = 'R', c;

	prctl(PR_SET_NAME, "rtsig-target");
	handle(SIGUSR2, on_signal);
	handle(SIGWINCH, on_signal);
	handle(SIGUSR1, on_signal);
	handle(SIGURG, SIG_IGN);
	if (write(ack_fd, &ready, 1) != 1)
		_exit(7);
	for (;;) {
		ssize_t n = read(cmd_fd, &c, 1);

		if (n == 0)
			_exit(0);
		if (n < 0 && errno != EINTR)
			_exit(8);
	}
}

/* Wait for the child's acknowledgement of `sig`. */
static void await(int fd, int sig)
{
	unsigned char b;

	if (read(fd, &b, 1) != 1 || b != (unsigned char)sig) {
		fprintf(stderr, "signals: no acknowledgement of signal %d\n", sig);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int ack[2], cmd[2], status;
	long kills, tgkills, queued, ignored;
	pid_t child;

	if (argc != 5) {
		fprintf(stderr, "usage: signals KILLS TGKILLS QUEUED IGNORED\n");
		return 2;
	}
	kills = atol(argv[1]);
	tgkills = atol(argv[2]);
	queued = atol(argv[3]);
	ignored = atol(argv[4]);
	prctl(PR_SET_NAME, "rtsig-sender");
	if (pipe(ack) != 0 || pipe(cmd) != 0)
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		close(ack[0]);
		close(cmd[1]);
		ack_fd = ack[1];
		target(cmd[0]);
	}
	close(ack[1]);
	close(cmd[0]);
	printf("sender %d\ntarget %d\nhandler %p\n", (int)getpid(), (int)child,
	       (void *)(uintptr_t)on_signal);
	fflush(stdout);
	await(ack[0], 'R');

	for (long i = 0; i < kills; i++) {
		if (kill(child, SIGUSR2) != 0)
			return 1;
		await(ack[0], SIGUSR2);
	}
	for (long i = 0; i < tgkills; i++) {
		if (syscall(SYS_tgkill, child, child, SIGWINCH) != 0)
			return 1;
		await(ack[0], SIGWINCH);
	}
	for (long i = 0; i < queued; i++) {
		union sigval v = { .sival_int = (int)i };

		if (sigqueue(child, SIGUSR1, v) != 0)
			return 1;
		await(ack[0], SIGUSR1);
	}
	/* Ignored signals are dropped when generated: nothing to wait for. */
	for (long i = 0; i < ignored; i++)
		if (kill(child, SIGURG) != 0)
			return 1;

	close(cmd[1]);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "signals: the target did not exit 0 (status %#x)\n", status);
		return 1;
	}
	return 0;
}
