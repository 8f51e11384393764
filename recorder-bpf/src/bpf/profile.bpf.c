// SPDX-License-Identifier: GPL-2.0
/* Source `profile`: timed samples of what every CPU runs, with kernel and user
 * stacks and the CPU's run-queue length. User space opens one cpu-clock
 * perf_event per CPU at -F Hz and attaches this program to each.
 *
 * The stacks travel in the record itself (only the frames used), and the
 * recorder stores each unique one once. A stack map would hold them in the
 * kernel, but a new stack whose hash bucket is taken is lost there; at
 * sampling rates the copy costs little and loses nothing. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rt_profile _rt_profile = {};

#define MAX_DEPTH 127

/* A sample being built: header, kernel frames, then user frames right after
 * them (room for two full stacks). */
struct sample_buf {
	struct rt_profile hdr;
	__u64 frames[2 * MAX_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sample_buf);
} sample_scratch SEC(".maps");

/* The recorder's own process: left out (like perf record --exclude-perf), so it
 * neither shows in the profile nor symbolizes itself; its cost is in the
 * manifest. Set before load. */
const volatile __u32 exclude_tgid = 0;

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
	__u64 id = bpf_get_current_pid_tgid();
	struct sample_buf *s;
	struct rt_profile *e;
	__u32 zero = 0, kn = 0, un = 0;
	long n;
	__u64 size;

	if ((id >> 32) == exclude_tgid || !rt_current_passes())
		return 0;
	s = bpf_map_lookup_elem(&sample_scratch, &zero);
	if (!s)
		return 0;
	e = &s->hdr;
	/* A sample in user mode has no kernel stack; a kernel thread no user one. */
	n = bpf_get_stack(ctx, s->frames, MAX_DEPTH * 8, 0);
	if (n > 0)
		kn = (n / 8) & 0x7f; /* <= MAX_DEPTH, as the verifier must see */
	if (!(task->flags & 0x00200000 /* PF_KTHREAD */)) {
		n = bpf_get_stack(ctx, &s->frames[kn], MAX_DEPTH * 8, BPF_F_USER_STACK);
		if (n > 0)
			un = (n / 8) & 0x7f;
	}
	e->kframes = kn;
	e->uframes = un;
	e->kind = RT_KIND_PROFILE;
	e->cpu = bpf_get_smp_processor_id();
	e->ts = bpf_ktime_get_ns();
	e->tid = (__u32)id;
	e->pid = id >> 32;
	e->runq_len = runq_len(task);
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	size = sizeof(*e) + (__u64)(kn + un) * 8;
	if (size > sizeof(*s))
		size = sizeof(*s);
	rt_output(s, size);
	return 0;
}
