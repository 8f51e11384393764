/* A CPU workload with known behavior and known function names, for the BPF
 * end-to-end tests of the CPU sources. Built by the tests with frame pointers
 * and without inlining, so stacks walk and every function keeps its name.
 *
 *   cpuwork profile BURN_MS SLEEPS SLEEP_MS  burn BURN_MS in rt_hot_burn, then
 *                                            sleep SLEEPS x SLEEP_MS in rt_sleepy_wait;
 *                                            prints "sleep_wall_ns N" of the sleeps
 *   cpuwork short BURN_MS                    burn in rt_short_burn and exit
 *   cpuwork syscalls K                       call getppid K times in rt_syscall_loop
 *   cpuwork contend CPU_MS                   two threads pinned to CPU 0, each
 *                                            spinning until it used CPU_MS of CPU;
 *                                            prints "tid cpu_ns" per thread
 *   cpuwork faults PAGES                     touch PAGES new pages (page faults) */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

volatile uint64_t sink;

/* Spin until this thread has used `ms` of CPU. */
static NOINLINE void spin_cpu(uint64_t ms)
{
	uint64_t end = now_ns(CLOCK_THREAD_CPUTIME_ID) + ms * 1000000ull;

	while (now_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 100000; i++)
			sink += i * i;
}

NOINLINE void rt_hot_burn(uint64_t ms)
{
	spin_cpu(ms);
}

NOINLINE void rt_short_burn(uint64_t ms)
{
	spin_cpu(ms);
}

/* nanosleep as a raw system call: the C library's wrappers have no frame
 * pointer, so a stack walked from inside them would skip their caller; from
 * here the user stack starts in rt_sleepy_wait itself. */
static inline __attribute__((always_inline)) void raw_nanosleep(struct timespec *ts)
{
#if defined(__x86_64__)
	long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "0"((long)SYS_nanosleep), "D"(ts), "S"(0L)
		     : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 asm("x8") = SYS_nanosleep;
	register long x0 asm("x0") = (long)ts;
	register long x1 asm("x1") = 0;

	asm volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
#else
	nanosleep(ts, NULL);
#endif
}

NOINLINE void rt_sleepy_wait(int n, uint64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	for (int i = 0; i < n; i++)
		raw_nanosleep(&ts);
}

NOINLINE void rt_syscall_loop(long k)
{
	for (long i = 0; i < k; i++)
		sink += syscall(SYS_getppid);
}

static uint64_t contend_ms;

static void *contender(void *arg)
{
	cpu_set_t set;
	uint64_t *cpu_ns = arg;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	spin_cpu(contend_ms);
	*cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID);
	printf("%ld %llu\n", (long)syscall(SYS_gettid), (unsigned long long)*cpu_ns);
	return NULL;
}

static void contend(uint64_t ms)
{
	pthread_t t[2];
	uint64_t cpu[2];

	contend_ms = ms;
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, contender, &cpu[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

static void faults(long pages)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		exit(1);
	for (long i = 0; i < pages; i++)
		p[i * page] = 1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: cpuwork profile|short|syscalls|contend|faults N...\n");
		return 2;
	}
	if (!strcmp(argv[1], "profile") && argc == 5) {
		uint64_t t0;

		rt_hot_burn(strtoull(argv[2], NULL, 10));
		t0 = now_ns(CLOCK_MONOTONIC);
		rt_sleepy_wait(atoi(argv[3]), strtoull(argv[4], NULL, 10));
		/* Wall time of the sleeping phase: an upper bound of its off-CPU time. */
		printf("sleep_wall_ns %llu\n", (unsigned long long)(now_ns(CLOCK_MONOTONIC) - t0));
	} else if (!strcmp(argv[1], "short")) {
		rt_short_burn(strtoull(argv[2], NULL, 10));
	} else if (!strcmp(argv[1], "syscalls")) {
		rt_syscall_loop(atol(argv[2]));
	} else if (!strcmp(argv[1], "contend")) {
		contend(strtoull(argv[2], NULL, 10));
	} else if (!strcmp(argv[1], "faults")) {
		faults(atol(argv[2]));
	} else {
		return 2;
	}
	fflush(stdout);
	return 0;
}
