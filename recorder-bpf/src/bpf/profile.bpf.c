// SPDX-License-Identifier: GPL-2.0
/* Source `profile`: timed samples of what every CPU runs, with kernel and user
 * stacks and the CPU's run-queue length. User space opens one cpu-clock
 * perf_event per CPU at -F Hz and attaches this program to each. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"
#include "stacks.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rt_profile _rt_profile = {};

/* cfs_rq's task count before 6.14 (commit 736c55a02c47 renamed it nr_queued). */
struct cfs_rq___pre614 {
	unsigned int nr_running;
} __attribute__((preserve_access_index));

/* Tasks on this CPU's run queue, the running one included. Reached through the
 * current task's CFS queue, whose back pointer to the CPU's rq exists with
 * CONFIG_FAIR_GROUP_SCHED (nearly every distribution kernel); without it only
 * the CFS queue is counted. (The per-CPU `runqueues` variable would be direct,
 * but kernels without CONFIG_KALLSYMS_ALL cannot resolve it.) */
static __always_inline __u32 runq_len(struct task_struct *t)
{
	struct cfs_rq *cfs = BPF_CORE_READ(t, se.cfs_rq);

	if (!cfs)
		return 0;
	if (bpf_core_field_exists(cfs->rq))
		return BPF_CORE_READ(cfs, rq, nr_running);
	if (bpf_core_field_exists(cfs->nr_queued))
		return BPF_CORE_READ(cfs, nr_queued);
	return BPF_CORE_READ((struct cfs_rq___pre614 *)cfs, nr_running);
}

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct rt_profile *e;
	__u64 id = bpf_get_current_pid_tgid();
	void *ring;

	if ((id >> 32) == exclude_tgid || !rt_current_passes())
		return 0;
	e = rt_reserve(struct rt_profile, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_PROFILE;
	e->cpu = bpf_get_smp_processor_id();
	e->ts = bpf_ktime_get_ns();
	e->tid = (__u32)id;
	e->pid = id >> 32;
	e->kstack_id = rt_stack_id(ctx, 0);
	e->ustack_id = (task->flags & 0x00200000 /* PF_KTHREAD */) ?
			       -1 : rt_stack_id(ctx, BPF_F_USER_STACK);
	e->runq_len = runq_len(task);
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	rt_submit(ring, e);
	return 0;
}
