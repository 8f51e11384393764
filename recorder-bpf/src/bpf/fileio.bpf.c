// SPDX-License-Identifier: GPL-2.0
/* Source `fileio`: reads and writes at the system call (read, write, pread64,
 * pwrite64, readv, writev, preadv, pwritev, preadv2, pwritev2), one record per
 * call with both times, the bytes asked for and moved, and the file behind the
 * descriptor. Table: file_io (schemas/src/catalog/fileio.rs).
 *
 * The descriptor is resolved to its `struct file` at entry, in the caller's fd
 * table, while the call holds a reference to it: inode number, device and type
 * of the file system (from the superblock), the file's mode and open flags, and
 * the dentry's name. That is what filetop, fileslower, filetype, fsrwstat,
 * vfssize and writesync need, from system calls alone, on a kernel without
 * kprobes or fentry (the VFS functions they trace live). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"
#include "file.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The recorder's own process: its Parquet writes are left out, or each row
 * written would record more rows. Set before load. */
const volatile __u32 exclude_tgid = 0;

enum rt_fileio_kinds {
	RT_KIND_FILE_IO = 1,
};

/* The kernel's dev_t: major << MINORBITS | minor (include/linux/kdev_t.h); the
 * recorder splits `dev` with it. */
enum rt_fileio_const {
	RT_DEV_MINORBITS = 20,
};

struct rt_file_io {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_enter;
	__s64 ret;
	__u64 count;
	__s64 pos;
	__u64 ino;
	__u32 dev;
	__u32 mode;
	__u32 flags;
	__u32 tid;
	__s32 fd;
	__u32 write;
	char call[16];
	char comm[16];
	char fstype[16];
	char name[64];
};

RT_KINDS(rt_fileio_kinds);
RT_KINDS(rt_fileio_const);
RT_RECORD(rt_file_io);

enum call_id {
	CALL_NONE = 0,
	CALL_READ,
	CALL_PREAD64,
	CALL_READV,
	CALL_PREADV,
	CALL_PREADV2,
	/* Writes from here on. */
	CALL_WRITE,
	CALL_PWRITE64,
	CALL_WRITEV,
	CALL_PWRITEV,
	CALL_PWRITEV2,
};

/* What the exit needs: the entry's time and the file as it was at entry. The
 * record is built here and completed at exit, so the exit only copies it. */
struct in_call {
	__u32 call;
	__u32 pad;
	struct rt_file_io rec;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct in_call);
} calls SEC(".maps");

static __always_inline void call_name(char *dst, __u32 call)
{
	const char *n;

	switch (call) {
	case CALL_READ: n = "read"; break;
	case CALL_PREAD64: n = "pread64"; break;
	case CALL_READV: n = "readv"; break;
	case CALL_PREADV: n = "preadv"; break;
	case CALL_PREADV2: n = "preadv2"; break;
	case CALL_WRITE: n = "write"; break;
	case CALL_PWRITE64: n = "pwrite64"; break;
	case CALL_WRITEV: n = "writev"; break;
	case CALL_PWRITEV: n = "pwritev"; break;
	case CALL_PWRITEV2: n = "pwritev2"; break;
	default: n = "?"; break;
	}
	bpf_probe_read_kernel_str(dst, 16, n);
}

/* Vector calls: the bytes asked for are the sum of the iovecs' lengths; the
 * first 16 are added (UIO_FASTIOV is 8; longer vectors are rare). */
#define RT_IOV_MAX 16

static __always_inline __u64 iov_bytes(const struct iovec *iov, unsigned long n)
{
	__u64 sum = 0;

	for (int i = 0; i < RT_IOV_MAX; i++) {
		struct iovec v;

		if (i >= n)
			break;
		if (bpf_probe_read_user(&v, sizeof(v), &iov[i]) < 0)
			break;
		sum += v.iov_len;
	}
	return sum;
}

/* `pos` < 0: the call uses (and moves) the file's own position. */
static __always_inline int enter(__u32 call, int fd, __u64 count, __s64 pos)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct in_call *c;
	struct rt_file_io *r;
	struct file *f;

	if ((id >> 32) == exclude_tgid || !rt_current_passes())
		return 0;
	c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return 0;
	r = &c->rec;
	c->call = call;
	r->ts_enter = bpf_ktime_get_ns();
	r->fd = fd;
	r->count = count;
	r->write = call >= CALL_WRITE;
	r->ino = 0;
	r->dev = 0;
	r->mode = 0;
	r->flags = 0;
	r->pos = pos;
	r->fstype[0] = 0;
	r->name[0] = 0;
	f = rt_fd_file(fd);
	if (!f)
		return 0;
	rt_file_inode(f, &r->ino, &r->dev, &r->mode, r->fstype);
	rt_file_name(f, r->name, sizeof(r->name));
	r->flags = BPF_CORE_READ(f, f_flags);
	if (pos < 0)
		r->pos = BPF_CORE_READ(f, f_pos);
	return 0;
}

