// SPDX-License-Identifier: GPL-2.0
/* Source `files`: file opens, stats and syncs at the system call, one record
 * per call with both times and the result. Tables: file_open, file_stat,
 * file_sync (schemas/src/catalog/files.rs).
 *
 * Paired in the kernel: the enter tracepoint keeps the call's arguments in the
 * task's own storage, the exit tracepoint sends one record. The path is read
 * from user memory at exit, as libbpf-tools' opensnoop does: the caller's buffer
 * is still there, and a call that faults on it fails with EFAULT anyway. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_files_kinds {
	RT_KIND_FILE_OPEN = 1,
	RT_KIND_FILE_SYNC = 2,
	RT_KIND_FILE_STAT = 3,
};

struct rt_file_open {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_enter;
	__s64 ret;
	__u64 flags;
	__u32 tid;
	__u32 uid;
	__s32 dfd;
	__u32 mode;
	char call[16];
	char comm[16];
	char path[256];
};

struct rt_file_sync {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_enter;
	__s64 ret;
	__u32 tid;
	__s32 fd;
	char call[16];
	char comm[16];
};

struct rt_file_stat {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_enter;
	__s64 ret;
	__u32 tid;
	__s32 dfd;
	__u32 flags;
	__u32 pad;
	char call[16];
	char comm[16];
	char path[256];
};

RT_KINDS(rt_files_kinds);
RT_RECORD(rt_file_open);
RT_RECORD(rt_file_sync);
RT_RECORD(rt_file_stat);

/* Which call a task is in, and the arguments the exit needs. */
enum call_id {
	CALL_NONE = 0,
	CALL_OPEN,
	CALL_OPENAT,
	CALL_OPENAT2,
	CALL_CREAT,
	CALL_SYNC,
	CALL_SYNCFS,
	CALL_FSYNC,
	CALL_FDATASYNC,
	CALL_SYNC_FILE_RANGE,
	CALL_MSYNC,
	CALL_STATFS,
	CALL_NEWFSTATAT,
	CALL_STATX,
};

struct in_call {
	__u64 ts_enter;
	__u64 path;  /* user pointer */
	__u64 flags;
	__u32 mode;
	__s32 fd;    /* dfd for opens, fd for syncs, -1 when none */
	__u32 call;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct in_call);
} calls SEC(".maps");

static __always_inline void call_name(char *dst, __u32 call)
{
	/* Constant strings of at most 15 characters: a fixed-size copy. */
	const char *n;

	switch (call) {
	case CALL_OPEN: n = "open"; break;
	case CALL_OPENAT: n = "openat"; break;
	case CALL_OPENAT2: n = "openat2"; break;
	case CALL_CREAT: n = "creat"; break;
	case CALL_SYNC: n = "sync"; break;
	case CALL_SYNCFS: n = "syncfs"; break;
	case CALL_FSYNC: n = "fsync"; break;
	case CALL_FDATASYNC: n = "fdatasync"; break;
	case CALL_SYNC_FILE_RANGE: n = "sync_file_range"; break;
	case CALL_MSYNC: n = "msync"; break;
	case CALL_STATFS: n = "statfs"; break;
	case CALL_NEWFSTATAT: n = "newfstatat"; break;
	case CALL_STATX: n = "statx"; break;
	default: n = "?"; break;
	}
	bpf_probe_read_kernel_str(dst, 16, n);
}

static __always_inline int enter(__u32 call, __s32 fd, const void *path, __u64 flags, __u32 mode)
{
	struct in_call *c;

	if (!rt_current_passes())
		return 0;
	c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return 0;
	c->ts_enter = bpf_ktime_get_ns();
	c->call = call;
	c->fd = fd;
	c->path = (__u64)path;
	c->flags = flags;
	c->mode = mode;
	return 0;
}

static __always_inline int exit_open(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct rt_file_open *e;
	__u64 id;
	void *ring;

	if (!c || c->call < CALL_OPEN || c->call > CALL_CREAT)
		return 0;
	e = rt_reserve(struct rt_file_open, ring);
	if (e) {
		id = bpf_get_current_pid_tgid();
		e->kind = RT_KIND_FILE_OPEN;
		e->ts_enter = c->ts_enter;
		e->ts = bpf_ktime_get_ns();
		e->ret = ret;
		e->flags = c->flags;
		e->mode = c->mode;
		e->dfd = c->fd;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		e->uid = (__u32)bpf_get_current_uid_gid();
		call_name(e->call, c->call);
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		if (bpf_probe_read_user_str(e->path, sizeof(e->path), (const void *)c->path) < 0)
			e->path[0] = 0;
		rt_submit(ring, e);
	}
	c->call = CALL_NONE;
	return 0;
}

static __always_inline int exit_sync(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct rt_file_sync *e;
	__u64 id;
	void *ring;

	if (!c || c->call < CALL_SYNC || c->call > CALL_MSYNC)
		return 0;
	e = rt_reserve(struct rt_file_sync, ring);
	if (e) {
		id = bpf_get_current_pid_tgid();
		e->kind = RT_KIND_FILE_SYNC;
		e->ts_enter = c->ts_enter;
		e->ts = bpf_ktime_get_ns();
		e->ret = ret;
		e->fd = c->fd;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		call_name(e->call, c->call);
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		rt_submit(ring, e);
	}
	c->call = CALL_NONE;
	return 0;
}

