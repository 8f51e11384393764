// SPDX-License-Identifier: GPL-2.0
/* Source `syscalls`: every system call that returns, one record per call.
 *
 * Paired in the kernel: sys_enter keeps the number and time in the task's own
 * storage (no hash map, no contention between CPUs), and sys_exit sends one
 * record with both times. One record per call instead of two halves what goes
 * through the rings and what the recorder decodes at a syscall storm. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rt_syscall _rt_syscall = {};

struct in_call {
	__u64 ts_enter;
	__s64 nr; /* -1: not in a call we saw enter */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct in_call);
} calls SEC(".maps");

static __always_inline int on_enter(long nr)
{
	struct in_call *c;

	if (!rt_current_passes())
		return 0;
	c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return 0;
	c->ts_enter = bpf_ktime_get_ns();
	c->nr = nr;
	return 0;
}

static __always_inline int on_exit(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct rt_syscall *e;
	__u64 id;
	void *ring;

	if (!c || c->nr < 0)
		return 0;
	e = rt_reserve(struct rt_syscall, ring);
	if (e) {
		id = bpf_get_current_pid_tgid();
		e->kind = RT_KIND_SYSCALL;
		e->nr = c->nr;
		e->ts_enter = c->ts_enter;
		e->ts_exit = bpf_ktime_get_ns();
		e->ret = ret;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		rt_submit(ring, e);
	}
	c->nr = -1;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(tp_btf_sys_enter, struct pt_regs *regs, long id)
{
	return on_enter(id);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(raw_tp_sys_enter, struct pt_regs *regs, long id)
{
	return on_enter(id);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(tp_btf_sys_exit, struct pt_regs *regs, long ret)
{
	return on_exit(ret);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(raw_tp_sys_exit, struct pt_regs *regs, long ret)
{
	return on_exit(ret);
}
