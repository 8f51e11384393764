// SPDX-License-Identifier: GPL-2.0
/* Source `offcpu`: where threads block, and for how long.
 *
 * At sched_switch the thread switched out (still `current`) has its kernel and
 * user stacks taken and stored, with the time, in its task storage; when it is
 * switched back in and was off the CPU for at least min_block_ns, one record
 * goes out. Preempted threads (still runnable) are skipped: that is run-queue
 * time, which the `sched` source measures. The stack walk at every blocking
 * switch is what makes this source costly, hence opt-in. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"
#include "stacks.bpf.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rt_offcpu _rt_offcpu = {};

/* Shortest blocked time recorded, set before load (--min-block). */
const volatile __u64 min_block_ns = 1000;

struct blocked {
	__u64 ts_off;
	__s32 kstack_id;
	__s32 ustack_id;
	__u32 state;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct blocked);
} blocked_since SEC(".maps");

SEC("tp_btf/sched_switch")
int BPF_PROG(tp_btf_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	struct blocked *b;
	struct rt_offcpu *e;
	__u64 now = bpf_ktime_get_ns();
	void *ring;

	if (!preempt && prev_state && prev->pid && prev->tgid != exclude_tgid &&
	    rt_task_passes(prev)) {
		b = bpf_task_storage_get(&blocked_since, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (b) {
			b->ts_off = now;
			b->state = prev_state;
			/* prev is still current here: these are its stacks. */
			b->kstack_id = rt_stack_id(ctx, 0);
			b->ustack_id = (prev->flags & 0x00200000 /* PF_KTHREAD */) ?
					       -1 : rt_stack_id(ctx, BPF_F_USER_STACK);
		}
	}
	b = bpf_task_storage_get(&blocked_since, next, 0, 0);
	if (!b || !b->ts_off)
		return 0;
	if (now - b->ts_off >= min_block_ns) {
		e = rt_reserve(struct rt_offcpu, ring);
		if (e) {
			e->kind = RT_KIND_OFFCPU;
			e->cpu = bpf_get_smp_processor_id();
			e->ts = now;
			e->ts_off = b->ts_off;
			e->tid = next->pid;
			e->pid = next->tgid;
			e->state = b->state;
			e->kstack_id = b->kstack_id;
			e->ustack_id = b->ustack_id;
			e->pad = 0;
			BPF_CORE_READ_INTO(&e->comm, next, comm);
			rt_submit(ring, e);
		}
	}
	b->ts_off = 0;
	return 0;
}
