//! Source `pagecache` and its tables: the page cache and writeback at their
//! tracepoints, for cachestat, readahead and writeback.

use std::borrow::Cow;

use crate::sources::{Loader, SourceDef};
use crate::sources::tracepoint_probe;
use crate::tables::{col, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "pagecache",
    about: "page cache adds, removals, read lookups, file faults, dirtied folios and readahead; the flusher's writeback work",
    rate: "one row per page added or removed and per read lookup: 100k/s and more under buffered I/O; opt-in",
    default: false,
    object: Some("pagecache"),
    probes: &[
        tracepoint_probe!("filemap:mm_filemap_add_to_page_cache", false),
        tracepoint_probe!("filemap:mm_filemap_delete_from_page_cache", false),
        // mm_filemap_get_pages: Linux 6.5+.
        tracepoint_probe!("filemap:mm_filemap_get_pages", true),
        // mm_filemap_fault and mm_filemap_map_pages: Linux 6.10+.
        tracepoint_probe!("filemap:mm_filemap_fault", true),
        tracepoint_probe!("filemap:mm_filemap_map_pages", true),
        // writeback_dirty_folio: Linux 5.18+ (writeback_dirty_page before).
        tracepoint_probe!("writeback:writeback_dirty_folio", true),
        // The readahead tracepoints: Linux 6.10+.
        tracepoint_probe!("readahead:page_cache_sync_ra", true),
        tracepoint_probe!("readahead:page_cache_async_ra", true),
        tracepoint_probe!("writeback:writeback_start", false),
        tracepoint_probe!("writeback:writeback_written", false),
    ],
    needs: "filemap, writeback and readahead tracepoints",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&PAGE_CACHE, &WRITEBACK];

pub static PAGE_CACHE: Table = Table {
    name: t("page_cache"),
    source: t("pagecache"),
    record: Some(t("rt_page_cache")),
    doc: t("One row per page-cache event, in the context of the task that caused it: \
            `add` (mm_filemap_add_to_page_cache: a folio entered the cache, read from \
            disk, read ahead, or created by a write), `delete` \
            (mm_filemap_delete_from_page_cache: evicted, truncated or invalidated), `get` \
            (mm_filemap_get_pages: a buffered read looked pages up, hit or miss), `fault` \
            (mm_filemap_fault: a page fault on a file mapping), `map` (mm_filemap_map_pages: \
            cached pages mapped around a fault), `dirty` \
            (writeback_dirty_folio: a folio was dirtied), `ra_sync` and `ra_async` \
            (page_cache_sync_ra, page_cache_async_ra: readahead started)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When it happened.", field("ts")),
        col("pid", U32, "", "Process id (tgid) of the task it happened in (the reader, the writer, kswapd, a flusher...).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("event", Str, "", "add, delete, get, fault, map, dirty, ra_sync or ra_async.", cstr("event")),
        col("dev_major", U32, "", "Major number of the file's file-system device (0 for `dirty`, whose tracepoint names the backing device instead, and for unnamed devices such as tmpfs).", dev_major("dev")),
        col("dev_minor", U32, "", "Minor number of that device.", dev_minor("dev")),
        col("ino", U64, "", "Inode number of the file.", field("ino")),
        col("bdev", Str, "", "When the pages are a block device's own cache (read through /dev/vda, or a file system's metadata), that device's name on the recording host (vda); empty for files.", bdev_name("dev", "ino")),
        col("index", U64, "pages", "First page index (offset in pages) in the file.", field("index")),
        col("pages", U64, "pages", "Pages: a folio's (add, delete), the range looked up or mapped (get, map), 1 (fault, dirty), or the readahead's size.", field("pages")),
        col("req", U64, "pages", "Readahead: the pages the read asked for (0 for other events).", field("req")),
        col("bdi", Str, "", "`dirty`: the backing device's name (e.g. 254:0); empty otherwise.", cstr("bdi")),
    ]),
};

pub static WRITEBACK: Table = Table {
    name: t("writeback"),
    source: t("pagecache"),
    record: Some(t("rt_writeback")),
    doc: t("One row per start and end of a flusher's writeback work (writeback_start, \
            writeback_written), on every task (the flushers are kernel threads, which the \
            recording's pid and command filters would never match)."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When it happened.", field("ts")),
        col("pid", U32, "", "Process id of the task (a kworker flusher, or a task waiting on writeback).", field("pid")),
        col("tid", U32, "", "Thread id.", field("tid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col("written", Bool, "", "false: the work started (writeback_start); true: it ended (writeback_written).", field("written")),
        col("bdi", Str, "", "The backing device's name (e.g. 254:0).", cstr("bdi")),
        col("dev_major", U32, "", "Major number of the superblock's device the work is for (0: every superblock of the device).", dev_major("sb_dev")),
        col("dev_minor", U32, "", "Minor number of that device.", dev_minor("sb_dev")),
        col("nr_pages", I64, "pages", "Pages left to write in the work item (at start: the target; written: what remained).", field("nr_pages")),
        col("reason", I32, "", "Why (enum wb_reason): 0 background, 1 vmscan, 2 sync, 3 periodic, 4 laptop_timer, 5 fs_free_space, 6 forker_thread, 7 foreign_flush.", field("reason")),
        col("sync_mode", I32, "", "0 WB_SYNC_NONE, 1 WB_SYNC_ALL (data integrity: sync).", field("sync_mode")),
        col("flags", U32, "", "1 for_kupdate (periodic), 2 for_background, 4 range_cyclic.", field("flags")),
    ]),
};
