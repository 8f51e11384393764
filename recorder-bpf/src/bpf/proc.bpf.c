// SPDX-License-Identifier: GPL-2.0
/* Source `proc`: exec (with argv and return value), fork and exit.
 *
 * exec is paired in the kernel (enter stores the argv it read from user
 * memory, exit adds the return value and the new comm): execs are rare, and
 * argv can only be read at entry while the return value only exists at exit.
 * fork and exit are single events. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rt_exec _rt_exec = {};
struct rt_fork _rt_fork = {};
struct rt_exit _rt_exit = {};

/* Execs between enter and exit, by thread id. Not preallocated: each value is
 * ~4.5 KiB and few are ever in flight. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct rt_exec);
} execs SEC(".maps");

/* A thread other than the leader that calls exec becomes the leader (its tid
 * turns into the tgid) before the call returns: remember its old tid by tgid so
 * the exit can still find the entry. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} exec_old_tid SEC(".maps");

/* Too big for the BPF stack: build the record here, then copy it into execs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_exec);
} exec_scratch SEC(".maps");

struct argv_walk {
	struct rt_exec *e;
	const char *const *argv;
};

/* One argv element per call (bpf_loop). The running offset lives in the map
 * value (e->args_size), not on the stack: the verifier then sees an unknown,
 * bounds-checked scalar in every call and its states converge. */
static long read_one_arg(__u64 i, void *data)
{
	struct argv_walk *w = data;
	struct rt_exec *e = w->e;
	const char *arg = NULL;
	__u32 off = e->args_size;
	long n;

	if (bpf_probe_read_user(&arg, sizeof(arg), &w->argv[i]) || !arg)
		return 1;
	if (i >= RT_EXEC_MAX_ARGS || off > RT_EXEC_ARGS_LEN - RT_EXEC_ARG_LEN) {
		e->args_truncated = 1; /* more arguments than we keep */
		return 1;
	}
	n = bpf_probe_read_user_str(&e->args[off], RT_EXEC_ARG_LEN, arg);
	if (n <= 0)
		return 1;
	if (n == RT_EXEC_ARG_LEN)
		e->args_truncated = 1; /* this argument was cut */
	e->args_size = off + n;
	e->args_count++;
	return 0;
}

static __always_inline int exec_enter(const char *filename, const char *const *argv)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 zero = 0, tid = (__u32)id, tgid = id >> 32;
	struct rt_exec *e = bpf_map_lookup_elem(&exec_scratch, &zero);
	struct argv_walk w = {};

	if (!e)
		return 0;
	e->kind = RT_KIND_EXEC;
	e->ts_enter = bpf_ktime_get_ns();
	e->args_count = 0;
	e->args_size = 0;
	e->args_truncated = 0;
	if (bpf_probe_read_user_str(e->filename, sizeof(e->filename), filename) < 0)
		e->filename[0] = 0;
	w.e = e;
	w.argv = argv;
	/* One extra step notices an argument beyond the last one kept. */
	bpf_loop(RT_EXEC_MAX_ARGS + 1, read_one_arg, &w, 0);
	if (bpf_map_update_elem(&execs, &tid, e, BPF_ANY)) {
		rt_count_lost();
		return 0;
	}
	if (tid != tgid && bpf_map_update_elem(&exec_old_tid, &tgid, &tid, BPF_ANY))
		rt_count_lost();
	return 0;
}

static __always_inline int exec_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, tgid = id >> 32, key = tid;
	struct rt_exec *e = bpf_map_lookup_elem(&execs, &key);
	struct task_struct *task;
	__u32 *old;

	if (tid == tgid) {
		old = bpf_map_lookup_elem(&exec_old_tid, &tgid);
		if (old) {
			/* The exec of a non-leader thread that took the leader's place
			 * (on failure the thread keeps its tid and `e` is found). */
			if (!e) {
				key = *old;
				e = bpf_map_lookup_elem(&execs, &key);
			}
			bpf_map_delete_elem(&exec_old_tid, &tgid);
		}
	}
	if (!e)
		return 0;
	/* Filter after the call, on the new program's comm. */
	if (!rt_current_passes())
		goto out;
	task = (struct task_struct *)bpf_get_current_task();
	e->ts_exit = bpf_ktime_get_ns();
	e->ret = ret;
	e->pid = id >> 32;
	e->tid = tid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	rt_output(e, sizeof(*e));
out:
	bpf_map_delete_elem(&execs, &key);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_sys_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter((const char *)ctx->args[0], (const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tp_sys_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_sys_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter((const char *)ctx->args[1], (const char *const *)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int tp_sys_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

static __always_inline int on_fork(struct task_struct *parent, struct task_struct *child)
{
	struct rt_fork *e;
	void *ring;

	if (!rt_current_passes())
		return 0;
	e = rt_reserve(struct rt_fork, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_FORK;
	e->ts = bpf_ktime_get_ns();
	e->parent_pid = BPF_CORE_READ(parent, tgid);
	e->parent_tid = BPF_CORE_READ(parent, pid);
	e->child_pid = BPF_CORE_READ(child, tgid);
	e->child_tid = BPF_CORE_READ(child, pid);
	BPF_CORE_READ_STR_INTO(&e->comm, parent, comm);
	rt_submit(ring, e);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_btf_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(raw_tp_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

static __always_inline int on_exit(struct task_struct *task)
{
	struct rt_exit *e;
	void *ring;

	if (!rt_current_passes())
		return 0;
	e = rt_reserve(struct rt_exit, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_EXIT;
	e->ts = bpf_ktime_get_ns();
	e->start_ns = BPF_CORE_READ(task, start_time);
	e->pid = BPF_CORE_READ(task, tgid);
	e->tid = BPF_CORE_READ(task, pid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_code = BPF_CORE_READ(task, exit_code);
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	rt_submit(ring, e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_btf_sched_process_exit, struct task_struct *task)
{
	return on_exit(task);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(raw_tp_sched_process_exit, struct task_struct *task)
{
	return on_exit(task);
}
