// File opens and syncs in known numbers, for the `files` source's end-to-end
// test. Usage: fileops DIR OPENS MISSES FSYNCS SYNCS STATS
//   creates DIR/present (one open with O_CREAT), opens it OPENS more times
//   read-only, opens DIR/missing MISSES times (ENOENT), then fsync()s the
//   created file FSYNCS times and calls sync() SYNCS times; then stat()s
//   DIR/present STATS times and DIR/missing MISSES times (ENOENT); then renames
//   DIR/present to DIR/renamed and back RENAMES times, and DIR/missing once
//   (ENOENT).
// Prints "pid N" and "fd N" (the created file's descriptor). Its command name is
// rtfile-ops, so the test can find its rows.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char present[4096], missing[4096];
	struct stat st;
	char renamed[4096];
	int opens, misses, fsyncs, syncs, stats, renames, fd, i;

	if (argc != 8) {
		fprintf(stderr, "usage: fileops DIR OPENS MISSES FSYNCS SYNCS STATS RENAMES\n");
		return 2;
	}
	prctl(PR_SET_NAME, "rtfile-ops");
	snprintf(present, sizeof(present), "%s/present", argv[1]);
	snprintf(missing, sizeof(missing), "%s/missing", argv[1]);
	snprintf(renamed, sizeof(renamed), "%s/renamed", argv[1]);
	opens = atoi(argv[2]);
	misses = atoi(argv[3]);
	fsyncs = atoi(argv[4]);
	syncs = atoi(argv[5]);
	stats = atoi(argv[6]);
	renames = atoi(argv[7]);

	fd = open(present, O_CREAT | O_WRONLY | O_TRUNC, 0640);
	if (fd < 0) {
		perror(present);
		return 1;
	}
	for (i = 0; i < opens; i++) {
		int r = open(present, O_RDONLY);

		if (r < 0) {
			perror(present);
			return 1;
		}
		close(r);
	}
	for (i = 0; i < misses; i++) {
		if (open(missing, O_RDONLY) >= 0) {
			fprintf(stderr, "%s exists\n", missing);
			return 1;
		}
	}
	for (i = 0; i < fsyncs; i++) {
		if (write(fd, "x", 1) != 1 || fsync(fd) != 0) {
			perror("fsync");
			return 1;
		}
	}
	for (i = 0; i < syncs; i++)
		sync();
	for (i = 0; i < stats; i++) {
		if (stat(present, &st) != 0) {
			perror(present);
			return 1;
		}
	}
	for (i = 0; i < misses; i++) {
		if (stat(missing, &st) == 0) {
			fprintf(stderr, "%s exists\n", missing);
			return 1;
		}
	}
	for (i = 0; i < renames; i++) {
		if (rename(present, renamed) != 0 || rename(renamed, present) != 0) {
			perror("rename");
			return 1;
		}
	}
	if (rename(missing, renamed) == 0) {
		fprintf(stderr, "%s exists\n", missing);
		return 1;
	}
	printf("pid %d\nfd %d\n", getpid(), fd);
	fflush(stdout);
	close(fd);
	return 0;
}
