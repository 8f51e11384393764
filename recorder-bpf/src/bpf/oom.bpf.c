// SPDX-License-Identifier: GPL-2.0
/* Source `oom`: the OOM killer's victims. Table oom_kill
 * (schemas/src/catalog/oom.rs). The oom:mark_victim tracepoint is preferred;
 * oom_kill_process (fentry, else kprobe) is the fallback, and also knows the size
 * of the OOM domain. Both run in the context of the task whose allocation
 * triggered the kill. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_oom_kinds {
	RT_KIND_OOM_KILL = 1,
};

struct rt_oom_kill {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__u32 victim_pid;
	__u32 victim_uid;
	__u32 pad;
	__u64 total_vm_pages;
	__u64 rss_pages;
	__u64 total_pages; /* 0 when unknown (mark_victim) */
	char comm[16];
	char victim_comm[16];
};

RT_KINDS(rt_oom_kinds);
RT_RECORD(rt_oom_kill);

/* Resident pages: file + anon + shmem counters. Since 6.2 (commit f1a7941243c1,
 * "mm: convert mm's rss stats into percpu_counter") each is a percpu_counter
 * whose `count` is the folded total, short of what CPUs still hold. */
static __always_inline __u64 rt_rss_pages(struct mm_struct *mm)
{
	__s64 n = 0;

	if (!mm)
		return 0;
	n += BPF_CORE_READ(mm, rss_stat[MM_FILEPAGES].count);
	n += BPF_CORE_READ(mm, rss_stat[MM_ANONPAGES].count);
	n += BPF_CORE_READ(mm, rss_stat[MM_SHMEMPAGES].count);
	return n > 0 ? n : 0;
}

static __always_inline int rt_oom_kill(struct task_struct *victim, __u32 uid, __u64 total_pages)
{
	struct rt_oom_kill *e;
	__u64 id = bpf_get_current_pid_tgid();
	struct mm_struct *mm;
	void *ring;

	if (!rt_current_passes() && !rt_task_passes(victim))
		return 0;
	e = rt_reserve(struct rt_oom_kill, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_OOM_KILL;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->victim_pid = BPF_CORE_READ(victim, tgid);
	e->victim_uid = uid;
	e->pad = 0;
	mm = BPF_CORE_READ(victim, mm);
	e->total_vm_pages = mm ? BPF_CORE_READ(mm, total_vm) : 0;
	e->rss_pages = rt_rss_pages(mm);
	e->total_pages = total_pages;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->victim_comm, victim, comm);
	rt_submit(ring, e);
	return 0;
}

RT_TRACEPOINT(mark_victim, struct task_struct *task, uid_t uid)
{
	return rt_oom_kill(task, uid, 0);
}

RT_KFUNC(oom_kill_process, struct oom_control *oc, const char *message)
{
	struct task_struct *victim = BPF_CORE_READ(oc, chosen);

	return rt_oom_kill(victim, BPF_CORE_READ(victim, cred, uid.val), BPF_CORE_READ(oc, totalpages));
}
