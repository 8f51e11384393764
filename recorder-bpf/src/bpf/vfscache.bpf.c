// SPDX-License-Identifier: GPL-2.0
/* Source `vfscache`: the dentry cache and the inode cache at the kernel functions
 * the book's dcstat, dcsnoop and icstat trace (no tracepoint covers them):
 *   lookup_fast          a path component looked up in the dentry cache (a reference)
 *   d_lookup             the slower hash lookup, when the fast one found nothing
 *   d_lookup's return    NULL returned: a miss
 *   find_inode_fast and return  an inode looked up in the inode cache; NULL: a miss
 * one record per event (references carry the component's name, dentry misses the
 * name that missed). Table: vfs_cache (schemas/src/catalog/vfscache.rs).
 *
 * These are kernel functions, so they need fentry/fexit (BTF trampolines) or
 * kprobes: a kernel with neither (this project's CI VM) records nothing here and
 * the manifest says so. lookup_fast and find_inode_fast are static functions a
 * compiler may inline, in which case there is nothing to attach to either. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_vfscache_kinds {
	RT_KIND_VFS_CACHE = 1,
};

struct rt_vfs_cache {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__u32 pad;
	char event[16];
	char comm[16];
	char name[32];
};

RT_KINDS(rt_vfscache_kinds);
RT_RECORD(rt_vfs_cache);

/* The name d_lookup was asked for, from its entry to its return, per thread. */
struct asked {
	__u64 name;
	__u32 len;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct asked);
} d_lookup_names SEC(".maps");

/* `len`: the name's length when known (a qstr's: its name points into the whole
 * path, so only len bytes are the component), else 0 to read up to the NUL. */
static __always_inline int vfs_cache(const char *event, const void *name, __u32 len)
{
	struct rt_vfs_cache *e;
	void *ring;
	__u64 id;

	if (!rt_current_passes())
		return 0;
	e = rt_reserve(struct rt_vfs_cache, ring);
	if (!e)
		return 0;
	id = bpf_get_current_pid_tgid();
	e->kind = RT_KIND_VFS_CACHE;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->event, sizeof(e->event), event);
	if (!name || bpf_probe_read_kernel_str(e->name, sizeof(e->name), name) < 0)
		e->name[0] = 0;
	else if (len && len < sizeof(e->name))
		e->name[len & (sizeof(e->name) - 1)] = 0;
	rt_submit(ring, e);
	return 0;
}

RT_KFUNC(lookup_fast, struct nameidata *nd)
{
	return vfs_cache("dentry_ref", BPF_CORE_READ(nd, last.name), BPF_CORE_READ(nd, last.len));
}

RT_KFUNC(d_lookup, const struct dentry *parent, const struct qstr *name)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct asked a = {
		.name = (__u64)BPF_CORE_READ(name, name),
		.len = BPF_CORE_READ(name, len),
	};

	bpf_map_update_elem(&d_lookup_names, &tid, &a, BPF_ANY);
	return vfs_cache("dentry_slow", (const void *)a.name, a.len);
}

RT_KRETFUNC(d_lookup)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct asked *a = bpf_map_lookup_elem(&d_lookup_names, &tid);

	if (ret == 0 && a)
		vfs_cache("dentry_miss", (const void *)a->name, a->len);
	else if (ret == 0)
		vfs_cache("dentry_miss", NULL, 0);
	bpf_map_delete_elem(&d_lookup_names, &tid);
	return 0;
}

RT_KFUNC(find_inode_fast, struct super_block *sb)
{
	return vfs_cache("inode_ref", NULL, 0);
}

RT_KRETFUNC(find_inode_fast)
{
	if (ret == 0)
		vfs_cache("inode_miss", NULL, 0);
	return 0;
}
