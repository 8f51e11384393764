/* Batches: for sources that fire hundreds of thousands of times per second per
 * CPU. Each record is appended to a buffer of this CPU (a plain store into an
 * array map value, whose lookup the verifier inlines: no helper call), and only
 * a full buffer goes to the CPU's ring, with one bpf_ringbuf_output() as one
 * record of kind RT_KIND_BATCH (retrace.h). A reserve/submit per event costs
 * about twice the empty program (DESIGN.md, cost facts); this costs a few
 * stores.
 *
 * Nothing is lost silently: a buffer the ring cannot take counts every record
 * in it in lost_events.
 *
 * Records wait in a buffer until it is full, until the CPU's next record after
 * user space bumps flush_gen (it does so every second), or until the end, when
 * user space reads what the buffers still hold once the programs are detached.
 * So a CPU that records nothing more after a flush request (fully idle, no
 * tick) holds back at most one buffer per source until the next record or the
 * end; the writer sorts every batch by time, and nothing downstream relies on
 * rows arriving in time order across batches. */
#ifndef BATCH_BPF_H
#define BATCH_BPF_H

#include <bpf/bpf_helpers.h>
#include "retrace.h"
#include "ring.bpf.h"

/* Data bytes a buffer holds; the hand-over point is batch_bytes (at most this). */
#define RT_BATCH_BYTES (16 << 10)

struct rt_batch_buf {
	struct rt_batch_head head; /* retrace.h */
	__u8 data[RT_BATCH_BYTES];
};

/* One buffer per CPU, indexed by CPU (max_entries set to the number of possible
 * CPUs before load): user space reads them by CPU at the end. */
#define RT_BATCH_BUFFERS(name)                                                 \
	struct {                                                               \
		__uint(type, BPF_MAP_TYPE_ARRAY);                              \
		__uint(max_entries, 1);                                        \
		__type(key, __u32);                                            \
		__type(value, struct rt_batch_buf);                            \
	} name SEC(".maps")

/* Bumped by user space: every CPU hands over its partial buffers at its next
 * record. */
__u32 flush_gen = 0;
/* Hand a buffer over once the next record would not fit in this many bytes; set
 * before load so that a batch is a small part of a ring. */
const volatile __u32 batch_bytes = RT_BATCH_BYTES;

/* Send the records of `b` to the ring of `cpu`, or count them lost. */
static __always_inline void rt_batch_send(struct rt_batch_buf *b, __u32 cpu, __u32 rec_kind,
					  __u32 rec_size)
{
	__u32 len = b->head.len;
	__u32 count;
	void *ring;

	if (!len)
		return;
	if (len > RT_BATCH_BYTES) /* never; bounds the copy for the verifier */
		len = RT_BATCH_BYTES;
	count = len / rec_size;
	b->head.hdr.kind = RT_KIND_BATCH;
	b->head.hdr.rec_kind = rec_kind;
	b->head.hdr.cpu = cpu;
	b->head.hdr.count = count;
	ring = bpf_map_lookup_elem(&rings, &cpu);
	if (!ring || bpf_ringbuf_output(ring, &b->head.hdr, sizeof(b->head.hdr) + len, rt_wakeup_flags(ring)))
		__sync_fetch_and_add(&lost_events, count);
	b->head.len = 0;
}

/* Room for one record of `rec_size` bytes in this CPU's buffer of `bufs`, handing
 * the buffer over first when it is full or a flush was asked for. NULL (counted
 * lost) when there is no buffer or a program on this CPU is filling it already.
 * Fill the record, then rt_batch_commit(*buf, rec_size). */
static __always_inline void *rt_batch_reserve(void *bufs, __u32 rec_kind, __u32 rec_size,
					      struct rt_batch_buf **buf)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct rt_batch_buf *b = bpf_map_lookup_elem(bufs, &cpu);
	__u32 off;

	if (!b || b->head.busy) {
		rt_count_lost();
		return NULL;
	}
	b->head.busy = 1;
	if (b->head.len > batch_bytes - rec_size || b->head.gen != flush_gen) {
		rt_batch_send(b, cpu, rec_kind, rec_size);
		b->head.gen = flush_gen;
	}
	off = b->head.len;
	if (off > RT_BATCH_BYTES - rec_size) { /* never; bounds the offset for the verifier */
		b->head.busy = 0;
		rt_count_lost();
		return NULL;
	}
	*buf = b;
	return b->data + off;
}

static __always_inline void rt_batch_commit(struct rt_batch_buf *b, __u32 rec_size)
{
	b->head.len += rec_size;
	b->head.busy = 0;
}

#endif
