// File mappings and faults in known numbers, for the mmap and page-fault tools'
// end-to-end test. Usage: mapper FILE MAPS TOUCHES
//   maps FILE (read-only, shared) MAPS times, unmapping each at once; then maps
//   it once more with MADV_RANDOM (no readahead, so each page is read on its
//   own) and reads one byte of TOUCHES pages, 16 pages apart (FILE must be cold
//   and hold at least 16 * TOUCHES pages); then one mapping that fails (PROT_WRITE
//   of a read-only shared file: EACCES) and one anonymous mapping.
// Its command name is rtmapper, so the test can find its rows.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	int maps, touches, fd, i;
	volatile char sum = 0;
	size_t len;
	char *p;

	if (argc != 4) {
		fprintf(stderr, "usage: mapper FILE MAPS TOUCHES\n");
		return 2;
	}
	prctl(PR_SET_NAME, "rtmapper");
	maps = atoi(argv[2]);
	touches = atoi(argv[3]);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	len = (size_t)touches * 16 * page;
	for (i = 0; i < maps; i++) {
		p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		munmap(p, page);
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || madvise(p, len, MADV_RANDOM) != 0) {
		perror("mmap");
		return 1;
	}
	for (i = 0; i < touches; i++)
		sum += p[(size_t)i * 16 * page];
	munmap(p, len);
	if (mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) != MAP_FAILED) {
		fprintf(stderr, "a writable shared mapping of a read-only fd succeeded\n");
		return 1;
	}
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap anonymous");
		return 1;
	}
	printf("pid %d\n", getpid());
	return 0;
}
