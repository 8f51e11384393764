// SPDX-License-Identifier: GPL-2.0
/* Source `scsi`: SCSI commands at the SCSI midlayer's tracepoints: dispatched
 * to the host (scsi_dispatch_cmd_start), refused by it (scsi_dispatch_cmd_error),
 * completed (scsi_dispatch_cmd_done) and timed out (scsi_dispatch_cmd_timeout),
 * one record each. User space pairs a command's dispatch with its completion by
 * device and driver tag (view scsi_cmd_latency). Table: scsi_cmd
 * (schemas/src/catalog/scsi.rs).
 *
 * The tracepoints exist only on kernels with SCSI (CONFIG_SCSI, and the sd or
 * another upper driver loaded); this project's own VM has none, so the formats
 * are declared here as CO-RE "local" types: on a kernel that has them, libbpf
 * relocates each field by name; on one that has not, the programs are never
 * loaded (the manifest says the probes are unavailable).
 *
 * Completions run in interrupt context, on whatever task was interrupted: the
 * recording's pid and command filters are not applied. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_scsi_kinds {
	RT_KIND_SCSI_CMD = 1,
};

struct rt_scsi_cmd {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u32 host_no;
	__u32 channel;
	__u32 id;
	__u32 lun;
	__u32 opcode;
	__u32 cmd_len;
	__s32 driver_tag;
	__s32 result;
	__u32 data_sglen;
	__u32 tid;
	char event[8];
	char comm[16];
};

RT_KINDS(rt_scsi_kinds);
RT_RECORD(rt_scsi_cmd);

/* The fields every SCSI command tracepoint has (include/trace/events/scsi.h). */
struct trace_event_raw_scsi_dispatch_cmd_start___rt {
	unsigned int host_no;
	unsigned int channel;
	unsigned int id;
	unsigned int lun;
	unsigned int opcode;
	unsigned int cmd_len;
	int driver_tag;
	unsigned int data_sglen;
} __attribute__((preserve_access_index));

struct trace_event_raw_scsi_dispatch_cmd_error___rt {
	unsigned int host_no;
	unsigned int channel;
	unsigned int id;
	unsigned int lun;
	int rtn;
	unsigned int opcode;
	unsigned int cmd_len;
	int driver_tag;
	unsigned int data_sglen;
} __attribute__((preserve_access_index));

/* scsi_dispatch_cmd_done and scsi_dispatch_cmd_timeout share this class. */
struct trace_event_raw_scsi_cmd_done_timeout_template___rt {
	unsigned int host_no;
	unsigned int channel;
	unsigned int id;
	unsigned int lun;
	int result;
	unsigned int opcode;
	unsigned int cmd_len;
	int driver_tag;
	unsigned int data_sglen;
} __attribute__((preserve_access_index));

#define SCSI_RECORD(ctx, name, res)                                              \
	({                                                                       \
		struct rt_scsi_cmd *e;                                           \
		void *ring;                                                      \
		__u64 id;                                                        \
		e = rt_reserve(struct rt_scsi_cmd, ring);                        \
		if (e) {                                                         \
			id = bpf_get_current_pid_tgid();                         \
			e->kind = RT_KIND_SCSI_CMD;                              \
			e->ts = bpf_ktime_get_ns();                              \
			e->pid = id >> 32;                                       \
			e->tid = (__u32)id;                                      \
			bpf_get_current_comm(e->comm, sizeof(e->comm));          \
			__builtin_memcpy(e->event, name, sizeof(name));          \
			e->host_no = BPF_CORE_READ(ctx, host_no);                \
			e->channel = BPF_CORE_READ(ctx, channel);                \
			e->id = BPF_CORE_READ(ctx, id);                          \
			e->lun = BPF_CORE_READ(ctx, lun);                        \
			e->opcode = BPF_CORE_READ(ctx, opcode);                  \
			e->cmd_len = BPF_CORE_READ(ctx, cmd_len);                \
			/* driver_tag: in these tracepoints since Linux 6.0 */  \
			e->driver_tag = bpf_core_field_exists(ctx->driver_tag) ? \
					BPF_CORE_READ(ctx, driver_tag) : -1;     \
			e->data_sglen = BPF_CORE_READ(ctx, data_sglen);          \
			e->result = (res);                                       \
			rt_submit(ring, e);                                      \
		}                                                                \
		0;                                                               \
	})

SEC("tracepoint/scsi/scsi_dispatch_cmd_start")
int tracepoint__scsi__scsi_dispatch_cmd_start(struct trace_event_raw_scsi_dispatch_cmd_start___rt *ctx)
{
	return SCSI_RECORD(ctx, "start", 0);
}

SEC("tracepoint/scsi/scsi_dispatch_cmd_error")
int tracepoint__scsi__scsi_dispatch_cmd_error(struct trace_event_raw_scsi_dispatch_cmd_error___rt *ctx)
{
	return SCSI_RECORD(ctx, "error", BPF_CORE_READ(ctx, rtn));
}

SEC("tracepoint/scsi/scsi_dispatch_cmd_done")
int tracepoint__scsi__scsi_dispatch_cmd_done(
	struct trace_event_raw_scsi_cmd_done_timeout_template___rt *ctx)
{
	return SCSI_RECORD(ctx, "done", BPF_CORE_READ(ctx, result));
}

SEC("tracepoint/scsi/scsi_dispatch_cmd_timeout")
int tracepoint__scsi__scsi_dispatch_cmd_timeout(
	struct trace_event_raw_scsi_cmd_done_timeout_template___rt *ctx)
{
	return SCSI_RECORD(ctx, "timeout", BPF_CORE_READ(ctx, result));
}
