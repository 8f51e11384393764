// SPDX-License-Identifier: GPL-2.0
/* Source `files`: file opens, stats, syncs, unlinks and mounts at the system
 * call, one record per call with both times and the result. Tables: file_open,
 * file_stat, file_sync, file_unlink, file_mount (schemas/src/catalog/files.rs).
 * An open's new descriptor and a sync's descriptor are resolved to the file
 * (inode, device, file-system type) at exit, from the caller's fd table.
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
#include "file.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* FMODE_CREATED (include/linux/fs.h, 4.19+): the open created the file. */
#define RT_FMODE_CREATED 0x100000

enum rt_files_kinds {
	RT_KIND_FILE_OPEN = 1,
	RT_KIND_FILE_SYNC = 2,
	RT_KIND_FILE_STAT = 3,
	RT_KIND_FILE_UNLINK = 4,
	RT_KIND_FILE_MOUNT = 5,
	RT_KIND_FILE_MMAP = 6,
	RT_KIND_FILE_RENAME = 7,
};

/* The kernel's dev_t: major << MINORBITS | minor (include/linux/kdev_t.h). */
enum rt_files_const {
	RT_DEV_MINORBITS = 20,
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
	__u64 ino;
	__u32 dev;
	__u32 imode;
	__u32 created;
	__u32 pad;
	char call[16];
	char comm[16];
	char fstype[16];
	char path[256];
};

struct rt_file_sync {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_enter;
	__s64 ret;
	__u64 ino;
	__u32 dev;
	__u32 tid;
	__s32 fd;
	__u32 pad;
	char call[16];
	char comm[16];
	char fstype[16];
	char name[64];
};

