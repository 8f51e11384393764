/* A file descriptor of the current task resolved to its open file, and what the
 * file-system tools need to know of that file: inode number, device and type of
 * its file system (from the superblock), mode, open flags and name. Used at a
 * system call, where the caller's fd table holds the file. Read with
 * BPF_CORE_READ: the syscalls tracepoints are not BTF-typed programs. */
#ifndef FILE_BPF_H
#define FILE_BPF_H

#include <bpf/bpf_core_read.h>

/* The open file behind `fd` in the current task's table, or NULL. */
static __always_inline struct file *rt_fd_file(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) < 0)
		return NULL;
	return f;
}

/* The inode's identity and file-system type; `fstype` holds 16 bytes. */
static __always_inline void rt_file_inode(struct file *f, __u64 *ino, __u32 *dev, __u32 *mode,
					  char *fstype)
{
	struct inode *inode = BPF_CORE_READ(f, f_inode);
	const char *s = BPF_CORE_READ(inode, i_sb, s_type, name);

	*ino = BPF_CORE_READ(inode, i_ino);
	*mode = BPF_CORE_READ(inode, i_mode);
	*dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (bpf_probe_read_kernel_str(fstype, 16, s) < 0)
		fstype[0] = 0;
}

/* The file's name (its dentry's), up to `size` bytes with the NUL. */
static __always_inline void rt_file_name(struct file *f, char *name, __u32 size)
{
	struct dentry *dentry = BPF_CORE_READ(f, f_path.dentry);
	const char *s = (const char *)BPF_CORE_READ(dentry, d_name.name);

	if (bpf_probe_read_kernel_str(name, size, s) < 0)
		name[0] = 0;
}

/* The path of a dentry within its file system, from a bounded walk up its
 * parents: RT_PATH_DEPTH names of RT_PATH_SLOT bytes, the dentry's first, then
 * each parent's, until the file system's root (named "/", its own parent) is
 * written. Unused slots are left empty (`out` must start zeroed); user space joins
 * the names (the `dentry_path` decoder) and marks a walk that stopped short. */
#define RT_PATH_SLOT 32
#define RT_PATH_DEPTH 8

static __always_inline void rt_dentry_path(struct dentry *d, char *out)
{
#pragma unroll
	for (int i = 0; i < RT_PATH_DEPTH; i++) {
		struct dentry *parent;
		const char *s;

		if (!d)
			return;
		s = (const char *)BPF_CORE_READ(d, d_name.name);
		if (bpf_probe_read_kernel_str(out + i * RT_PATH_SLOT, RT_PATH_SLOT, s) < 0)
			return;
		parent = BPF_CORE_READ(d, d_parent);
		if (parent == d)
			return;
		d = parent;
	}
}

#endif
