// SPDX-License-Identifier: GPL-2.0
/* Source `pmc`: hardware counter overflows (cycles, instructions, LLC
 * references and misses), each with the task that was running. User space
 * opens the counters per CPU with a sample period and attaches this program to
 * each, with the counter's index as the attach cookie. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rt_pmc _rt_pmc = {};

SEC("perf_event")
int pmc_sample(struct bpf_perf_event_data *ctx)
{
	struct rt_pmc *e;
	__u64 id = bpf_get_current_pid_tgid();
	void *ring;

	if (!rt_current_passes())
		return 0;
	e = rt_reserve(struct rt_pmc, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_PMC;
	e->cpu = bpf_get_smp_processor_id();
	e->ts = bpf_ktime_get_ns();
	e->period = ctx->sample_period;
	e->counter = bpf_get_attach_cookie(ctx);
	e->tid = (__u32)id;
	e->pid = id >> 32;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	rt_submit(ring, e);
	return 0;
}
