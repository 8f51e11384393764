/* What the block-layer sources share about a struct request. */
#ifndef BLOCK_BPF_H
#define BLOCK_BPF_H

#include <bpf/bpf_core_read.h>

/* struct request lost rq_disk in Linux 5.17 (commit f3fa33acca9f "block: remove
 * the ->rq_disk field in struct request"); the disk is then rq->q->disk. */
struct request___has_rq_disk {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *rq_disk(struct request *rq)
{
	struct request___has_rq_disk *old = (void *)rq;

	if (bpf_core_field_exists(old->rq_disk))
		return BPF_CORE_READ(old, rq_disk);
	return BPF_CORE_READ(rq, q, disk);
}

/* The kernel's dev_t of a request's disk (major << 20 | first minor), 0 when none. */
static __always_inline __u32 rq_dev(struct request *rq)
{
	struct gendisk *disk = rq_disk(rq);

	return disk ? (BPF_CORE_READ(disk, major) << 20) | BPF_CORE_READ(disk, first_minor) : 0;
}

#endif
