/* The stack map of a source that records stacks, and how a stack id is taken.
 *
 * Each unique stack is stored once in the map; records carry its id, and user
 * space copies a stack out of the map the first time it sees its id. Without
 * BPF_F_REUSE_STACKID a stored stack is never replaced, so an id stays valid
 * for the whole recording; a new stack whose hash bucket is already taken gets
 * no id (-EEXIST) and is counted in stack_errors, never silently misnamed. */
#ifndef STACKS_BPF_H
#define STACKS_BPF_H

#include <bpf/bpf_helpers.h>

#define RT_MAX_STACK_DEPTH 127

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384); /* set by user space before load */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, RT_MAX_STACK_DEPTH * sizeof(__u64));
} stack_map SEC(".maps");

/* The recorder's own process: its samples and blocks are left out (like perf
 * record --exclude-perf), so that it neither shows in the profiles it records
 * nor has to symbolize itself; its cost is in the manifest. Set before load. */
const volatile __u32 exclude_tgid = 0;

/* Stacks that could not be stored (bucket taken by another stack). */
__u64 stack_errors = 0;

/* The current task's kernel (flags 0) or user (BPF_F_USER_STACK) stack id, or
 * -1 when there is none: a kernel thread has no user stack, and a sample taken
 * in user mode has no kernel stack. */
static __always_inline __s32 rt_stack_id(void *ctx, __u64 flags)
{
	long id = bpf_get_stackid(ctx, &stack_map, flags);

	if (id >= 0)
		return id;
	if (id == -17 /* EEXIST */ || id == -12 /* ENOMEM */)
		__sync_fetch_and_add(&stack_errors, 1);
	return -1;
}

#endif
