// SPDX-License-Identifier: GPL-2.0
/* Source `sockio`: every send and receive call on an IPv4 or IPv6 socket, at the
 * sock:sock_send_length and sock:sock_recv_length tracepoints (the return of the
 * protocol's sendmsg/recvmsg, in the calling task), with the socket's endpoints
 * and the bytes moved. Table: sock_io (schemas/src/catalog/sockio.rs). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"
#include "sock.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_sockio_kinds {
	RT_KIND_SOCK_IO = 1,
};

struct rt_sock_io {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__s32 ret;
	__u64 skaddr;
	__u32 flags;
	__u16 protocol;
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u8 recv;
	__u8 pad[3];
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[16];
};

RT_KINDS(rt_sockio_kinds);
RT_RECORD(rt_sock_io);

static __always_inline int sock_io(const struct sock *sk, int ret, int flags, bool recv)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	struct rt_sock_io *e;
	__u64 id;
	void *ring;

	if ((family != RT_AF_INET && family != RT_AF_INET6) || !rt_current_passes())
		return 0;
	e = rt_reserve(struct rt_sock_io, ring);
	if (!e)
		return 0;
	id = bpf_get_current_pid_tgid();
	e->kind = RT_KIND_SOCK_IO;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ret = ret;
	e->skaddr = (__u64)sk;
	e->flags = flags;
	e->protocol = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	e->recv = recv;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	__builtin_memset(e->saddr, 0, sizeof(e->saddr));
	__builtin_memset(e->daddr, 0, sizeof(e->daddr));
	rt_read_endpoints(&sk->__sk_common, true, &e->family, &e->sport, &e->dport, e->saddr, e->daddr);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	rt_submit(ring, e);
	return 0;
}

RT_TRACEPOINT(sock_send_length, struct sock *sk, int ret, int flags)
{
	return sock_io(sk, ret, flags, false);
}

RT_TRACEPOINT(sock_recv_length, struct sock *sk, int ret, int flags)
{
	return sock_io(sk, ret, flags, true);
}
