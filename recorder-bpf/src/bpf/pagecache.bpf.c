// SPDX-License-Identifier: GPL-2.0
/* Source `pagecache`: the page cache at its tracepoints. Pages added
 * (mm_filemap_add_to_page_cache: a miss, or a new page a write creates), pages
 * removed, read lookups (mm_filemap_get_pages: the pages a read(2) asked the
 * cache for), page faults on file mappings (mm_filemap_fault) and the cached
 * pages mapped around them (mm_filemap_map_pages), folios dirtied
 * (writeback_dirty_folio) and readahead decisions (page_cache_sync_ra and
 * page_cache_async_ra), one record each; and the flusher's writeback work
 * (writeback_start, writeback_written). Tables: page_cache, writeback
 * (schemas/src/catalog/pagecache.rs). The tracepoints' own records are read, as
 * bpftrace reads them (classic tracepoints: these have stable formats). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "probe.bpf.h"
#include "ring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum rt_pagecache_kinds {
	RT_KIND_PAGE_CACHE = 1,
	RT_KIND_WRITEBACK = 2,
};

enum rt_pagecache_const {
	RT_DEV_MINORBITS = 20,
};

struct rt_page_cache {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 ino;
	__u64 index;
	__u64 pages;
	__u64 req;
	__u32 tid;
	__u32 dev;
	char event[16];
	char comm[16];
	char bdi[32];
};

struct rt_writeback {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__s64 nr_pages;
	__u32 sb_dev;
	__s32 reason;
	__s32 sync_mode;
	__u32 flags; /* 1 for_kupdate, 2 for_background, 4 range_cyclic */
	__u32 written;
	__u32 tid;
	char comm[16];
	char bdi[32];
};

RT_KINDS(rt_pagecache_kinds);
RT_KINDS(rt_pagecache_const);
RT_RECORD(rt_page_cache);
RT_RECORD(rt_writeback);

static __always_inline int page(const char *event, __u32 dev, __u64 ino, __u64 index, __u64 pages,
				__u64 req, const char *bdi)
{
	struct rt_page_cache *e;
	__u64 id;
	void *ring;

	if (!rt_current_passes())
		return 0;
	e = rt_reserve(struct rt_page_cache, ring);
	if (!e)
		return 0;
	id = bpf_get_current_pid_tgid();
	e->kind = RT_KIND_PAGE_CACHE;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_probe_read_kernel_str(e->event, sizeof(e->event), event);
	e->dev = dev;
	e->ino = ino;
	e->index = index;
	e->pages = pages;
	e->req = req;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (!bdi || bpf_probe_read_kernel_str(e->bdi, sizeof(e->bdi), bdi) < 0)
		e->bdi[0] = 0;
	rt_submit(ring, e);
	return 0;
}

SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int tracepoint__filemap__mm_filemap_add_to_page_cache(
	struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	return page("add", ctx->s_dev, ctx->i_ino, ctx->index, 1ULL << (ctx->order & 31), 0,
		    NULL);
}

SEC("tracepoint/filemap/mm_filemap_delete_from_page_cache")
int tracepoint__filemap__mm_filemap_delete_from_page_cache(
	struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	return page("delete", ctx->s_dev, ctx->i_ino, ctx->index,
		    1ULL << (ctx->order & 31), 0, NULL);
}

SEC("tracepoint/filemap/mm_filemap_get_pages")
int tracepoint__filemap__mm_filemap_get_pages(
	struct trace_event_raw_mm_filemap_op_page_cache_range *ctx)
{
	return page("get", ctx->s_dev, ctx->i_ino, ctx->index,
		    ctx->last_index - ctx->index + 1, 0, NULL);
}

SEC("tracepoint/filemap/mm_filemap_map_pages")
int tracepoint__filemap__mm_filemap_map_pages(
	struct trace_event_raw_mm_filemap_op_page_cache_range *ctx)
{
	return page("map", ctx->s_dev, ctx->i_ino, ctx->index, ctx->last_index - ctx->index + 1,
		    0, NULL);
}

SEC("tracepoint/filemap/mm_filemap_fault")
int tracepoint__filemap__mm_filemap_fault(struct trace_event_raw_mm_filemap_fault *ctx)
{
	return page("fault", ctx->s_dev, ctx->i_ino, ctx->index, 1, 0, NULL);
}

SEC("tracepoint/writeback/writeback_dirty_folio")
int tracepoint__writeback__writeback_dirty_folio(
	struct trace_event_raw_writeback_folio_template *ctx)
{
	return page("dirty", 0, ctx->ino, ctx->index, 1, 0, ctx->name);
}

SEC("tracepoint/readahead/page_cache_sync_ra")
int tracepoint__readahead__page_cache_sync_ra(struct trace_event_raw_page_cache_ra_op *ctx)
{
	return page("ra_sync", ctx->s_dev, ctx->i_ino, ctx->index, ctx->size,
		    ctx->req_count, NULL);
}

SEC("tracepoint/readahead/page_cache_async_ra")
int tracepoint__readahead__page_cache_async_ra(struct trace_event_raw_page_cache_ra_op *ctx)
{
	return page("ra_async", ctx->s_dev, ctx->i_ino, ctx->index, ctx->size,
		    ctx->req_count, NULL);
}

static __always_inline int writeback(struct trace_event_raw_writeback_work_class *ctx,
				     __u32 written)
{
	struct rt_writeback *e;
	__u64 id;
	void *ring;

	e = rt_reserve(struct rt_writeback, ring);
	if (!e)
		return 0;
	id = bpf_get_current_pid_tgid();
	e->kind = RT_KIND_WRITEBACK;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->written = written;
	e->nr_pages = ctx->nr_pages;
	e->sb_dev = ctx->sb_dev;
	e->reason = ctx->reason;
	e->sync_mode = ctx->sync_mode;
	e->flags = (ctx->for_kupdate ? 1 : 0) | (ctx->for_background ? 2 : 0) |
		   (ctx->range_cyclic ? 4 : 0);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->bdi, sizeof(e->bdi), ctx->name);
	rt_submit(ring, e);
	return 0;
}

/* Writeback is the flusher's work: not filtered by the recording's pid or
 * command, which would never match a kworker. */
SEC("tracepoint/writeback/writeback_start")
int tracepoint__writeback__writeback_start(struct trace_event_raw_writeback_work_class *ctx)
{
	return writeback(ctx, 0);
}

SEC("tracepoint/writeback/writeback_written")
int tracepoint__writeback__writeback_written(struct trace_event_raw_writeback_work_class *ctx)
{
	return writeback(ctx, 1);
}