struct rt_file_unlink {
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

struct rt_file_mount {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_enter;
	__s64 ret;
	__u64 flags;
	__u32 tid;
	__u32 mnt_ns;
	char call[16];
	char comm[16];
	char fstype[32];
	char source[128];
	char target[128];
	char data[64];
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

/* mmap(2): the mapping asked for, what it returned, and the file mapped (by its
 * fd, resolved at exit: the mapping holds its own reference, the fd may go). */
struct rt_file_mmap {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_enter;
	__s64 ret;
	__u64 len;
	__u64 off;
	__u64 ino;
	__u32 dev;
	__u32 tid;
	__u32 prot;
	__u32 flags;
	__s32 fd;
	__u32 imode;
	char comm[16];
	char fstype[16];
	char path[RT_PATH_SLOT * RT_PATH_DEPTH];
};

struct rt_file_rename {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_enter;
	__s64 ret;
	__u32 tid;
	__s32 olddfd;
	__s32 newdfd;
	__u32 flags;
	char call[16];
	char comm[16];
	char old_path[256];
	char new_path[256];
};

RT_KINDS(rt_files_kinds);
RT_KINDS(rt_files_const);
RT_RECORD(rt_file_open);
RT_RECORD(rt_file_sync);
RT_RECORD(rt_file_stat);
RT_RECORD(rt_file_unlink);
RT_RECORD(rt_file_mount);
RT_RECORD(rt_file_mmap);
RT_RECORD(rt_file_rename);

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
	CALL_UNLINK,
	CALL_UNLINKAT,
	CALL_RMDIR,
	CALL_MOUNT,
	CALL_UMOUNT,
	CALL_FSOPEN,
	CALL_FSMOUNT,
	CALL_MOVE_MOUNT,
	CALL_MMAP,
	CALL_RENAME,
	CALL_RENAMEAT,
	CALL_RENAMEAT2,
};

struct in_call {
	__u64 ts_enter;
	__u64 path;  /* user pointer; a mount's source */
	__u64 target; /* user pointers of a mount's target, type and data */
	__u64 type;
	__u64 data;
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
	case CALL_UNLINK: n = "unlink"; break;
	case CALL_UNLINKAT: n = "unlinkat"; break;
	case CALL_RMDIR: n = "rmdir"; break;
	case CALL_MOUNT: n = "mount"; break;
	case CALL_UMOUNT: n = "umount"; break;
	case CALL_FSOPEN: n = "fsopen"; break;
	case CALL_FSMOUNT: n = "fsmount"; break;
	case CALL_MOVE_MOUNT: n = "move_mount"; break;
	case CALL_MMAP: n = "mmap"; break;
	case CALL_RENAME: n = "rename"; break;
	case CALL_RENAMEAT: n = "renameat"; break;
	case CALL_RENAMEAT2: n = "renameat2"; break;
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
	c->target = 0;
	c->type = 0;
	c->data = 0;
	return 0;
}

/* A mount-family call: its strings are read at exit. */
static __always_inline int enter_mount(__u32 call, const void *source, const void *target,
				       const void *type, const void *data, __u64 flags)
{
	struct in_call *c;

	enter(call, -1, source, flags, 0);
	c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	if (!c || c->call != call)
		return 0;
	c->target = (__u64)target;
	c->type = (__u64)type;
	c->data = (__u64)data;
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
		e->ino = 0;
		e->dev = 0;
		e->imode = 0;
		e->created = 0;
		e->fstype[0] = 0;
		if (ret >= 0) {
			struct file *f = rt_fd_file(ret);

			if (f) {
				rt_file_inode(f, &e->ino, &e->dev, &e->imode, e->fstype);
				e->created = (BPF_CORE_READ(f, f_mode) & RT_FMODE_CREATED) != 0;
			}
		}
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
		e->ino = 0;
		e->dev = 0;
		e->fstype[0] = 0;
		e->name[0] = 0;
		/* msync has no fd; sync's -1 finds no file. */
		if (c->call != CALL_MSYNC) {
			struct file *f = rt_fd_file(c->fd);
			__u32 mode;

			if (f) {
				rt_file_inode(f, &e->ino, &e->dev, &mode, e->fstype);
				rt_file_name(f, e->name, sizeof(e->name));
			}
		}
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

	if (!c || c->call < CALL_STATFS || c->call > CALL_STATX)
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

static __always_inline int exit_unlink(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct rt_file_unlink *e;
	__u64 id;
	void *ring;

	if (!c || c->call < CALL_UNLINK || c->call > CALL_RMDIR)
		return 0;
	e = rt_reserve(struct rt_file_unlink, ring);
	if (e) {
		id = bpf_get_current_pid_tgid();
		e->kind = RT_KIND_FILE_UNLINK;
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

static __always_inline void user_str(char *dst, __u32 size, __u64 src)
{
	if (!src || bpf_probe_read_user_str(dst, size, (const void *)src) < 0)
		dst[0] = 0;
}

static __always_inline int exit_mount(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct task_struct *task;
	struct rt_file_mount *e;
	__u64 id;
	void *ring;

	if (!c || c->call < CALL_MOUNT || c->call > CALL_MOVE_MOUNT)
		return 0;
	e = rt_reserve(struct rt_file_mount, ring);
	if (e) {
		id = bpf_get_current_pid_tgid();
		task = (struct task_struct *)bpf_get_current_task();
		e->kind = RT_KIND_FILE_MOUNT;
		e->ts_enter = c->ts_enter;
		e->ts = bpf_ktime_get_ns();
		e->ret = ret;
		e->flags = c->flags;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		e->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
		call_name(e->call, c->call);
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		user_str(e->source, sizeof(e->source), c->path);
		user_str(e->target, sizeof(e->target), c->target);
		user_str(e->fstype, sizeof(e->fstype), c->type);
		user_str(e->data, sizeof(e->data), c->data);
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

RT_SYSCALL_EXIT(open, exit_open)

SEC("tracepoint/syscalls/sys_enter_creat")
int tracepoint__syscalls__sys_enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	/* creat(path, mode) is open(path, O_CREAT|O_WRONLY|O_TRUNC, mode). */
	return enter(CALL_CREAT, RT_AT_FDCWD, (const void *)ctx->args[0], 01 | 0100 | 01000,
		     ctx->args[1]);
}

RT_SYSCALL_EXIT(creat, exit_open)

SEC("tracepoint/syscalls/sys_enter_openat")
int tracepoint__syscalls__sys_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_OPENAT, ctx->args[0], (const void *)ctx->args[1], ctx->args[2],
		     ctx->args[3]);
}

RT_SYSCALL_EXIT(openat, exit_open)

SEC("tracepoint/syscalls/sys_enter_openat2")
int tracepoint__syscalls__sys_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};

	/* openat2(dfd, path, how, size): flags and mode are in user memory. */
	bpf_probe_read_user(&how, sizeof(how), (const void *)ctx->args[2]);
	return enter(CALL_OPENAT2, ctx->args[0], (const void *)ctx->args[1], how.flags,
		     how.mode);
}

RT_SYSCALL_EXIT(openat2, exit_open)

SEC("tracepoint/syscalls/sys_enter_sync")
int tracepoint__syscalls__sys_enter_sync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_SYNC, -1, 0, 0, 0);
}

