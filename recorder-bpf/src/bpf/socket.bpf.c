// SPDX-License-Identifier: GPL-2.0
/* Source `socket`: the socket system calls that set a socket up, on IPv4 and IPv6
 * sockets: socket(2), bind(2), listen(2) and connect(2), one record per call at
 * its return, entered and returned paired in task storage. The address a bind
 * or connect names is read from the caller's sockaddr at entry; the socket's
 * type and protocol (and for listen its bound address) from the descriptor's
 * socket at return. Table: socket_call (schemas/src/catalog/socket.rs). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "probe.bpf.h"
#include "ring.bpf.h"
#include "sock.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_socket_kinds {
	RT_KIND_SOCKET_CALL = 1,
};

struct rt_socket_call {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_enter;
	__u32 tid;
	__s32 ret;
	__s32 fd;
	__s32 backlog;
	__u16 family;
	__u16 port;
	__u16 type;
	__u16 protocol;
	__u8 addr[16];
	char call[16];
	char comm[16];
};

RT_KINDS(rt_socket_kinds);
RT_RECORD(rt_socket_call);

enum {
	CALL_SOCKET = 1,
	CALL_BIND,
	CALL_LISTEN,
	CALL_CONNECT,
};

struct in_call {
	__u64 ts_enter;
	__u32 call;
	__s32 fd;
	__s32 backlog;
	__u16 family;
	__u16 port;
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct in_call);
} calls SEC(".maps");

static __always_inline int enter(__u32 call, __s32 fd, const void *uaddr, __s32 backlog)
{
	struct in_call *c;

	if (!rt_current_passes())
		return 0;
	c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return 0;
	__builtin_memset(c, 0, sizeof(*c));
	c->ts_enter = bpf_ktime_get_ns();
	c->call = call;
	c->fd = fd;
	c->backlog = backlog;
	if (uaddr) {
		/* struct sockaddr_in: family, port, 4 address bytes at offset 4;
		 * sockaddr_in6: family, port, flowinfo, 16 address bytes at offset 8. */
		__u8 sa[24] = {};

		/* The short form first: a sockaddr_in is only 16 bytes long. */
		bpf_probe_read_user(sa, 8, uaddr);
		c->family = *(__u16 *)sa;
		if (c->family == RT_AF_INET6)
			bpf_probe_read_user(sa, sizeof(sa), uaddr);
		c->port = bpf_ntohs(*(__u16 *)(sa + 2));
		if (c->family == RT_AF_INET)
			__builtin_memcpy(c->addr, sa + 4, 4);
		else if (c->family == RT_AF_INET6)
			__builtin_memcpy(c->addr, sa + 8, 16);
	}
	return 0;
}

static __always_inline void call_name(char *dst, __u32 call)
{
	const char *n;

	switch (call) {
	case CALL_SOCKET: n = "socket"; break;
	case CALL_BIND: n = "bind"; break;
	case CALL_LISTEN: n = "listen"; break;
	case CALL_CONNECT: n = "connect"; break;
	default: n = "?"; break;
	}
	bpf_probe_read_kernel_str(dst, 16, n);
}

static __always_inline int exit_call(long ret)
{
	struct in_call *c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct rt_socket_call *e;
	struct sock *sk;
	__u16 sk_family;
	__u64 id;
	void *ring;

	if (!c || !c->call)
		return 0;
	/* socket() names its socket by the descriptor it returns. */
	sk = fd_sock(c->call == CALL_SOCKET ? ret : c->fd);
	sk_family = sk ? BPF_CORE_READ(sk, __sk_common.skc_family) : 0;
	/* IPv4 and IPv6 sockets only; a failed socket() has none: kept when it
	 * asked for one of those families (its fd slot holds the domain). */
	if (c->call == CALL_SOCKET && ret < 0)
		sk_family = c->fd;
	if (sk_family != RT_AF_INET && sk_family != RT_AF_INET6) {
		c->call = 0;
		return 0;
	}
	e = rt_reserve(struct rt_socket_call, ring);
	if (!e) {
		c->call = 0;
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	id = bpf_get_current_pid_tgid();
	e->kind = RT_KIND_SOCKET_CALL;
	e->ts = bpf_ktime_get_ns();
	e->ts_enter = c->ts_enter;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ret = ret;
	e->fd = c->call == CALL_SOCKET ? ret : c->fd;
	e->backlog = c->backlog;
	if (sk) {
		e->type = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type);
		e->protocol = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	}
	if (c->call == CALL_BIND || c->call == CALL_CONNECT) {
		e->family = c->family;
		e->port = c->port;
		__builtin_memcpy(e->addr, c->addr, sizeof(e->addr));
	} else if (sk) {
		/* listen, socket: the socket's own (local) address. */
		__u16 dport;
		__u8 daddr[16];

		rt_read_endpoints(&sk->__sk_common, true, &e->family, &e->port, &dport, e->addr,
				  daddr);
	} else {
		e->family = sk_family;
	}
	call_name(e->call, c->call);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	c->call = 0;
	rt_submit(ring, e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_socket")
int tracepoint__syscalls__sys_enter_socket(struct trace_event_raw_sys_enter *ctx)
{
	/* socket(domain, type, protocol): the domain kept in the fd slot. */
	return enter(CALL_SOCKET, ctx->args[0], 0, 0);
}

SEC("tracepoint/syscalls/sys_enter_bind")
int tracepoint__syscalls__sys_enter_bind(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_BIND, ctx->args[0], (const void *)ctx->args[1], 0);
}

SEC("tracepoint/syscalls/sys_enter_listen")
int tracepoint__syscalls__sys_enter_listen(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_LISTEN, ctx->args[0], 0, ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int tracepoint__syscalls__sys_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	return enter(CALL_CONNECT, ctx->args[0], (const void *)ctx->args[1], 0);
}

RT_SYSCALL_EXIT(socket, exit_call)
RT_SYSCALL_EXIT(bind, exit_call)
RT_SYSCALL_EXIT(listen, exit_call)
RT_SYSCALL_EXIT(connect, exit_call)
