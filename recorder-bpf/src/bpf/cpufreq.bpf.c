// SPDX-License-Identifier: GPL-2.0
/* Source `cpufreq`: CPU frequency changes (power:cpu_frequency). The recorder
 * adds each CPU's frequency read from sysfs at the start. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "retrace.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rt_cpufreq _rt_cpufreq = {};

static __always_inline int on_freq(unsigned int freq, unsigned int cpu)
{
	struct rt_cpufreq *e;
	void *ring;

	e = rt_reserve(struct rt_cpufreq, ring);
	if (!e)
		return 0;
	e->kind = RT_KIND_CPUFREQ;
	e->cpu = cpu;
	e->ts = bpf_ktime_get_ns();
	e->freq_khz = freq;
	e->pad = 0;
	rt_submit(ring, e);
	return 0;
}

SEC("tp_btf/cpu_frequency")
int BPF_PROG(tp_btf_cpu_frequency, unsigned int freq, unsigned int cpu)
{
	return on_freq(freq, cpu);
}

SEC("raw_tp/cpu_frequency")
int BPF_PROG(raw_tp_cpu_frequency, unsigned int freq, unsigned int cpu)
{
	return on_freq(freq, cpu);
}
