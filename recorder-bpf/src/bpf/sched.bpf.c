// SPDX-License-Identifier: GPL-2.0
/* Source `sched`: every context switch and every wakeup, as small raw records.
 *
 * Nothing is paired here: at hundreds of thousands of switches per second a
 * hash-map lookup per event costs more than handing the event over (DESIGN.md,
 * cost facts), so run-queue latency and on/off-CPU times are paired in SQL.
 * Records are batched per CPU (batch.bpf.h): a ring reserve/submit per event
 * cost as much as the rest of the program.
 *
 * Nesting: switches and wakeups have separate buffers. sched_switch runs with
 * the run-queue lock held and IRQs off; sched_wakeup(_new) with the run-queue
 * lock or p->pi_lock held, IRQs off, except when a task wakes itself
 * (try_to_wake_up with p == current, preemption off only): an interrupt there
 * may wake another task, re-entering the wakeup program on this CPU. The kernel
 * skips such a run and counts it (recursion_misses, added to lost events), and
 * the buffer's busy flag covers kernels or paths where that would not hold. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"
#include "batch.bpf.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rt_batch _rt_batch = {};
struct rt_batch_head _rt_batch_head = {};
struct rt_sched_switch _rt_sched_switch = {};
struct rt_sched_wakeup _rt_sched_wakeup = {};

RT_BATCH_BUFFERS(switch_batch);
RT_BATCH_BUFFERS(wakeup_batch);

/* Whether sched_switch passes prev_state as its 4th argument (5.18+, commit
 * fa2c3254d7cf); before that it is read from the task. Set before load. */
const volatile bool switch_has_state_arg = true;

/* The record of one switch. `READ(task, field)` reads a task field: a plain
 * load where the task pointer is BTF-typed (tp_btf, checked by the verifier, no
 * helper call), a CO-RE probe read where it is not (raw_tp). Eight fields per
 * switch make that difference the bulk of this program's cost. */
#define DEFINE_ON_SWITCH(name, READ, READ_COMM)                                        \
	static __always_inline int name(bool preempt, struct task_struct *prev,        \
					struct task_struct *next, unsigned int prev_state)  \
	{                                                                              \
		struct rt_sched_switch *e;                                             \
		struct rt_batch_buf *b;                                                \
                                                                                       \
		if ((filter_tgid || filter_comm[0]) && !rt_task_passes(prev) &&        \
		    !rt_task_passes(next))                                             \
			return 0;                                                      \
		e = rt_batch_reserve(&switch_batch, RT_KIND_SCHED_SWITCH,              \
				     sizeof(*e), &b);                                  \
		if (!e)                                                                \
			return 0;                                                      \
		e->ts = bpf_ktime_get_ns();                                            \
		e->prev_tid = READ(prev, pid);                                         \
		e->prev_pid = READ(prev, tgid);                                        \
		e->prev_prio = READ(prev, prio);                                       \
		/* A preempted task stays on the run queue whatever its state says. */ \
		if (preempt)                                                           \
			e->prev_state = 0;                                             \
		else                                                                   \
			e->prev_state = switch_has_state_arg ? prev_state :            \
								rt_task_state(prev);   \
		e->next_tid = READ(next, pid);                                         \
		e->next_pid = READ(next, tgid);                                        \
		e->next_prio = READ(next, prio);                                       \
		READ_COMM(e->prev_comm, prev);                                         \
		READ_COMM(e->next_comm, next);                                         \
		rt_batch_commit(b, sizeof(*e));                                        \
		return 0;                                                              \
	}

#define DIRECT(t, f) ((t)->f)
#define DIRECT_COMM(dst, t) __builtin_memcpy(&(dst), (t)->comm, RT_COMM_LEN)
#define PROBED_COMM(dst, t) BPF_CORE_READ_INTO(&(dst), t, comm)

DEFINE_ON_SWITCH(on_switch_btf, DIRECT, DIRECT_COMM)
DEFINE_ON_SWITCH(on_switch_raw, BPF_CORE_READ, PROBED_COMM)

/* CPU whose run queue a task is on. Since 5.16 (commit bcf9033e5449) the field
 * is in thread_info on every architecture that has one in the task. */
struct task_struct___pre516 {
	unsigned int cpu;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_cpu_of(struct task_struct *p)
{
	if (bpf_core_field_exists(p->thread_info.cpu))
		return BPF_CORE_READ(p, thread_info.cpu);
	return BPF_CORE_READ((struct task_struct___pre516 *)p, cpu);
}

#define DEFINE_ON_WAKEUP(name, READ, READ_COMM, TASK_CPU)                              \
	static __always_inline int name(struct task_struct *p, __u32 is_new)           \
	{                                                                              \
		struct rt_sched_wakeup *e;                                             \
		struct rt_batch_buf *b;                                                \
		__u64 id;                                                              \
                                                                                       \
		if ((filter_tgid || filter_comm[0]) && !rt_task_passes(p))             \
			return 0;                                                      \
		e = rt_batch_reserve(&wakeup_batch, RT_KIND_SCHED_WAKEUP,              \
				     sizeof(*e), &b);                                  \
		if (!e)                                                                \
			return 0;                                                      \
		id = bpf_get_current_pid_tgid();                                       \
		e->ts = bpf_ktime_get_ns();                                            \
		e->tid = READ(p, pid);                                                 \
		e->pid = READ(p, tgid);                                                \
		e->target_cpu = TASK_CPU(p);                                           \
		e->prio = READ(p, prio);                                               \
		e->waker_tid = (__u32)id;                                              \
		e->waker_pid = id >> 32;                                               \
		e->is_new = is_new;                                                    \
		e->pad = 0;                                                            \
		READ_COMM(e->comm, p);                                                 \
		rt_batch_commit(b, sizeof(*e));                                        \
		return 0;                                                              \
	}

/* thread_info.cpu read directly where the kernel has it there (5.16+). */
static __always_inline __u32 task_cpu_direct(struct task_struct *p)
{
	if (bpf_core_field_exists(p->thread_info.cpu))
		return p->thread_info.cpu;
	return task_cpu_of(p);
}

DEFINE_ON_WAKEUP(on_wakeup_btf, DIRECT, DIRECT_COMM, task_cpu_direct)
DEFINE_ON_WAKEUP(on_wakeup_raw, BPF_CORE_READ, PROBED_COMM, task_cpu_of)

SEC("tp_btf/sched_switch")
int BPF_PROG(tp_btf_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	return on_switch_btf(preempt, prev, next, prev_state);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(raw_tp_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	return on_switch_raw(preempt, prev, next, prev_state);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(tp_btf_sched_wakeup, struct task_struct *p)
{
	return on_wakeup_btf(p, 0);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(raw_tp_sched_wakeup, struct task_struct *p)
{
	return on_wakeup_raw(p, 0);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(tp_btf_sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup_btf(p, 1);
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(raw_tp_sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup_raw(p, 1);
}
