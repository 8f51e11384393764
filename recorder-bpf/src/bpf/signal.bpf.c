// SPDX-License-Identifier: GPL-2.0
/* Source `signal`: signals generated (who sent what to whom, and what became of
 * it) and delivered (the action the target took), one record each. Tables:
 * signal_generate, signal_deliver (schemas/src/catalog/signal.rs). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_signal_kinds {
	RT_KIND_SIGNAL_GENERATE = 1,
	RT_KIND_SIGNAL_DELIVER = 2,
};

struct rt_signal_generate {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__u32 target_pid;
	__u32 target_tid;
	__s32 sig;
	__s32 code;
	__s32 result;
	__u8 group;
	__u8 pad[7];
	char comm[16];
	char target_comm[16];
};

struct rt_signal_deliver {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__s32 sig;
	__s32 code;
	__u32 pad;
	__u64 sa_handler;
	__u64 sa_flags;
	char comm[16];
};

RT_KINDS(rt_signal_kinds);
RT_RECORD(rt_signal_generate);
RT_RECORD(rt_signal_deliver);

/* The kernel passes two pseudo-pointers instead of a siginfo: SEND_SIG_NOINFO
 * (0, a signal from user space without info: kill()) and SEND_SIG_PRIV (1, from
 * the kernel). The tracepoint's own format reports them as these codes. */
static __always_inline __s32 rt_si_code(struct kernel_siginfo *info)
{
	if ((unsigned long)info == 0)
		return 0; /* SI_USER */
	if ((unsigned long)info == 1)
		return 0x80; /* SI_KERNEL */
	return BPF_CORE_READ(info, si_code);
}

RT_TRACEPOINT(signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	      int group, int result)
{
	struct rt_signal_generate *e;
	__u64 id = bpf_get_current_pid_tgid();
	void *ring;

	/* --pid / --comm: signals sent by, or to, the process. */
	if (!rt_current_passes() && !rt_task_passes(task))
		return 0;
	e = rt_reserve(struct rt_signal_generate, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_SIGNAL_GENERATE;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->target_pid = BPF_CORE_READ(task, tgid);
	e->target_tid = BPF_CORE_READ(task, pid);
	e->sig = sig;
	e->code = rt_si_code(info);
	e->result = result;
	e->group = group != 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->target_comm, task, comm);
	rt_submit(ring, e);
	return 0;
}

RT_TRACEPOINT(signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	struct rt_signal_deliver *e;
	__u64 id = bpf_get_current_pid_tgid();
	void *ring;

	if (!rt_current_passes())
		return 0;
	e = rt_reserve(struct rt_signal_deliver, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_SIGNAL_DELIVER;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->sig = sig;
	e->code = rt_si_code(info);
	e->sa_handler = (__u64)BPF_CORE_READ(ka, sa.sa_handler);
	e->sa_flags = BPF_CORE_READ(ka, sa.sa_flags);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	rt_submit(ring, e);
	return 0;
}
