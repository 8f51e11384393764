// SPDX-License-Identifier: GPL-2.0
/* Source `disk`: one record per completed block request, paired in the kernel.
 *
 * insert → issue → complete of one request are paired in a hash map keyed by
 * the request pointer. Block I/O is a low-rate event (thousands per second,
 * not millions) and pairing turns three events into one record, so pairing in
 * the kernel is the cheaper side here (DESIGN.md, cost facts). The record
 * keeps all three timestamps.
 *
 * Each probe exists twice, as tp_btf and raw_tp; user space keeps the one the
 * kernel supports and records which ran. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"
#include "block.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Dummy instance so the record type is in the skeleton's BTF. */
struct rt_block_io _rt_block_io = {};

/* Request-issue tracepoints took (q, rq) before Linux 5.11 (commit a54895fa057c
 * "block: remove the request_queue to argument request based tracepoints");
 * user space reads the prototype from BTF and sets the argument index. */
const volatile __u32 rq_arg_index = 0;

struct rq_start {
	__u64 ts_insert;
	__u64 ts_issue;
	__u64 sector;
	__u32 bytes;
	__u32 cmd_flags;
	__u32 pid;
	__u32 tid;
	char comm[RT_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct request *);
	__type(value, struct rq_start);
} in_flight SEC(".maps");

/* Requests issued and not yet seen completing. What is left at the end of a
 * recording (in flight at the stop, or completions no probe saw and whose
 * struct request was not reused since) is counted as lost by user space. */
__s64 issued_in_flight = 0;

/* REQ_OP_* values have been stable since 4.10; the flag bits above them have
 * moved between releases, so they come from the running kernel's BTF. */
#define RT_REQ_OP_MASK 0xff
#define RT_REQ_OP_READ 0
#define RT_REQ_OP_WRITE 1
#define RT_REQ_OP_FLUSH 2
#define RT_REQ_OP_DISCARD 3
#define RT_REQ_OP_SECURE_ERASE 5
#define RT_REQ_OP_WRITE_ZEROES 9

#define REQ_BIT(name) (1U << bpf_core_enum_value(enum req_flag_bits, name))

/* The kernel's rwbs spelling (blk_fill_rwbs): F for preflush, the operation,
 * then F fua, A readahead, S sync, M metadata. */
static __always_inline void fill_rwbs(char *rwbs, __u32 flags)
{
	int i = 0;
	__u32 op = flags & RT_REQ_OP_MASK;

	if (flags & REQ_BIT(__REQ_PREFLUSH))
		rwbs[i++] = 'F';
	switch (op) {
	case RT_REQ_OP_WRITE:
	case RT_REQ_OP_WRITE_ZEROES:
		rwbs[i++] = 'W';
		break;
	case RT_REQ_OP_DISCARD:
		rwbs[i++] = 'D';
		break;
	case RT_REQ_OP_SECURE_ERASE:
		rwbs[i++] = 'D';
		rwbs[i++] = 'E';
		break;
	case RT_REQ_OP_FLUSH:
		rwbs[i++] = 'F';
		break;
	case RT_REQ_OP_READ:
		rwbs[i++] = 'R';
		break;
	default:
		rwbs[i++] = 'N';
	}
	if (flags & REQ_BIT(__REQ_FUA))
		rwbs[i++] = 'F';
	if (flags & REQ_BIT(__REQ_RAHEAD))
		rwbs[i++] = 'A';
	if (flags & REQ_BIT(__REQ_SYNC))
		rwbs[i++] = 'S';
	if (flags & REQ_BIT(__REQ_META))
		rwbs[i++] = 'M';
	if (i < 8)
		rwbs[i] = 0;
}

static __always_inline void note_task(struct rq_start *s)
{
	__u64 id = bpf_get_current_pid_tgid();

	s->pid = id >> 32;
	s->tid = (__u32)id;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
}

/* block_io_start (Linux 6.5+, commit 5a80bd075f3b "block: introduce
 * block_io_start/block_io_done tracepoints") fires in the context of the task
 * that submitted the I/O. Later events of a request may run in a kworker (a
 * requeue, a dispatch from kblockd), so the submitter is noted here when the
 * kernel has it, and the filters apply to the submitter. */
static __always_inline int on_start(struct request *rq)
{
	struct rq_start *known = bpf_map_lookup_elem(&in_flight, &rq);
	struct rq_start s = {};

	/* block_io_start is a request's first event, so an entry that was
	 * already issued belongs to an earlier request on this struct request
	 * whose completion no probe saw: on this VM's kernel block_rq_complete
	 * now and then does not fire for a few requests in a row (bpftrace on
	 * the same tracepoint misses the same ones). That request is lost;
	 * count it instead of letting it vanish. */
	if (known && known->ts_issue) {
		rt_count_lost();
		__sync_fetch_and_add(&issued_in_flight, -1);
		known = NULL;
	}
	if (!rt_current_passes()) {
		/* A request of a filtered-out task: forget any stale entry. */
		bpf_map_delete_elem(&in_flight, &rq);
		return 0;
	}
	if (known) {
		/* Already seen at insert (accounting can start late): keep
		 * its timestamps, name the submitter. */
		note_task(known);
		return 0;
	}
	note_task(&s);
	if (bpf_map_update_elem(&in_flight, &rq, &s, BPF_ANY))
		rt_count_lost();
	return 0;
}