static __always_inline int leave(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct rt_file_io *e;
	__u64 id;
	void *ring;

	if (!c || c->call == CALL_NONE)
		return 0;
	e = rt_reserve(struct rt_file_io, ring);
	if (e) {
		__builtin_memcpy(e, &c->rec, sizeof(*e));
		id = bpf_get_current_pid_tgid();
		e->kind = RT_KIND_FILE_IO;
		e->ts = bpf_ktime_get_ns();
		e->ret = ret;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		call_name(e->call, c->call);
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		rt_submit(ring, e);
	}
	c->call = CALL_NONE;
	return 0;
}

/* read(fd, buf, count), write(fd, buf, count) */
SEC("tracepoint/syscalls/sys_enter_read")
int tracepoint__syscalls__sys_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_READ, ctx->args[0], ctx->args[2], -1);
}
RT_SYSCALL_EXIT(read, leave)

SEC("tracepoint/syscalls/sys_enter_write")
int tracepoint__syscalls__sys_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_WRITE, ctx->args[0], ctx->args[2], -1);
}
RT_SYSCALL_EXIT(write, leave)

/* pread64(fd, buf, count, pos), pwrite64(fd, buf, count, pos) */
SEC("tracepoint/syscalls/sys_enter_pread64")
int tracepoint__syscalls__sys_enter_pread64(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_PREAD64, ctx->args[0], ctx->args[2], ctx->args[3]);
}
RT_SYSCALL_EXIT(pread64, leave)

SEC("tracepoint/syscalls/sys_enter_pwrite64")
int tracepoint__syscalls__sys_enter_pwrite64(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_PWRITE64, ctx->args[0], ctx->args[2], ctx->args[3]);
}
RT_SYSCALL_EXIT(pwrite64, leave)

/* readv(fd, vec, vlen), writev(fd, vec, vlen) */
SEC("tracepoint/syscalls/sys_enter_readv")
int tracepoint__syscalls__sys_enter_readv(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_READV, ctx->args[0],
		     iov_bytes((const struct iovec *)ctx->args[1], ctx->args[2]), -1);
}
RT_SYSCALL_EXIT(readv, leave)

SEC("tracepoint/syscalls/sys_enter_writev")
int tracepoint__syscalls__sys_enter_writev(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_WRITEV, ctx->args[0],
		     iov_bytes((const struct iovec *)ctx->args[1], ctx->args[2]), -1);
}
RT_SYSCALL_EXIT(writev, leave)

/* preadv(fd, vec, vlen, pos_l, pos_h): on 64-bit, pos_l is the whole offset. */
SEC("tracepoint/syscalls/sys_enter_preadv")
int tracepoint__syscalls__sys_enter_preadv(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_PREADV, ctx->args[0],
		     iov_bytes((const struct iovec *)ctx->args[1], ctx->args[2]), ctx->args[3]);
}
RT_SYSCALL_EXIT(preadv, leave)

SEC("tracepoint/syscalls/sys_enter_pwritev")
int tracepoint__syscalls__sys_enter_pwritev(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_PWRITEV, ctx->args[0],
		     iov_bytes((const struct iovec *)ctx->args[1], ctx->args[2]), ctx->args[3]);
}
RT_SYSCALL_EXIT(pwritev, leave)

/* preadv2(fd, vec, vlen, pos_l, pos_h, flags): offset -1 is the file position. */
SEC("tracepoint/syscalls/sys_enter_preadv2")
int tracepoint__syscalls__sys_enter_preadv2(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_PREADV2, ctx->args[0],
		     iov_bytes((const struct iovec *)ctx->args[1], ctx->args[2]), ctx->args[3]);
}
RT_SYSCALL_EXIT(preadv2, leave)

SEC("tracepoint/syscalls/sys_enter_pwritev2")
int tracepoint__syscalls__sys_enter_pwritev2(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_PWRITEV2, ctx->args[0],
		     iov_bytes((const struct iovec *)ctx->args[1], ctx->args[2]), ctx->args[3]);
}
RT_SYSCALL_EXIT(pwritev2, leave)
