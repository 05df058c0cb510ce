// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Scheduler: the distribution of run-queue waits per thread.
 *
 * Each wait is timed with bpf_ktime_get_ns() from the moment the thread
 * becomes runnable (sched_wakeup, sched_wakeup_new, or sched_switch
 * switching it out still runnable: preempted) to its switch-in, as
 * runqlat does. The kernel's own stamps cannot be used for this: after a
 * wakeup that preempts the current task (always the case on an idle CPU),
 * wakeup_preempt() calls rq_clock_skip_update(), so __schedule() does not
 * update rq->clock and the switch-in reads the very value the enqueue
 * stamped: rq->clock - sched_info.last_queued is exactly 0 for waits that
 * took microseconds. Measured here with a light load (4 threads, 2 ms spin,
 * 10 ms sleep): 287 of 1,502 switch-ins added 0 ns to run_delay while
 * their wakeup-to-switch time was 4-16 us; on a quiet machine most
 * switch-ins are of that kind, so the median read 0. The kernel's
 * run_delay has the same hole; totals still come from it (read by the
 * task iterator) as the kernel's own accounting.
 *
 * sched_info.last_queued still tells, for free, whether the thread being
 * switched in waited at all, so a thread that was never queued (or a
 * skipped sample) costs no storage lookup.
 *
 * Under sampling (sampling.bpf.h) only the histogram is sampled: CPU time,
 * switch counts and run_delay come from the kernel's counters and stay
 * exact. The stamps are always taken, so a sampled wait is never timed
 * from a stale start.
 */
#include "sampling.bpf.h"
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Starts a run-queue wait of t now. From sched_wakeup this runs in the
 * waker's context, but under t's run-queue lock (ttwu_do_activate(),
 * ttwu_runnable()), as does t's switch-in: the plain store cannot race
 * with the switch-in that reads and clears it. */
static __always_inline void stamp_queued(struct task_struct *t)
{
	struct pw_task_stats *s = pw_thread_stats(t);
	if (s)
		s->queued_ns = bpf_ktime_get_ns();
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_sched_wakeup, struct task_struct *p)
{
	stamp_queued(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(on_sched_wakeup_new, struct task_struct *p)
{
	stamp_queued(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	/* Switched out still runnable (preempted, yielded): it waits in the
	 * run queue from now. The kernel's test (sched_info_depart()). */
	if (prev->pid && pw_task_state(prev) == TASK_RUNNING)
		stamp_queued(prev);

	/* pid 0 is the idle task; last_queued 0 = it did not wait in a run
	 * queue (the kernel clears it when the wait ends, after this
	 * tracepoint). */
	if (!next->sched_info.last_queued || !next->pid)
		return 0;
	/* Before anything else that costs: a skipped wait reads nothing more.
	 * Its stamp stays, but every wait starts with a fresh one. */
	int k = pw_sample();
	if (k < 0)
		return 0;
	struct pw_task_stats *s = bpf_task_storage_get(&task_stats, next, 0, 0);
	if (!s)
		return 0;
	__u64 queued = s->queued_ns;
	/* 0: it became runnable before procwatch was loaded. */
	if (!queued)
		return 0;
	s->queued_ns = 0;
	__u64 now = bpf_ktime_get_ns();
	if (now < queued)
		return 0;
	s->runq_hist.buckets[pw_log2_bucket(now - queued)] += 1u << k;
	return 0;
}
