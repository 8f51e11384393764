// SPDX-License-Identifier: GPL-2.0
/* Source `tcpprobe`: the sender's view of every established TCP socket at each
 * segment it receives (tcp:tcp_probe, in tcp_rcv_established): smoothed RTT,
 * congestion window, slow-start threshold, send and receive windows, sequence
 * numbers and the segment's payload. One record per incoming segment: opt-in.
 * Table: tcp_probe (schemas/src/catalog/tcpprobe.rs). Mostly in softirq: not
 * filtered by --pid/--comm (see tcp.bpf.c). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"
#include "sock.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_tcpprobe_kinds {
	RT_KIND_TCP_PROBE = 1,
};

struct rt_tcp_probe {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 tid;
	__u32 srtt_us;
	__u64 skaddr;
	__u32 snd_cwnd;
	__u32 ssthresh;
	__u32 snd_wnd;
	__u32 rcv_wnd;
	__u32 snd_nxt;
	__u32 snd_una;
	__u32 data_len;
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[16];
};

RT_KINDS(rt_tcpprobe_kinds);
RT_RECORD(rt_tcp_probe);

RT_TRACEPOINT(tcp_probe, struct sock *sk, struct sk_buff *skb)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	struct rt_tcp_probe *e;
	unsigned char *data;
	__u8 doff = 0;
	__u64 id;
	void *ring;

	e = rt_reserve(struct rt_tcp_probe, ring);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	id = bpf_get_current_pid_tgid();
	e->kind = RT_KIND_TCP_PROBE;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->skaddr = (__u64)sk;
	e->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	e->snd_cwnd = BPF_CORE_READ(tp, snd_cwnd);
	e->ssthresh = BPF_CORE_READ(tp, snd_ssthresh);
	e->snd_wnd = BPF_CORE_READ(tp, snd_wnd);
	e->rcv_wnd = BPF_CORE_READ(tp, rcv_wnd);
	e->snd_nxt = BPF_CORE_READ(tp, snd_nxt);
	e->snd_una = BPF_CORE_READ(tp, snd_una);
	/* The payload: the segment's length less its TCP header (skb->data points at
	 * it here), whose length is the data offset's high nibble, in 32-bit words. */
	data = BPF_CORE_READ(skb, data);
	bpf_probe_read_kernel(&doff, 1, data + 12);
	e->data_len = BPF_CORE_READ(skb, len) - (doff >> 4) * 4;
	rt_read_endpoints(&sk->__sk_common, true, &e->family, &e->sport, &e->dport, e->saddr,
			  e->daddr);
	rt_submit(ring, e);
	return 0;
}
