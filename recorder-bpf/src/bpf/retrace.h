/* Records the BPF programs hand to user space through the ring buffers.
 * Plain __u32/__u64 structs shared by the BPF side and (through the skeleton's
 * BTF) the Rust side; no layout is written twice. Every record starts with a
 * __u32 kind so one ring can carry several record types. */
#ifndef RETRACE_H
#define RETRACE_H

#define RT_COMM_LEN 16
#define RT_FILENAME_LEN 256
/* argv bounds, documented in schemas/src/tables.rs (EXEC_*). */
#define RT_EXEC_MAX_ARGS 32
#define RT_EXEC_ARG_LEN 256
#define RT_EXEC_ARGS_LEN 4096

enum rt_kind {
	RT_KIND_BLOCK_IO = 1,
	RT_KIND_EXEC = 2,
	RT_KIND_FORK = 3,
	RT_KIND_EXIT = 4,
};

struct rt_block_io {
	__u32 kind;
	__u32 dev; /* kernel dev_t: major << 20 | minor */
	__u64 ts_insert; /* 0 when never inserted */
	__u64 ts_issue;
	__u64 ts_complete;
	__u64 sector;
	__u32 bytes;
	__u32 cmd_flags;
	__u32 pid;
	__u32 tid;
	__s32 status; /* raw blk_status_t */
	char rwbs[8];
	char comm[RT_COMM_LEN];
};

struct rt_exec {
	__u32 kind;
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__s32 ret;
	__u64 ts_enter;
	__u64 ts_exit;
	__u32 args_count;
	__u32 args_size; /* bytes used in args, NULs included */
	__u32 args_truncated;
	__u32 pad;
	char comm[RT_COMM_LEN];
	char filename[RT_FILENAME_LEN];
	char args[RT_EXEC_ARGS_LEN];
};

struct rt_fork {
	__u32 kind;
	__u32 parent_pid;
	__u64 ts;
	__u32 parent_tid;
	__u32 child_pid;
	__u32 child_tid;
	__u32 pad;
	char comm[RT_COMM_LEN];
};

struct rt_exit {
	__u32 kind;
	__u32 pid;
	__u64 ts;
	__u64 start_ns;
	__u32 tid;
	__u32 ppid;
	__s32 exit_code; /* raw task->exit_code: (code << 8) | signal | 0x80 if core */
	__u32 pad;
	char comm[RT_COMM_LEN];
};

#endif
