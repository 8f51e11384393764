// SPDX-License-Identifier: GPL-2.0
/* Source `irq`: hard and soft interrupt handler runs, paired per CPU.
 *
 * Handlers of one kind do not nest on a CPU, so the entry time waits in a
 * per-CPU slot (no map lookup contention, no hash) until the matching exit. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rt_hardirq _rt_hardirq = {};
struct rt_softirq _rt_softirq = {};

/* Entry times per CPU: [0] hard interrupt, [1] soft interrupt; 0 = none. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} entered SEC(".maps");

static __always_inline void mark_entry(__u32 slot)
{
	__u64 *ts = bpf_map_lookup_elem(&entered, &slot);

	if (ts)
		*ts = bpf_ktime_get_ns();
}

/* The entry time of the handler that is returning, cleared; 0 if unseen. */
static __always_inline __u64 take_entry(__u32 slot)
{
	__u64 *ts = bpf_map_lookup_elem(&entered, &slot);
	__u64 t;

	if (!ts)
		return 0;
	t = *ts;
	*ts = 0;
	return t;
}

static __always_inline int hard_exit(int irq, struct irqaction *action, int ret)
{
	__u64 entry = take_entry(0);
	struct rt_hardirq *e;
	void *ring;

	if (!entry)
		return 0;
	e = rt_reserve(struct rt_hardirq, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_HARDIRQ;
	e->cpu = bpf_get_smp_processor_id();
	e->ts_entry = entry;
	e->ts_exit = bpf_ktime_get_ns();
	e->irq = irq;
	e->handled = ret == 1; /* IRQ_HANDLED */
	bpf_probe_read_kernel_str(&e->name, sizeof(e->name), BPF_CORE_READ(action, name));
	rt_submit(ring, e);
	return 0;
}

static __always_inline int soft_exit(unsigned int vec)
{
	__u64 entry = take_entry(1);
	struct rt_softirq *e;
	void *ring;

	if (!entry)
		return 0;
	e = rt_reserve(struct rt_softirq, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_SOFTIRQ;
	e->cpu = bpf_get_smp_processor_id();
	e->ts_entry = entry;
	e->ts_exit = bpf_ktime_get_ns();
	e->vec = vec;
	e->pad = 0;
	rt_submit(ring, e);
	return 0;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(tp_btf_irq_handler_entry, int irq, struct irqaction *action)
{
	mark_entry(0);
	return 0;
}

SEC("raw_tp/irq_handler_entry")
int BPF_PROG(raw_tp_irq_handler_entry, int irq, struct irqaction *action)
{
	mark_entry(0);
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(tp_btf_irq_handler_exit, int irq, struct irqaction *action, int ret)
{
	return hard_exit(irq, action, ret);
}

SEC("raw_tp/irq_handler_exit")
int BPF_PROG(raw_tp_irq_handler_exit, int irq, struct irqaction *action, int ret)
{
	return hard_exit(irq, action, ret);
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(tp_btf_softirq_entry, unsigned int vec)
{
	mark_entry(1);
	return 0;
}

SEC("raw_tp/softirq_entry")
int BPF_PROG(raw_tp_softirq_entry, unsigned int vec)
{
	mark_entry(1);
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(tp_btf_softirq_exit, unsigned int vec)
{
	return soft_exit(vec);
}

SEC("raw_tp/softirq_exit")
int BPF_PROG(raw_tp_softirq_exit, unsigned int vec)
{
	return soft_exit(vec);
}