RT_SYSCALL_EXIT(sync, exit_sync)

SEC("tracepoint/syscalls/sys_enter_syncfs")
int tracepoint__syscalls__sys_enter_syncfs(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_SYNCFS, ctx->args[0], 0, 0, 0);
}

RT_SYSCALL_EXIT(syncfs, exit_sync)

SEC("tracepoint/syscalls/sys_enter_fsync")
int tracepoint__syscalls__sys_enter_fsync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_FSYNC, ctx->args[0], 0, 0, 0);
}

RT_SYSCALL_EXIT(fsync, exit_sync)

SEC("tracepoint/syscalls/sys_enter_fdatasync")
int tracepoint__syscalls__sys_enter_fdatasync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_FDATASYNC, ctx->args[0], 0, 0, 0);
}

RT_SYSCALL_EXIT(fdatasync, exit_sync)

SEC("tracepoint/syscalls/sys_enter_sync_file_range")
int tracepoint__syscalls__sys_enter_sync_file_range(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_SYNC_FILE_RANGE, ctx->args[0], 0, 0, 0);
}

RT_SYSCALL_EXIT(sync_file_range, exit_sync)

SEC("tracepoint/syscalls/sys_enter_msync")
int tracepoint__syscalls__sys_enter_msync(struct trace_event_raw_sys_enter *ctx)
{
	/* msync(addr, len, flags) has no file descriptor. */
	return enter(CALL_MSYNC, -1, 0, 0, 0);
}

RT_SYSCALL_EXIT(msync, exit_sync)

/* The stat family with a path and a paired exit on this kernel's syscall
 * table (stat and lstat have no exit tracepoint here; glibc's stat() is
 * newfstatat or statx). */
SEC("tracepoint/syscalls/sys_enter_statfs")
int tracepoint__syscalls__sys_enter_statfs(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_STATFS, RT_AT_FDCWD, (const void *)ctx->args[0], 0, 0);
}

RT_SYSCALL_EXIT(statfs, exit_stat)

SEC("tracepoint/syscalls/sys_enter_newfstatat")
int tracepoint__syscalls__sys_enter_newfstatat(struct trace_event_raw_sys_enter *ctx)
{
	/* newfstatat(dfd, path, statbuf, flags) */
	return enter(CALL_NEWFSTATAT, ctx->args[0], (const void *)ctx->args[1], ctx->args[3], 0);
}

RT_SYSCALL_EXIT(newfstatat, exit_stat)

SEC("tracepoint/syscalls/sys_enter_statx")
int tracepoint__syscalls__sys_enter_statx(struct trace_event_raw_sys_enter *ctx)
{
	/* statx(dfd, path, flags, mask, statxbuf) */
	return enter(CALL_STATX, ctx->args[0], (const void *)ctx->args[1], ctx->args[2], 0);
}

RT_SYSCALL_EXIT(statx, exit_stat)

/* unlink(path), unlinkat(dfd, path, flags), rmdir(path) */
SEC("tracepoint/syscalls/sys_enter_unlink")
int tracepoint__syscalls__sys_enter_unlink(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_UNLINK, RT_AT_FDCWD, (const void *)ctx->args[0], 0, 0);
}

