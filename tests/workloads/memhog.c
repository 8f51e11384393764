/* A memory hog for the BPF end-to-end test of the `oom` source.
 *
 *   memhog CGROUP_PROCS MAX_MIB
 *
 * Names itself rtoom-hog, moves itself into the cgroup whose cgroup.procs file
 * is CGROUP_PROCS, then maps and touches anonymous memory 1 MiB at a time until
 * the cgroup's OOM killer kills it. MAX_MIB is a safety stop should the limit not
 * apply (a wrong cgroup would otherwise let it eat the host's memory): it exits 3
 * when it reached it alive. Exits 4 when it cannot join the cgroup. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const size_t mib = 1 << 20;
	long max_mib;
	FILE *procs;

	if (argc != 3) {
		fprintf(stderr, "usage: memhog CGROUP_PROCS MAX_MIB\n");
		return 2;
	}
	max_mib = atol(argv[2]);
	prctl(PR_SET_NAME, "rtoom-hog");
	procs = fopen(argv[1], "w");
	if (!procs || fprintf(procs, "%d\n", (int)getpid()) < 0 || fclose(procs) != 0) {
		perror("memhog: joining the cgroup");
		return 4;
	}
	for (long i = 0; i < max_mib; i++) {
		char *p = mmap(NULL, mib, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("memhog: mmap");
			return 1;
		}
		/* Writing every page faults it in and charges it to the cgroup. */
		memset(p, 0x5a, mib);
	}
	fprintf(stderr, "memhog: %ld MiB touched and still alive: the limit did not apply\n",
		max_mib);
	return 3;
}
