// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Address-space growth per process: mmap, munmap and brk, from the
 * per-syscall tracepoints (filtering every syscall in raw sys_enter would
 * cost every syscall on the machine ~77 ns; these fire only for their own).
 * RSS levels are not traced here: kmem/rss_stat fires about once per page
 * fault; the task iterator reads the exact levels once per interval instead.
 * Counters go to the calling thread's own storage (task_stats.bpf.h).
 */
#include "sampling.bpf.h"
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Sampled (sampling.bpf.h): one call in 2^k counts 2^k times its length. */
static __always_inline void count_length(__u64 len, bool map)
{
	int k = pw_sample();
	if (k < 0)
		return;
	struct pw_task_stats *s = pw_thread_stats(bpf_get_current_task_btf());
	if (!s)
		return;
	if (map)
		pw_proc_add(s, mmap_bytes, len << k);
	else
		pw_proc_add(s, munmap_bytes, len << k);
}

SEC("tracepoint/syscalls/sys_enter_mmap")
int on_sys_enter_mmap(struct trace_event_raw_sys_enter *ctx)
{
	count_length(ctx->args[1], true);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_munmap")
int on_sys_enter_munmap(struct trace_event_raw_sys_enter *ctx)
{
	count_length(ctx->args[1], false);
	return 0;
}

/* brk returns the new break, not the growth: remember the old one. A brk
 * call that is not sampled leaves brk_before at 0 and is not counted. */
SEC("tracepoint/syscalls/sys_enter_brk")
int on_sys_enter_brk(struct trace_event_raw_sys_enter *ctx)
{
	int k = pw_sample();
	if (k < 0)
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct pw_task_stats *s = pw_thread_stats(t);
	if (s) {
		s->brk_before = t->mm->brk;
		s->brk_shift = k;
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_brk")
int on_sys_exit_brk(struct trace_event_raw_sys_exit *ctx)
{
	struct pw_task_stats *s =
		bpf_task_storage_get(&task_stats, bpf_get_current_task_btf(), 0, 0);
	if (!s || !s->brk_before)
		return 0;
	__u64 now = (__u64)ctx->ret;
	if (now > s->brk_before)
		pw_proc_add(s, brk_grow_bytes, (now - s->brk_before) << (s->brk_shift & 31));
	s->brk_before = 0;
	return 0;
}
