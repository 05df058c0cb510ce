// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Scheduler: the distribution of run-queue waits per thread.
 *
 * The kernel already measures every wait: sched_info.last_queued is set
 * when a task becomes runnable (woken or preempted) and turned into
 * run_delay when it gets the CPU, in prepare_task_switch(), which runs
 * after the sched_switch tracepoint. So at sched_switch the wait that is
 * ending is rq->clock - next->sched_info.last_queued, in the same clock the
 * kernel uses: no wakeup programs, no timestamps of our own. Totals
 * (run_delay, on-CPU time, switches) are read by the task iterator; this
 * program only adds the histogram, in the thread's own storage (one thread
 * runs on one CPU at a time, so no atomics).
 *
 * Under sampling (sampling.bpf.h) only the histogram is sampled: CPU time,
 * switch counts and run_delay come from the kernel's counters and stay
 * exact.
 */
#include "sampling.bpf.h"
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* rq->clock of the CPU the task is being switched in on, the clock
 * sched_info uses. (The per-CPU "runqueues" symbol would be simpler, but
 * kernels built without CONFIG_KALLSYMS_ALL cannot resolve data ksyms.) */
static __always_inline __u64 rq_clock_of(struct task_struct *t)
{
	struct cfs_rq *cfs = t->se.cfs_rq;
	if (bpf_core_field_exists(cfs->rq))
		return cfs->rq->clock;
	/* Without group scheduling the cfs_rq is embedded in the rq. */
	struct rq *rq = (void *)cfs - bpf_core_field_offset(struct rq, cfs);
	return BPF_CORE_READ(rq, clock);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 queued = next->sched_info.last_queued;
	/* pid 0 is the idle task; 0 = it did not wait in a run queue. */
	if (!queued || !next->pid)
		return 0;
	/* Before anything else that costs: a skipped wait reads nothing more. */
	int k = pw_sample();
	if (k < 0)
		return 0;
	__u64 now = rq_clock_of(next);
	/* A wait inside one clock update is a wait of 0 ns: still a wait. */
	if (now < queued)
		return 0;
	struct pw_task_stats *s = pw_thread_stats(next);
	if (s)
		s->runq_hist.buckets[pw_log2_bucket(now - queued)] += 1u << k;
	return 0;
}
