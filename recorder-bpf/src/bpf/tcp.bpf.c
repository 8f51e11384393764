// SPDX-License-Identifier: GPL-2.0
/* Source `tcp`: TCP sessions from their state changes (inet_sock_set_state, with
 * the socket's byte and retransmit counters read at each change), retransmits
 * (tcp_retransmit_skb, tcp_retransmit_synack) and accepted connections (the
 * accept(2)/accept4(2) return, where the accepting task is known). Tables:
 * tcp_state, tcp_retransmit, tcp_accept (schemas/src/catalog/tcp.rs).
 *
 * Every record carries the task current when it was made: for a change made by
 * a system call (connect, listen, close, shutdown) the socket's owner; for one
 * made by an arriving packet (softirq), whatever task the interrupt found, as
 * the live tools show it. Which is which cannot be told here: the kernel's
 * preempt count is a per-CPU symbol that kernels without CONFIG_KALLSYMS_ALL do
 * not let a program read, and a classic tracepoint's context flags are not
 * readable by BPF. The tools take a session's task from the changes only
 * system calls make. For the same reason --pid/--comm do not filter state
 * changes and retransmits (a session's changes are made by its task and by
 * softirq alike: they are kept whole; the tools filter by the session's task);
 * they filter accepts. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"
#include "sock.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_tcp_kinds {
	RT_KIND_TCP_STATE = 1,
	RT_KIND_TCP_RETRANSMIT = 2,
	RT_KIND_TCP_ACCEPT = 3,
};

struct rt_tcp_state {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__s32 oldstate;
	__s32 newstate;
	__u16 protocol;
	__u16 family;
	__u64 skaddr;
	__u16 sport;
	__u16 dport;
	__u32 total_retrans;
	__u8 saddr[16];
	__u8 daddr[16];
	__u64 bytes_acked;
	__u64 bytes_received;
	__u32 srtt_us;
	__u32 pad;
	char comm[16];
};

struct rt_tcp_retransmit {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__s32 state;
	__u64 skaddr;
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u8 synack;
	__u8 pad;
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[16];
};

struct rt_tcp_accept {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__s32 fd;
	__u64 skaddr;
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[16];
};

RT_KINDS(rt_tcp_kinds);
RT_RECORD(rt_tcp_state);
RT_RECORD(rt_tcp_retransmit);
RT_RECORD(rt_tcp_accept);

/* pid, tid and comm of the current task. */
#define rt_fill_task(e)                                                        \
	do {                                                                   \
		__u64 __id = bpf_get_current_pid_tgid();                       \
		(e)->pid = __id >> 32;                                         \
		(e)->tid = (__u32)__id;                                        \
		bpf_get_current_comm((e)->comm, sizeof((e)->comm));            \
	} while (0)

RT_TRACEPOINT(inet_sock_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct rt_tcp_state *e;
	void *ring;

	e = rt_reserve(struct rt_tcp_state, ring);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = RT_KIND_TCP_STATE;
	e->ts = bpf_ktime_get_ns();
	rt_fill_task(e);
	e->oldstate = oldstate;
	e->newstate = newstate;
	e->protocol = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	e->skaddr = (__u64)sk;
	rt_read_endpoints(&sk->__sk_common, true, &e->family, &e->sport, &e->dport, e->saddr, e->daddr);
	if (e->protocol == RT_IPPROTO_TCP) {
		const struct tcp_sock *tp = (const struct tcp_sock *)sk;

		e->bytes_acked = BPF_CORE_READ(tp, bytes_acked);
		e->bytes_received = BPF_CORE_READ(tp, bytes_received);
		e->total_retrans = BPF_CORE_READ(tp, total_retrans);
		e->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	}
	rt_submit(ring, e);
	return 0;
}

static __always_inline int retransmit(const void *skaddr, const struct sock_common *endpoints,
				      int state, bool synack)
{
	struct rt_tcp_retransmit *e;
	void *ring;

	e = rt_reserve(struct rt_tcp_retransmit, ring);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = RT_KIND_TCP_RETRANSMIT;
	e->ts = bpf_ktime_get_ns();
	rt_fill_task(e);
	e->state = state;
	e->skaddr = (__u64)skaddr;
	e->synack = synack;
	rt_read_endpoints(endpoints, !synack, &e->family, &e->sport, &e->dport, e->saddr, e->daddr);
	rt_submit(ring, e);
	return 0;
}

RT_TRACEPOINT(tcp_retransmit_skb, const struct sock *sk, const struct sk_buff *skb)
{
	return retransmit(sk, &sk->__sk_common, BPF_CORE_READ(sk, __sk_common.skc_state), false);
}

/* A SYN-ACK sent again for a request socket (its endpoints are the request's;
 * skaddr is the listener). */
RT_TRACEPOINT(tcp_retransmit_synack, const struct sock *sk, const struct request_sock *req)
{
	return retransmit(sk, &req->__req_common, TCP_NEW_SYN_RECV, true);
}

static __always_inline int exit_accept(long ret)
{
	struct rt_tcp_accept *e;
	struct sock *sk;
	__u16 family;
	void *ring;

	if (ret < 0 || !rt_current_passes())
		return 0;
	sk = fd_sock(ret);
	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if ((family != RT_AF_INET && family != RT_AF_INET6) ||
	    BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != RT_IPPROTO_TCP)
		return 0;
	e = rt_reserve(struct rt_tcp_accept, ring);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = RT_KIND_TCP_ACCEPT;
	e->ts = bpf_ktime_get_ns();
	rt_fill_task(e);
	e->fd = ret;
	e->skaddr = (__u64)sk;
	rt_read_endpoints(&sk->__sk_common, true, &e->family, &e->sport, &e->dport, e->saddr, e->daddr);
	rt_submit(ring, e);
	return 0;
}

RT_SYSCALL_EXIT(accept, exit_accept)
RT_SYSCALL_EXIT(accept4, exit_accept)
