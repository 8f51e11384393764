// SPDX-License-Identifier: GPL-2.0
/* Source `nvme`: NVMe commands at the NVMe host driver's tracepoints: set up
 * for submission (nvme_setup_cmd) and completed (nvme_complete_rq), one record
 * each. User space pairs them by controller, queue and command id (view
 * nvme_cmd_latency). Table: nvme_cmd (schemas/src/catalog/nvme.rs).
 *
 * The tracepoints exist only where the nvme driver is built (CONFIG_NVME_CORE);
 * this project's own VM has a virtio disk and none, so their formats are
 * declared here as CO-RE "local" types (drivers/nvme/host/trace.h): on a kernel
 * that has them libbpf relocates each field by name; on one that has not, the
 * programs are never loaded and the manifest says the probes are unavailable.
 * Completions run in interrupt context: the recording's pid and command filters
 * are not applied. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_nvme_kinds {
	RT_KIND_NVME_CMD = 1,
};

struct rt_nvme_cmd {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 result;
	__s32 ctrl_id;
	__s32 qid;
	__u32 cid;
	__u32 nsid;
	__u32 opcode;
	__u32 flags;
	__u32 fctype;
	__u32 status;
	__u32 retries;
	__u32 tid;
	char event[16];
	char disk[32];
	char comm[16];
};

RT_KINDS(rt_nvme_kinds);
RT_RECORD(rt_nvme_cmd);

struct trace_event_raw_nvme_setup_cmd___rt {
	char disk[32];
	int ctrl_id;
	int qid;
	__u8 opcode;
	__u8 flags;
	__u8 fctype;
	__u16 cid;
	__u32 nsid;
} __attribute__((preserve_access_index));

struct trace_event_raw_nvme_complete_rq___rt {
	char disk[32];
	int ctrl_id;
	int qid;
	int cid;
	__u64 result;
	__u8 retries;
	__u8 flags;
	__u16 status;
} __attribute__((preserve_access_index));

static __always_inline struct rt_nvme_cmd *nvme_record(void **ring, const void *disk)
{
	struct rt_nvme_cmd *e = rt_reserve(struct rt_nvme_cmd, *ring);
	__u64 id;

	if (!e)
		return 0;
	id = bpf_get_current_pid_tgid();
	e->kind = RT_KIND_NVME_CMD;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_probe_read_kernel_str(e->disk, sizeof(e->disk), disk) < 0)
		e->disk[0] = 0;
	return e;
}

SEC("tracepoint/nvme/nvme_setup_cmd")
int tracepoint__nvme__nvme_setup_cmd(struct trace_event_raw_nvme_setup_cmd___rt *ctx)
{
	void *ring;
	struct rt_nvme_cmd *e = nvme_record(&ring, __builtin_preserve_access_index(&ctx->disk));

	if (!e)
		return 0;
	__builtin_memcpy(e->event, "setup", sizeof("setup"));
	e->ctrl_id = BPF_CORE_READ(ctx, ctrl_id);
	e->qid = BPF_CORE_READ(ctx, qid);
	e->cid = BPF_CORE_READ(ctx, cid);
	e->nsid = BPF_CORE_READ(ctx, nsid);
	e->opcode = BPF_CORE_READ(ctx, opcode);
	e->flags = BPF_CORE_READ(ctx, flags);
	e->fctype = BPF_CORE_READ(ctx, fctype);
	e->status = 0;
	e->result = 0;
	e->retries = 0;
	rt_submit(ring, e);
	return 0;
}

SEC("tracepoint/nvme/nvme_complete_rq")
int tracepoint__nvme__nvme_complete_rq(struct trace_event_raw_nvme_complete_rq___rt *ctx)
{
	void *ring;
	struct rt_nvme_cmd *e = nvme_record(&ring, __builtin_preserve_access_index(&ctx->disk));

	if (!e)
		return 0;
	__builtin_memcpy(e->event, "complete", sizeof("complete"));
	e->ctrl_id = BPF_CORE_READ(ctx, ctrl_id);
	e->qid = BPF_CORE_READ(ctx, qid);
	e->cid = BPF_CORE_READ(ctx, cid);
	e->nsid = 0;
	e->opcode = 0;
	e->flags = BPF_CORE_READ(ctx, flags);
	e->fctype = 0;
	e->status = BPF_CORE_READ(ctx, status);
	e->result = BPF_CORE_READ(ctx, result);
	e->retries = BPF_CORE_READ(ctx, retries);
	rt_submit(ring, e);
	return 0;
}