RT_SYSCALL_EXIT(unlink, exit_unlink)

SEC("tracepoint/syscalls/sys_enter_unlinkat")
int tracepoint__syscalls__sys_enter_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_UNLINKAT, ctx->args[0], (const void *)ctx->args[1], ctx->args[2], 0);
}

RT_SYSCALL_EXIT(unlinkat, exit_unlink)

SEC("tracepoint/syscalls/sys_enter_rmdir")
int tracepoint__syscalls__sys_enter_rmdir(struct trace_event_raw_sys_enter *ctx)
{
	/* rmdir(path) is unlinkat(AT_FDCWD, path, AT_REMOVEDIR). */
	return enter(CALL_RMDIR, RT_AT_FDCWD, (const void *)ctx->args[0], 0x200, 0);
}

RT_SYSCALL_EXIT(rmdir, exit_unlink)

/* mount(source, target, type, flags, data) */
SEC("tracepoint/syscalls/sys_enter_mount")
int tracepoint__syscalls__sys_enter_mount(struct trace_event_raw_sys_enter *ctx)
{
	return enter_mount(CALL_MOUNT, (const void *)ctx->args[0], (const void *)ctx->args[1],
			   (const void *)ctx->args[2], (const void *)ctx->args[4], ctx->args[3]);
}

RT_SYSCALL_EXIT(mount, exit_mount)

/* umount(target, flags): umount2(2); the target is kept as the mount's. */
SEC("tracepoint/syscalls/sys_enter_umount")
int tracepoint__syscalls__sys_enter_umount(struct trace_event_raw_sys_enter *ctx)
{
	return enter_mount(CALL_UMOUNT, 0, (const void *)ctx->args[0], 0, 0, ctx->args[1]);
}

RT_SYSCALL_EXIT(umount, exit_mount)

/* fsopen(fs_name, flags): the new mount API's first step, the type. */
SEC("tracepoint/syscalls/sys_enter_fsopen")
int tracepoint__syscalls__sys_enter_fsopen(struct trace_event_raw_sys_enter *ctx)
{
	return enter_mount(CALL_FSOPEN, 0, 0, (const void *)ctx->args[0], 0, ctx->args[1]);
}

RT_SYSCALL_EXIT(fsopen, exit_mount)

/* fsmount(fs_fd, flags, attr_flags) */
SEC("tracepoint/syscalls/sys_enter_fsmount")
int tracepoint__syscalls__sys_enter_fsmount(struct trace_event_raw_sys_enter *ctx)
{
	return enter_mount(CALL_FSMOUNT, 0, 0, 0, 0, ctx->args[1]);
}

RT_SYSCALL_EXIT(fsmount, exit_mount)

/* move_mount(from_dfd, from_path, to_dfd, to_path, flags): attaches a mount. */
SEC("tracepoint/syscalls/sys_enter_move_mount")
int tracepoint__syscalls__sys_enter_move_mount(struct trace_event_raw_sys_enter *ctx)
{
	return enter_mount(CALL_MOVE_MOUNT, (const void *)ctx->args[1], (const void *)ctx->args[3],
			   0, 0, ctx->args[4]);
}

RT_SYSCALL_EXIT(move_mount, exit_mount)

/* mmap(addr, len, prot, flags, fd, off): the exit records it. The in_call's
 * pointer slots carry len and off, its flags prot << 32 | flags. */
SEC("tracepoint/syscalls/sys_enter_mmap")
int tracepoint__syscalls__sys_enter_mmap(struct trace_event_raw_sys_enter *ctx)
{
	struct in_call *c;

	enter(CALL_MMAP, ctx->args[4], (const void *)ctx->args[1],
	      (ctx->args[2] << 32) | (__u32)ctx->args[3], 0);
	c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	if (c && c->call == CALL_MMAP)
		c->target = ctx->args[5];
	return 0;
}