static __always_inline int on_insert(struct request *rq)
{
	struct rq_start *known = bpf_map_lookup_elem(&in_flight, &rq);
	struct rq_start s = {};

	if (known) {
		known->ts_insert = bpf_ktime_get_ns();
		return 0;
	}
	/* No block_io_start seen (older kernel, or a request without I/O
	 * accounting such as a flush): the current task is the best guess. */
	if (!rt_current_passes())
		return 0;
	s.ts_insert = bpf_ktime_get_ns();
	note_task(&s);
	if (bpf_map_update_elem(&in_flight, &rq, &s, BPF_ANY))
		rt_count_lost();
	return 0;
}

static __always_inline void note_issue(struct rq_start *s, struct request *rq)
{
	s->ts_issue = bpf_ktime_get_ns();
	s->sector = BPF_CORE_READ(rq, __sector);
	s->bytes = BPF_CORE_READ(rq, __data_len);
	s->cmd_flags = BPF_CORE_READ(rq, cmd_flags);
}

static __always_inline int on_issue(struct request *rq)
{
	struct rq_start *s = bpf_map_lookup_elem(&in_flight, &rq);
	struct rq_start fresh = {};

	if (s) {
		/* A second issue of one request (after a requeue) is not a second
		 * request in flight. */
		if (!s->ts_issue)
			__sync_fetch_and_add(&issued_in_flight, 1);
		note_issue(s, rq);
		return 0;
	}
	/* Issued without an insert (no I/O scheduler, direct issue). */
	if (!rt_current_passes())
		return 0;
	note_task(&fresh);
	note_issue(&fresh, rq);
	if (bpf_map_update_elem(&in_flight, &rq, &fresh, BPF_ANY))
		rt_count_lost();
	else
		__sync_fetch_and_add(&issued_in_flight, 1);
	return 0;
}

/* RQF_FLUSH_SEQ: an enum bit since 6.5 (commit 5f89154e8e9e "block: Use enum to
 * define RQF_x bit indexes"), the macro (1 << 4) before. */
static __always_inline __u32 rqf_flush_seq(void)
{
	if (bpf_core_enum_value_exists(enum rqf_flags, __RQF_FLUSH_SEQ))
		return 1U << bpf_core_enum_value(enum rqf_flags, __RQF_FLUSH_SEQ);
	return 1U << 4;
}

static __always_inline int on_complete(struct request *rq, int status)
{
	struct rq_start *s = bpf_map_lookup_elem(&in_flight, &rq);
	struct rt_block_io *e;
	void *ring;

	if (!s)
		return 0;
	if (!s->ts_issue) {
		/* Completed without an issue we saw. A request of the flush
		 * machinery (an empty preflush from fsync) is completed by it
		 * without ever reaching the device itself: the device flush is a
		 * request of its own ("FF"), recorded when it completes, so this
		 * one is not lost. (The flush code clears RQF_FLUSH_SEQ just
		 * before completing it, hence the other two tests.) Otherwise a
		 * probe run was skipped: the request cannot be reported, and it
		 * is counted as lost. */
		if (!(BPF_CORE_READ(rq, rq_flags) & rqf_flush_seq()) &&
		    !(BPF_CORE_READ(rq, cmd_flags) & REQ_BIT(__REQ_PREFLUSH)) &&
		    BPF_CORE_READ(rq, __data_len) != 0)
			rt_count_lost();
		goto out;
	}
	__sync_fetch_and_add(&issued_in_flight, -1);
	e = rt_reserve(struct rt_block_io, ring);
	if (!e)
		goto out;
	e->kind = RT_KIND_BLOCK_IO;
	e->ts_insert = s->ts_insert;
	e->ts_issue = s->ts_issue;
	e->ts_complete = bpf_ktime_get_ns();
	e->sector = s->sector;
	e->bytes = s->bytes;
	e->cmd_flags = s->cmd_flags;
	e->pid = s->pid;
	e->tid = s->tid;
	e->status = status;
	__builtin_memcpy(e->comm, s->comm, sizeof(e->comm));
	e->dev = rq_dev(rq);
	fill_rwbs(e->rwbs, s->cmd_flags);
	rt_submit(ring, e);
out:
	bpf_map_delete_elem(&in_flight, &rq);
	return 0;
}

static __always_inline struct request *rq_arg(unsigned long long *ctx)
{
	return rq_arg_index ? (void *)ctx[1] : (void *)ctx[0];
}

SEC("tp_btf/block_io_start")
int BPF_PROG(tp_btf_block_io_start, struct request *rq)
{
	return on_start(rq);
}

SEC("raw_tp/block_io_start")
int BPF_PROG(raw_tp_block_io_start, struct request *rq)
{
	return on_start(rq);
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(tp_btf_block_rq_insert)
{
	return on_insert(rq_arg(ctx));
}

SEC("raw_tp/block_rq_insert")
int BPF_PROG(raw_tp_block_rq_insert)
{
	return on_insert(rq_arg(ctx));
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(tp_btf_block_rq_issue)
{
	return on_issue(rq_arg(ctx));
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(raw_tp_block_rq_issue)
{
	return on_issue(rq_arg(ctx));
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(tp_btf_block_rq_complete, struct request *rq, blk_status_t error)
{
	return on_complete(rq, error);
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(raw_tp_block_rq_complete, struct request *rq, blk_status_t error)
{
	return on_complete(rq, error);
}
