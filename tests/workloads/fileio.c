// Reads and writes in known numbers and sizes on known files, for the `fileio`
// source's end-to-end test. Usage: fileio WRITES READS SYNCWRITES SIZE PIPEREADS DIR...
//   for each DIR: writes DIR/data with WRITES write()s of SIZE bytes, reads it
//   back with READS read()s of SIZE bytes and one pread64() of SIZE bytes at
//   offset 0 and one fsync(), then writes DIR/sync (opened O_SYNC) with
//   SYNCWRITES write()s of SIZE bytes. Then a child writes PIPEREADS single bytes
//   into a pipe, sleeping 60 ms before each, and this process read()s them one by
//   one (each read waits about 60 ms). Then it creates LAST/short (LAST is the
//   last DIR), deletes it 250 ms later, and mounts a tmpfs on LAST/mnt (made and
//   removed with mkdir and rmdir) and unmounts it.
// Built static (no loader reading libraries), it does no other read or write
// but the one write() of its report: "pid N" and "child N". Its command name is
// rtfile-io.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void write_n(const char *path, int flags, int n, char *buf, size_t size)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | flags, 0644);

	if (fd < 0)
		die(path);
	for (int i = 0; i < n; i++)
		if (write(fd, buf, size) != (ssize_t)size)
			die("write");
	close(fd);
}

int main(int argc, char **argv)
{
	struct timespec gap = { 0, 60 * 1000 * 1000 };
	int writes, reads, syncwrites, pipereads, p[2];
	char path[4096], report[64];
	size_t size;
	char *buf;
	pid_t child;

	if (argc < 7) {
		fprintf(stderr, "usage: fileio WRITES READS SYNCWRITES SIZE PIPEREADS DIR...\n");
		return 2;
	}
	prctl(PR_SET_NAME, "rtfile-io");
	writes = atoi(argv[1]);
	reads = atoi(argv[2]);
	syncwrites = atoi(argv[3]);
	size = atoi(argv[4]);
	pipereads = atoi(argv[5]);
	if (reads > writes)
		return 2;
	buf = malloc(size);
	if (!buf)
		die("malloc");
	memset(buf, 'r', size);
	for (int d = 6; d < argc; d++) {
		int fd;

		snprintf(path, sizeof(path), "%s/data", argv[d]);
		write_n(path, 0, writes, buf, size);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			die(path);
		for (int i = 0; i < reads; i++)
			if (read(fd, buf, size) != (ssize_t)size)
				die("read");
		if (pread(fd, buf, size, 0) != (ssize_t)size)
			die("pread");
		if (fsync(fd) < 0)
			die("fsync");
		close(fd);
		snprintf(path, sizeof(path), "%s/sync", argv[d]);
		write_n(path, O_SYNC, syncwrites, buf, size);
	}
	if (pipe(p) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(p[0]);
		for (int i = 0; i < pipereads; i++) {
			nanosleep(&gap, NULL);
			if (write(p[1], "x", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	for (int i = 0; i < pipereads; i++)
		if (read(p[0], buf, 1) != 1)
			die("pipe read");
	if (waitpid(child, NULL, 0) < 0)
		die("waitpid");
	{
		struct timespec life = { 0, 250 * 1000 * 1000 };
		int fd;

		snprintf(path, sizeof(path), "%s/short", argv[argc - 1]);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
		if (fd < 0)
			die(path);
		close(fd);
		nanosleep(&life, NULL);
		if (unlink(path) < 0)
			die("unlink");
		snprintf(path, sizeof(path), "%s/mnt", argv[argc - 1]);
		if (mkdir(path, 0700) < 0)
			die("mkdir");
		if (mount("none", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") < 0)
			die("mount");
		if (umount2(path, 0) < 0)
			die("umount");
		if (rmdir(path) < 0)
			die("rmdir");
	}
	snprintf(report, sizeof(report), "pid %d\nchild %d\n", (int)getpid(), (int)child);
	if (write(1, report, strlen(report)) < 0)
		return 1;
	return 0;
}
