// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Scheduler: run-queue latency (runnable -> on CPU) and off-CPU time
 * (blocked -> woken) per thread, plus a per-process latency histogram.
 * On-CPU time and context-switch counts are NOT counted here: the kernel
 * already keeps them exactly (sum_exec_runtime, nvcsw, nivcsw) and the task
 * iterator reads them, so the hot path only does what the kernel does not.
 */
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline struct pw_task_stats *stats_of(struct task_struct *t)
{
	return bpf_task_storage_get(&task_stats, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* The task becomes runnable: ends a blocked period, starts a queue wait. */
static __always_inline void mark_runnable(struct task_struct *p, __u64 now)
{
	struct pw_task_stats *s = stats_of(p);

	if (!s)
		return;
	if (s->switched_out_ns) {
		s->self.offcpu_ns += now - s->switched_out_ns;
		s->switched_out_ns = 0;
	}
	s->enqueued_ns = now;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_sched_wakeup, struct task_struct *p)
{
	mark_runnable(p, bpf_ktime_get_ns());
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(on_sched_wakeup_new, struct task_struct *p)
{
	mark_runnable(p, bpf_ktime_get_ns());
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();
	struct pw_task_stats *s;

	/* pid 0 is the per-CPU idle task: nothing to attribute. */
	if (prev->pid) {
		s = stats_of(prev);
		if (s) {
			if (prev->__state == TASK_RUNNING) {
				/* Preempted: it waits in the run queue from now. */
				s->enqueued_ns = now;
				s->switched_out_ns = 0;
			} else {
				s->switched_out_ns = now;
				s->enqueued_ns = 0;
			}
		}
	}

	if (!next->pid)
		return 0;
	s = stats_of(next);
	if (!s || !s->enqueued_ns)
		return 0;

	__u64 delay = now - s->enqueued_ns;
	s->enqueued_ns = 0;
	s->self.runq_wait_ns += delay;
	s->self.runq_waits += 1;

	struct task_struct *leader = next->group_leader;
	struct pw_task_stats *ls = leader == next ? s : stats_of(leader);
	if (ls)
		__sync_fetch_and_add(&ls->runq_hist.buckets[pw_log2_bucket(delay)], 1);
	return 0;
}
