// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Address-space growth per process: mmap, munmap and brk, from the
 * per-syscall tracepoints (filtering every syscall in raw sys_enter would
 * cost every syscall on the machine ~77 ns; these fire only for their own).
 * RSS levels are not traced here: kmem/rss_stat fires about once per page
 * fault; the task iterator reads the exact levels once per interval instead.
 */
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tracepoint/syscalls/sys_enter_mmap")
int on_sys_enter_mmap(struct trace_event_raw_sys_enter *ctx)
{
	struct pw_proc_counters *pc = pw_current_proc();
	if (pc)
		__sync_fetch_and_add(&pc->mmap_bytes, ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_munmap")
int on_sys_enter_munmap(struct trace_event_raw_sys_enter *ctx)
{
	struct pw_proc_counters *pc = pw_current_proc();
	if (pc)
		__sync_fetch_and_add(&pc->munmap_bytes, ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_brk")
int on_sys_enter_brk(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pw_task_stats *s =
		bpf_task_storage_get(&task_stats, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (s)
		s->brk_before = BPF_CORE_READ(t, mm, brk);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_brk")
int on_sys_exit_brk(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pw_task_stats *s = bpf_task_storage_get(&task_stats, t, 0, 0);
	if (!s || !s->brk_before)
		return 0;
	__u64 now = (__u64)ctx->ret;
	if (now > s->brk_before) {
		struct pw_proc_counters *pc = pw_current_proc();
		if (pc)
			__sync_fetch_and_add(&pc->brk_grow_bytes, now - s->brk_before);
	}
	s->brk_before = 0;
	return 0;
}