static __always_inline int exit_stat(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct rt_file_stat *e;
	__u64 id;
	void *ring;

	if (!c || c->call < CALL_STATFS)
		return 0;
	e = rt_reserve(struct rt_file_stat, ring);
	if (e) {
		id = bpf_get_current_pid_tgid();
		e->kind = RT_KIND_FILE_STAT;
		e->ts_enter = c->ts_enter;
		e->ts = bpf_ktime_get_ns();
		e->ret = ret;
		e->dfd = c->fd;
		e->flags = c->flags;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		call_name(e->call, c->call);
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		if (bpf_probe_read_user_str(e->path, sizeof(e->path), (const void *)c->path) < 0)
			e->path[0] = 0;
		rt_submit(ring, e);
	}
	c->call = CALL_NONE;
	return 0;
}

/* AT_FDCWD: open() and creat() resolve relative paths like openat(AT_FDCWD, ...). */
#define RT_AT_FDCWD -100

SEC("tracepoint/syscalls/sys_enter_open")
int tracepoint__syscalls__sys_enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_OPEN, RT_AT_FDCWD, (const void *)ctx->args[0], ctx->args[1],
		     ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_open")
int tracepoint__syscalls__sys_exit_open(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int tracepoint__syscalls__sys_enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	/* creat(path, mode) is open(path, O_CREAT|O_WRONLY|O_TRUNC, mode). */
	return enter(CALL_CREAT, RT_AT_FDCWD, (const void *)ctx->args[0], 01 | 0100 | 01000,
		     ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int tracepoint__syscalls__sys_exit_creat(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tracepoint__syscalls__sys_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_OPENAT, ctx->args[0], (const void *)ctx->args[1], ctx->args[2],
		     ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int tracepoint__syscalls__sys_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int tracepoint__syscalls__sys_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};

	/* openat2(dfd, path, how, size): flags and mode are in user memory. */
	bpf_probe_read_user(&how, sizeof(how), (const void *)ctx->args[2]);
	return enter(CALL_OPENAT2, ctx->args[0], (const void *)ctx->args[1], how.flags,
		     how.mode);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int tracepoint__syscalls__sys_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_sync")
int tracepoint__syscalls__sys_enter_sync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_SYNC, -1, 0, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_sync")
int tracepoint__syscalls__sys_exit_sync(struct trace_event_raw_sys_exit *ctx)
{
	return exit_sync(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_syncfs")
int tracepoint__syscalls__sys_enter_syncfs(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_SYNCFS, ctx->args[0], 0, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_syncfs")
int tracepoint__syscalls__sys_exit_syncfs(struct trace_event_raw_sys_exit *ctx)
{
	return exit_sync(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_fsync")
int tracepoint__syscalls__sys_enter_fsync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_FSYNC, ctx->args[0], 0, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_fsync")
int tracepoint__syscalls__sys_exit_fsync(struct trace_event_raw_sys_exit *ctx)
{
	return exit_sync(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_fdatasync")
int tracepoint__syscalls__sys_enter_fdatasync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_FDATASYNC, ctx->args[0], 0, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_fdatasync")
int tracepoint__syscalls__sys_exit_fdatasync(struct trace_event_raw_sys_exit *ctx)
{
	return exit_sync(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_sync_file_range")
int tracepoint__syscalls__sys_enter_sync_file_range(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_SYNC_FILE_RANGE, ctx->args[0], 0, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_sync_file_range")
int tracepoint__syscalls__sys_exit_sync_file_range(struct trace_event_raw_sys_exit *ctx)
{
	return exit_sync(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_msync")
int tracepoint__syscalls__sys_enter_msync(struct trace_event_raw_sys_enter *ctx)
{
	/* msync(addr, len, flags) has no file descriptor. */
	return enter(CALL_MSYNC, -1, 0, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_msync")
int tracepoint__syscalls__sys_exit_msync(struct trace_event_raw_sys_exit *ctx)
{
	return exit_sync(ctx->ret);
}

/* The stat family with a path and a paired exit on this kernel's syscall
 * table (stat and lstat have no exit tracepoint here; glibc's stat() is
 * newfstatat or statx). */
SEC("tracepoint/syscalls/sys_enter_statfs")
int tracepoint__syscalls__sys_enter_statfs(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_STATFS, RT_AT_FDCWD, (const void *)ctx->args[0], 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_statfs")
int tracepoint__syscalls__sys_exit_statfs(struct trace_event_raw_sys_exit *ctx)
{
	return exit_stat(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_newfstatat")
int tracepoint__syscalls__sys_enter_newfstatat(struct trace_event_raw_sys_enter *ctx)
{
	/* newfstatat(dfd, path, statbuf, flags) */
	return enter(CALL_NEWFSTATAT, ctx->args[0], (const void *)ctx->args[1], ctx->args[3], 0);
}

SEC("tracepoint/syscalls/sys_exit_newfstatat")
int tracepoint__syscalls__sys_exit_newfstatat(struct trace_event_raw_sys_exit *ctx)
{
	return exit_stat(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_statx")
int tracepoint__syscalls__sys_enter_statx(struct trace_event_raw_sys_enter *ctx)
{
	/* statx(dfd, path, flags, mask, statxbuf) */
	return enter(CALL_STATX, ctx->args[0], (const void *)ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_statx")
int tracepoint__syscalls__sys_exit_statx(struct trace_event_raw_sys_exit *ctx)
{
	return exit_stat(ctx->ret);
}
