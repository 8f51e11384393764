/* One handler, every attach variant. A source's declaration (schemas/src/catalog/)
 * lists each probe's attach alternatives in order of preference; the recorder
 * loads the best one this kernel supports and switches the others off. These
 * macros write the programs of all variants from one handler body, named as the
 * declaration expects: <kind>__<target> (tp_btf__signal_generate,
 * raw_tp__signal_generate, fentry__oom_kill_process, kprobe__oom_kill_process).
 *
 *   RT_TRACEPOINT(signal_generate, int sig, struct kernel_siginfo *info, ...)
 *   {
 *           ... body: the arguments by name, and `ctx` ...
 *   }
 *
 * tp_btf arguments may be dereferenced directly, raw_tp ones may not: read
 * pointer arguments with BPF_CORE_READ, which is right for both. */
#ifndef PROBE_BPF_H
#define PROBE_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* A tracepoint: a tp_btf program (typed arguments, 5.5+) and a raw_tp one (4.17+),
 * both calling the body with the same arguments, cast from the u64 context. */
#define RT_TRACEPOINT(tp, args...)                                             \
	static __always_inline int ____rt_tp_##tp(unsigned long long *ctx,    \
						  ##args);                     \
	SEC("tp_btf/" #tp)                                                     \
	int tp_btf__##tp(unsigned long long *ctx)                              \
	{                                                                      \
		_Pragma("GCC diagnostic push")                                 \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")         \
		return ____rt_tp_##tp(___bpf_ctx_cast(args));                  \
		_Pragma("GCC diagnostic pop")                                  \
	}                                                                      \
	SEC("raw_tp/" #tp)                                                     \
	int raw_tp__##tp(unsigned long long *ctx)                              \
	{                                                                      \
		_Pragma("GCC diagnostic push")                                 \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")         \
		return ____rt_tp_##tp(___bpf_ctx_cast(args));                  \
		_Pragma("GCC diagnostic pop")                                  \
	}                                                                      \
	static __always_inline int ____rt_tp_##tp(unsigned long long *ctx,    \
						  ##args)

/* A kernel function: an fentry program (5.5+, BTF trampolines) and a kprobe one
 * (CONFIG_KPROBES), both calling the body with the function's arguments. `ctx` is
 * untyped in the body: it differs between the two. */
#define RT_KFUNC(fn, args...)                                                  \
	static __always_inline int ____rt_fn_##fn(void *ctx, ##args);          \
	SEC("fentry/" #fn)                                                     \
	int fentry__##fn(unsigned long long *ctx)                              \
	{                                                                      \
		_Pragma("GCC diagnostic push")                                 \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")         \
		return ____rt_fn_##fn(___bpf_ctx_cast(args));                  \
		_Pragma("GCC diagnostic pop")                                  \
	}                                                                      \
	SEC("kprobe/" #fn)                                                     \
	int kprobe__##fn(struct pt_regs *ctx)                                  \
	{                                                                      \
		_Pragma("GCC diagnostic push")                                 \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")         \
		return ____rt_fn_##fn(___bpf_kprobe_args(args));               \
		_Pragma("GCC diagnostic pop")                                  \
	}                                                                      \
	static __always_inline int ____rt_fn_##fn(void *ctx, ##args)

/* A kernel function's return: an fexit program (its return value through
 * bpf_get_func_ret, 5.17+, whatever the function's arguments) and a kretprobe
 * one, both calling the body with `ret`. */
#define RT_KRETFUNC(fn)                                                        \
	static __always_inline int ____rt_ret_##fn(void *ctx, long ret);       \
	SEC("fexit/" #fn)                                                      \
	int fexit__##fn(unsigned long long *ctx)                               \
	{                                                                      \
		__u64 ret = 0;                                                 \
		bpf_get_func_ret(ctx, &ret);                                   \
		return ____rt_ret_##fn(ctx, (long)ret);                        \
	}                                                                      \
	SEC("kretprobe/" #fn)                                                  \
	int kretprobe__##fn(struct pt_regs *ctx)                               \
	{                                                                      \
		return ____rt_ret_##fn(ctx, (long)PT_REGS_RC(ctx));            \
	}                                                                      \
	static __always_inline int ____rt_ret_##fn(void *ctx, long ret)

/* A syscalls exit tracepoint program that hands the return value to a handler
 * (the enter side keeps the call's arguments, e.g. in task storage):
 * RT_SYSCALL_EXIT(openat, exit_open) is tracepoint__syscalls__sys_exit_openat. */
#define RT_SYSCALL_EXIT(name, handler)                                         \
	SEC("tracepoint/syscalls/sys_exit_" #name)                             \
	int tracepoint__syscalls__sys_exit_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                                      \
		return handler(ctx->ret);                                      \
	}

/* Keeps a record struct and its kind enum in the object's BTF, where the recorder
 * finds their layout and values (nothing is mirrored by hand in Rust). */
#define RT_RECORD(type) struct type _##type = {}
#define RT_KINDS(enum_name) enum enum_name _##enum_name = 0

#endif
