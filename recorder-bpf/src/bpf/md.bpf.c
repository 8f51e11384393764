// SPDX-License-Identifier: GPL-2.0
/* Source `md`: flushes of software RAID (md) devices, at md_flush_request, the
 * kernel function the book's mdflush traces (md has no tracepoint for it): who
 * asked, and the md device. Table: md_flush (schemas/src/catalog/md.rs).
 *
 * A kernel function needs fentry (BTF trampolines) or a kprobe, and md must be
 * built in or loaded: on a kernel without them (this project's CI VM has neither
 * kprobes nor md) nothing attaches and the manifest says so. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_md_kinds {
	RT_KIND_MD_FLUSH = 1,
};

struct rt_md_flush {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__u32 pad;
	char comm[16];
	char disk[32];
};

RT_KINDS(rt_md_kinds);
RT_RECORD(rt_md_flush);

/* md_flush_request(struct mddev *mddev, struct bio *bio): the bio is addressed to
 * the md device itself. */
RT_KFUNC(md_flush_request, void *mddev, struct bio *bio)
{
	struct rt_md_flush *e;
	void *ring;
	__u64 id;

	e = rt_reserve(struct rt_md_flush, ring);
	if (!e)
		return 0;
	id = bpf_get_current_pid_tgid();
	e->kind = RT_KIND_MD_FLUSH;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (BPF_CORE_READ_STR_INTO(&e->disk, bio, bi_bdev, bd_disk, disk_name) < 0)
		e->disk[0] = 0;
	rt_submit(ring, e);
	return 0;
}
