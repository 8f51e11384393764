// SPDX-License-Identifier: GPL-2.0
/* Source `biostacks`: each block request's latency with the kernel stack that
 * created it, for biostacks. The stack is taken where the request starts, in the
 * submitter's context (block_io_start: accounting starts, Linux 6.5+; else
 * block_rq_insert: the request enters the scheduler), with the time and the
 * submitter; the record is written when the request completes
 * (block_rq_complete). Table: block_io_stack (schemas/src/catalog/biostacks.rs),
 * stacks in the shared stack tables.
 *
 * A stack walk per request costs about a microsecond: opt-in. The `disk` source
 * keeps recording the request's full timeline; this one adds only the stack. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"
#include "stacks.bpf.h"
#include "block.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_biostacks_kinds {
	RT_KIND_BLOCK_IO_STACK = 1,
};

enum rt_biostacks_const {
	RT_DEV_MINORBITS = 20,
};

struct rt_block_io_stack {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ts_start;
	__u64 sector;
	__u32 dev;
	__u32 bytes;
	__s32 kstack_id;
	__s32 status;
	__u32 tid;
	__u32 pad;
	char comm[16];
};

RT_KINDS(rt_biostacks_kinds);
RT_KINDS(rt_biostacks_const);
RT_RECORD(rt_block_io_stack);

struct started {
	__u64 ts;
	__s32 kstack_id;
	__u32 pid;
	__u32 tid;
	__u32 pad;
	char comm[16];
};

/* Requests started and not completed. LRU: a request whose completion no probe
 * saw is evicted in time rather than filling the map. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct started);
} in_flight SEC(".maps");

/* `first`: block_io_start, a request's first event, replaces whatever an earlier
 * request on the same struct request left (a completion no probe saw); the
 * insert that follows it keeps its entry. */
static __always_inline int on_start(void *ctx, struct request *rq, bool first)
{
	struct started s = {};
	__u64 key = (__u64)rq;
	__u64 id = bpf_get_current_pid_tgid();

	if (first)
		bpf_map_delete_elem(&in_flight, &key);
	else if (bpf_map_lookup_elem(&in_flight, &key))
		return 0;
	if ((id >> 32) == exclude_tgid || !rt_current_passes())
		return 0;
	s.ts = bpf_ktime_get_ns();
	s.kstack_id = rt_stack_id(ctx, 0);
	s.pid = id >> 32;
	s.tid = (__u32)id;
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	bpf_map_update_elem(&in_flight, &key, &s, BPF_NOEXIST);
	return 0;
}

RT_TRACEPOINT(block_io_start, struct request *rq)
{
	return on_start(ctx, rq, true);
}

RT_TRACEPOINT(block_rq_insert, struct request *rq)
{
	return on_start(ctx, rq, false);
}

RT_TRACEPOINT(block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 key = (__u64)rq;
	struct started *s = bpf_map_lookup_elem(&in_flight, &key);
	struct rt_block_io_stack *e;
	void *ring;

	if (!s)
		return 0;
	e = rt_reserve(struct rt_block_io_stack, ring);
	if (e) {
		e->kind = RT_KIND_BLOCK_IO_STACK;
		e->ts = bpf_ktime_get_ns();
		e->ts_start = s->ts;
		e->kstack_id = s->kstack_id;
		e->pid = s->pid;
		e->tid = s->tid;
		__builtin_memcpy(e->comm, s->comm, sizeof(e->comm));
		e->sector = BPF_CORE_READ(rq, __sector);
		e->bytes = nr_bytes;
		e->dev = rq_dev(rq);
		e->status = error;
		rt_submit(ring, e);
	}
	bpf_map_delete_elem(&in_flight, &key);
	return 0;
}