static __always_inline int exit_mmap(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct rt_file_mmap *e;
	struct file *f = NULL;
	__u64 id;
	void *ring;

	if (!c || c->call != CALL_MMAP)
		return 0;
	e = rt_reserve(struct rt_file_mmap, ring);
	if (e) {
		id = bpf_get_current_pid_tgid();
		e->kind = RT_KIND_FILE_MMAP;
		e->ts_enter = c->ts_enter;
		e->ts = bpf_ktime_get_ns();
		e->ret = ret;
		e->len = c->path;
		e->off = c->target;
		e->prot = c->flags >> 32;
		e->flags = (__u32)c->flags;
		e->fd = c->fd;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		e->ino = 0;
		e->dev = 0;
		e->imode = 0;
		e->fstype[0] = 0;
		__builtin_memset(e->path, 0, sizeof(e->path));
		/* MAP_ANONYMOUS (0x20) ignores the fd. */
		if (!(e->flags & 0x20))
			f = rt_fd_file(c->fd);
		if (f) {
			rt_file_inode(f, &e->ino, &e->dev, &e->imode, e->fstype);
			rt_dentry_path(BPF_CORE_READ(f, f_path.dentry), e->path);
		}
		rt_submit(ring, e);
	}
	c->call = CALL_NONE;
	return 0;
}

RT_SYSCALL_EXIT(mmap, exit_mmap)

/* The rename family: rename(old, new), renameat(olddfd, old, newdfd, new),
 * renameat2(olddfd, old, newdfd, new, flags). The in_call's path and target
 * carry the two paths, fd and mode the two directory fds; read at exit. */
static __always_inline int enter_rename(__u32 call, __s32 olddfd, const void *old, __s32 newdfd,
					const void *new, __u64 flags)
{
	struct in_call *c;

	enter(call, olddfd, old, flags, (__u32)newdfd);
	c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	if (c && c->call == call)
		c->target = (__u64)new;
	return 0;
}

static __always_inline int exit_rename(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct rt_file_rename *e;
	__u64 id;
	void *ring;

	if (!c || c->call < CALL_RENAME || c->call > CALL_RENAMEAT2)
		return 0;
	e = rt_reserve(struct rt_file_rename, ring);
	if (e) {
		id = bpf_get_current_pid_tgid();
		e->kind = RT_KIND_FILE_RENAME;
		e->ts_enter = c->ts_enter;
		e->ts = bpf_ktime_get_ns();
		e->ret = ret;
		e->olddfd = c->fd;
		e->newdfd = (__s32)c->mode;
		e->flags = c->flags;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		call_name(e->call, c->call);
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		user_str(e->old_path, sizeof(e->old_path), c->path);
		user_str(e->new_path, sizeof(e->new_path), c->target);
		rt_submit(ring, e);
	}
	c->call = CALL_NONE;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_rename")
int tracepoint__syscalls__sys_enter_rename(struct trace_event_raw_sys_enter *ctx)
{
	return enter_rename(CALL_RENAME, RT_AT_FDCWD, (const void *)ctx->args[0], RT_AT_FDCWD,
			    (const void *)ctx->args[1], 0);
}

RT_SYSCALL_EXIT(rename, exit_rename)

SEC("tracepoint/syscalls/sys_enter_renameat")
int tracepoint__syscalls__sys_enter_renameat(struct trace_event_raw_sys_enter *ctx)
{
	return enter_rename(CALL_RENAMEAT, ctx->args[0], (const void *)ctx->args[1], ctx->args[2],
			    (const void *)ctx->args[3], 0);
}

RT_SYSCALL_EXIT(renameat, exit_rename)

SEC("tracepoint/syscalls/sys_enter_renameat2")
int tracepoint__syscalls__sys_enter_renameat2(struct trace_event_raw_sys_enter *ctx)
{
	return enter_rename(CALL_RENAMEAT2, ctx->args[0], (const void *)ctx->args[1], ctx->args[2],
			    (const void *)ctx->args[3], ctx->args[4]);
}

RT_SYSCALL_EXIT(renameat2, exit_rename)
