/* Per-CPU ring buffers, the lost-event counter and the common filters, included
 * by every source's BPF object.
 *
 * One ring per CPU (an array of ringbuf maps indexed by CPU, filled by user
 * space before attach) so producers on different CPUs never contend on one
 * ring's lock. Records are submitted without waking the consumer, which drains
 * every ring on a timer; only when a ring is past half full do we force a
 * wakeup so that bursts are drained before they overflow. A record that does
 * not fit is counted in lost_events, which user space writes to the manifest. */
#ifndef RING_BPF_H
#define RING_BPF_H

#include <bpf/bpf_helpers.h>

/* Template of the per-CPU rings; user space creates the real ones, sized by
 * --ring-buffer, and sets ring_wakeup_bytes to half their size. */
struct rt_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* set to the number of possible CPUs before load */
	__type(key, __u32);
	__array(values, struct rt_ring);
} rings SEC(".maps");

/* Events that could not be handed to user space. */
__u64 lost_events = 0;

/* Filters, set before load. 0 / empty = no filter. */
const volatile __u32 filter_tgid = 0;
const volatile char filter_comm[16] = {};
/* Force a consumer wakeup once a ring holds this many unread bytes. */
const volatile __u64 ring_wakeup_bytes = 1 << 19;

static __always_inline void *rt_ring_of_cpu(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&rings, &cpu);
}

static __always_inline void rt_count_lost(void)
{
	__sync_fetch_and_add(&lost_events, 1);
}

static __always_inline __u64 rt_wakeup_flags(void *ring)
{
	if (bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) > ring_wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/* Reserve a record of type T on this CPU's ring; counts a loss and yields NULL
 * when the ring is full. `ring` receives the ring for rt_submit(). */
#define rt_reserve(T, ring)                                                    \
	({                                                                     \
		T *__rec = NULL;                                               \
		ring = rt_ring_of_cpu();                                       \
		if (ring)                                                      \
			__rec = bpf_ringbuf_reserve(ring, sizeof(T), 0);        \
		if (!__rec)                                                    \
			rt_count_lost();                                       \
		__rec;                                                         \
	})

static __always_inline void rt_submit(void *ring, void *rec)
{
	bpf_ringbuf_submit(rec, rt_wakeup_flags(ring));
}

/* Copy a record built elsewhere (e.g. in a map value) into this CPU's ring. */
static __always_inline void rt_output(void *rec, __u64 size)
{
	void *ring = rt_ring_of_cpu();

	if (!ring || bpf_ringbuf_output(ring, rec, size, rt_wakeup_flags(ring)))
		rt_count_lost();
}

static __always_inline bool rt_comm_matches(const char *comm)
{
	if (!filter_comm[0])
		return true;
	for (int i = 0; i < 16; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/* Whether the current task passes the pid and comm filters. */
static __always_inline bool rt_current_passes(void)
{
	if (filter_tgid && (bpf_get_current_pid_tgid() >> 32) != filter_tgid)
		return false;
	if (filter_comm[0]) {
		char comm[16];

		bpf_get_current_comm(comm, sizeof(comm));
		return rt_comm_matches(comm);
	}
	return true;
}

#endif
