/* Helpers on task_struct shared by the scheduler-side sources: the pid/comm
 * filters applied to a task other than `current`, and the CO-RE shims for
 * fields that moved between kernel versions. */
#ifndef TASK_BPF_H
#define TASK_BPF_H

#include <bpf/bpf_core_read.h>
#include "ring.bpf.h"

/* Before 5.14 (commit 2f064a59a11f, "sched: Change task_struct::state") the
 * field was `long state`. */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline __u32 rt_task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

/* Whether a task (not necessarily current) passes the pid and comm filters. */
static __always_inline bool rt_task_passes(struct task_struct *t)
{
	if (filter_tgid && BPF_CORE_READ(t, tgid) != filter_tgid)
		return false;
	if (filter_comm[0]) {
		char comm[16];

		BPF_CORE_READ_INTO(&comm, t, comm);
		return rt_comm_matches(comm);
	}
	return true;
}

#endif
