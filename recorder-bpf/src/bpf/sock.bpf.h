/* Socket helpers shared by the network sources: a socket's endpoints read from
 * its sock_common (the same for a full socket, a request socket and a
 * time-wait one). */
#ifndef SOCK_BPF_H
#define SOCK_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define RT_AF_INET 2
#define RT_AF_INET6 10
#define RT_IPPROTO_TCP 6

/* A socket's endpoints, as every network record carries them: local (source)
 * and remote (destination) port in host byte order, and addresses as 16 bytes
 * (an IPv4 one in the first 4), read from its sock_common; `full` for a full
 * socket (struct inet_sock), not a request socket. */
static __always_inline void rt_read_endpoints(const struct sock_common *skc, bool full, __u16 *family,
					      __u16 *sport, __u16 *dport, __u8 *saddr,
					      __u8 *daddr)
{
	*family = BPF_CORE_READ(skc, skc_family);
	*sport = BPF_CORE_READ(skc, skc_num);
	if (full) {
		/* A full socket's own port survives its unhashing at close (skc_num
		 * does not), as the kernel's tracepoints report it. */
		*sport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)skc, inet_sport));
	}
	*dport = bpf_ntohs(BPF_CORE_READ(skc, skc_dport));
	if (*family == RT_AF_INET6) {
		BPF_CORE_READ_INTO((struct in6_addr *)saddr, skc, skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)daddr, skc, skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__u32 *)saddr, skc, skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)daddr, skc, skc_daddr);
	}
}

/* The socket of one of the current task's file descriptors; NULL when it is not
 * a socket's (a failed call may name any descriptor). */
static __always_inline struct sock *fd_sock(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	struct file *file = NULL;
	struct socket *sock;

	if (fd < 0 || bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & 0170000) != 0140000) /* S_IFSOCK */
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

#endif
