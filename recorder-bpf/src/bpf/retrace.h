/* Records the BPF programs hand to user space through the ring buffers.
 * Plain __u32/__u64 structs shared by the BPF side and (through the skeleton's
 * BTF) the Rust side; no layout is written twice. Every ring record starts with a
 * __u32 kind so one ring can carry several record types. */
#ifndef RETRACE_H
#define RETRACE_H

/* Sizes and encodings both sides use. An enum, not #defines, so that they are in
 * every object's BTF: the recorder reads them from there (and its tests compare
 * them with what the table declarations document), never from a copy. */
enum rt_const {
	RT_COMM_LEN = 16,
	RT_FILENAME_LEN = 256,
	/* argv bounds: the EXEC_* bounds documented with the proc tables. */
	RT_EXEC_MAX_ARGS = 32,
	RT_EXEC_ARG_LEN = 256,
	RT_EXEC_ARGS_LEN = 4096,
	RT_IRQ_NAME_LEN = 32,
	/* The kernel's dev_t: major << MINORBITS | minor (include/linux/kdev_t.h). */
	RT_DEV_MINORBITS = 20,
};
enum rt_const _rt_const = 0;

enum rt_kind {
	RT_KIND_BLOCK_IO = 1,
	RT_KIND_EXEC = 2,
	RT_KIND_FORK = 3,
	RT_KIND_EXIT = 4,
	RT_KIND_SCHED_SWITCH = 5,
	RT_KIND_SCHED_WAKEUP = 6,
	RT_KIND_OFFCPU = 7,
	RT_KIND_PROFILE = 8,
	RT_KIND_SYSCALL = 9,
	RT_KIND_HARDIRQ = 10,
	RT_KIND_SOFTIRQ = 11,
	RT_KIND_CPUFREQ = 12,
	RT_KIND_PMC = 13,
	RT_KIND_BATCH = 14,
};

/* Keeps the kinds in every object's BTF: the recorder reads each record's kind
 * (RT_KIND_<NAME> for struct rt_<name>) from there, not from a copy in Rust. */
enum rt_kind _rt_kind = 0;

/* A ring record that carries many records of one kind, recorded on one CPU:
 * this header, then `count` records of `rec_kind`'s struct, back to back. Hot
 * sources (sched) fill a per-CPU buffer and hand it over whole (batch.bpf.h);
 * their records inside carry no kind and no CPU of their own. */
struct rt_batch {
	__u32 kind; /* RT_KIND_BATCH */
	__u32 rec_kind; /* kind of every record that follows */
	__u32 cpu; /* CPU that recorded them */
	__u32 count;
};

/* Head of a per-CPU batch buffer (batch.bpf.h, an array map value), its data
 * right after it: user space reads the buffers at the end. */
struct rt_batch_head {
	__u32 len; /* data bytes filled */
	__u32 gen; /* flush_gen at the last hand-over */
	__u32 busy; /* set while a program fills it (nesting guard) */
	__u32 pad;
	struct rt_batch hdr; /* filled at hand-over: sent with the data, in one copy */
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

/* sched records travel in batches (struct rt_batch): no kind, no cpu. 64 bytes. */
struct rt_sched_switch {
	__u64 ts;
	__u32 prev_tid;
	__u32 prev_pid;
	__u32 next_tid;
	__u32 next_pid;
	__u32 prev_state; /* 0 when preempted (still runnable) */
	__s16 prev_prio; /* task->prio: -1 (deadline) to 139 */
	__s16 next_prio;
	char prev_comm[RT_COMM_LEN];
	char next_comm[RT_COMM_LEN];
};

/* 48 bytes; batched like rt_sched_switch. */
struct rt_sched_wakeup {
	__u64 ts;
	__u32 tid;
	__u32 pid;
	__u32 waker_tid;
	__u32 waker_pid;
	__u32 target_cpu;
	__s16 prio;
	__u8 is_new;
	__u8 pad;
	char comm[RT_COMM_LEN];
};

struct rt_offcpu {
	__u32 kind;
	__u32 cpu;
	__u64 ts; /* switched back in */
	__u64 ts_off; /* switched out */
	__u32 tid;
	__u32 pid;
	__u32 state;
	__s32 kstack_id; /* stack map ids; < 0 when none */
	__s32 ustack_id;
	__u32 pad;
	char comm[RT_COMM_LEN];
};

/* Followed in the record by kframes kernel then uframes user return addresses
 * (u64 each, leaf first): samples carry their stacks, which the recorder
 * deduplicates, so no stack map can collide or fill. */
struct rt_profile {
	__u32 kind;
	__u32 cpu;
	__u64 ts;
	__u32 tid;
	__u32 pid;
	__u32 kframes;
	__u32 uframes;
	__u32 runq_len;
	__u32 pad;
	char comm[RT_COMM_LEN];
};

struct rt_syscall {
	__u32 kind;
	__s32 nr;
	__u64 ts_enter;
	__u64 ts_exit;
	__s64 ret;
	__u32 pid;
	__u32 tid;
	char comm[RT_COMM_LEN];
};

struct rt_hardirq {
	__u32 kind;
	__u32 cpu;
	__u64 ts_entry;
	__u64 ts_exit;
	__u32 irq;
	__u32 handled;
	char name[RT_IRQ_NAME_LEN];
};

struct rt_softirq {
	__u32 kind;
	__u32 cpu;
	__u64 ts_entry;
	__u64 ts_exit;
	__u32 vec;
	__u32 pad;
};

struct rt_cpufreq {
	__u32 kind;
	__u32 cpu;
	__u64 ts;
	__u32 freq_khz;
	__u32 pad;
};

struct rt_pmc {
	__u32 kind;
	__u32 cpu;
	__u64 ts;
	__u64 period;
	__u32 counter; /* index into the recorder's counter list (attach cookie) */
	__u32 tid;
	__u32 pid;
	__u32 pad;
	char comm[RT_COMM_LEN];
};

#endif
